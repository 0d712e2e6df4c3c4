//! Events on pages and in the API: the list and calendar, the event page,
//! types and funders, materials, registration, attendance, printable sheets
//! and certificates, and figures for viewers.

mod api;
mod attendance;
mod changes;
mod figures;
mod form;
mod materials;
mod pdf;
mod registration;
mod settings;
mod web;

use jiff::civil::Date;
use kolo_core::events::{Event, EventAccess, EventId, EventType, event_access};
use kolo_core::lang::Lang;
use kolo_core::org::Oblast;

pub use api::schemas as api_schemas;

/// JSON answers shared with the participants API.
pub(crate) mod api_helpers {
    pub(crate) use super::api::{invalid, parse_body};
}
pub(crate) use changes::audit_registered;
pub use pdf::{SheetData, certificate_pdf, sign_in_sheet_pdf};
pub(crate) use web::funder_choices;

use crate::app::AppState;
use crate::web::{AppError, RouteTable, Staff, i18n};

pub fn routes() -> RouteTable {
    web::routes()
        .merge(form::routes())
        .merge(settings::routes())
        .merge(materials::routes())
        .merge(registration::routes())
        .merge(attendance::routes())
        .merge(pdf::routes())
        .merge(figures::routes())
        .merge(api::routes())
}

/// A choice in a select, a list of radio buttons or checkboxes.
pub(crate) struct Choice {
    pub value: String,
    pub label: String,
    pub chosen: bool,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>, chosen: bool) -> Choice {
        Choice {
            value: value.into(),
            label: label.into(),
            chosen,
        }
    }
}

/// Today in Kyiv: the organisation's calendar day.
pub(crate) fn today() -> Date {
    let zone = jiff::tz::TimeZone::get("Europe/Kyiv").unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::now().to_zoned_datetime(zone).date()
}

/// `12.03.2024` in Ukrainian, `12 Mar 2024` in English.
pub(crate) fn day_label(lang: Lang, day: Date) -> String {
    match lang {
        Lang::Uk => day.strftime("%d.%m.%Y").to_string(),
        Lang::En => day.strftime("%-d %b %Y").to_string(),
    }
}

/// A day without its year, for grid headers: `12.03` or `12 Mar`.
pub(crate) fn short_day(lang: Lang, day: Date) -> String {
    match lang {
        Lang::Uk => day.strftime("%d.%m").to_string(),
        Lang::En => day.strftime("%-d %b").to_string(),
    }
}

/// `12.03.2024` or `12.03.2024 – 14.03.2024`.
pub(crate) fn range_label(lang: Lang, start: Date, end: Date) -> String {
    if start == end {
        day_label(lang, start)
    } else {
        format!("{} – {}", day_label(lang, start), day_label(lang, end))
    }
}

pub(crate) fn oblast_name(lang: Lang, oblast: Option<Oblast>) -> String {
    oblast.map_or_else(String::new, |o| i18n::text(lang, &o.message_id()))
}

pub(crate) fn oblast_choices(lang: Lang, chosen: &str) -> Vec<Choice> {
    Oblast::ALL
        .iter()
        .map(|o| {
            Choice::new(
                o.code(),
                i18n::text(lang, &o.message_id()),
                o.code() == chosen,
            )
        })
        .collect()
}

pub(crate) fn type_name(types: &[EventType], id: &str, lang: Lang) -> String {
    types
        .iter()
        .find(|t| t.id == id)
        .map_or_else(|| id.to_owned(), |t| t.name(lang).to_owned())
}

/// The event, or 404 (before any row-level check, so an unknown id never
/// tells a person more than a refused one).
pub(crate) async fn load_event(app: &AppState, id: &str) -> Result<Event, AppError> {
    app.store
        .event(&EventId(id.to_owned()))
        .await?
        .ok_or(AppError::NotFound)
}

/// The event if the person's access to it is at least `needed`, else 403.
pub(crate) async fn event_for(
    app: &AppState,
    staff: &Staff,
    id: &str,
    needed: EventAccess,
) -> Result<(Event, EventAccess), AppError> {
    let event = load_event(app, id).await?;
    let access = event_access(&staff.user, &event);
    if access < needed {
        return Err(AppError::Forbidden);
    }
    Ok((event, access))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_written_the_way_each_language_writes_them() {
        let day: Date = "2024-03-05".parse().unwrap();
        assert_eq!(day_label(Lang::Uk, day), "05.03.2024");
        assert_eq!(day_label(Lang::En, day), "5 Mar 2024");
        let end: Date = "2024-03-07".parse().unwrap();
        assert_eq!(range_label(Lang::Uk, day, end), "05.03.2024 – 07.03.2024");
        assert_eq!(short_day(Lang::Uk, end), "07.03");
    }
}
