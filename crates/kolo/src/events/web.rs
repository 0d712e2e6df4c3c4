//! The event list with its filters, the month calendar, and the event page.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use jiff::ToSpan;
use jiff::civil::Date;
use kolo_core::auth::{Action, Role};
use kolo_core::events::{
    EventAccess, EventFilter, EventFormat, EventListItem, EventListScope, EventStatus, Funder,
    Trainer, event_list_scope, parse_day,
};
use kolo_core::lang::Lang;
use kolo_core::org::Oblast;
use serde::Deserialize;

use super::{Choice, event_for, oblast_choices, oblast_name, range_label, short_day, type_name};
use crate::app::AppState;
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, Staff, i18n};

pub fn routes() -> RouteTable {
    let view = Access::Staff(Action::ViewEvents);
    RouteTable::new()
        .get("/events", view, list)
        .get("/events/calendar", view, calendar)
        .get("/events/{id}", view, event_page)
}

/// The list's filters as they come in the query string.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct FilterForm {
    from: String,
    until: String,
    #[serde(rename = "type")]
    type_id: String,
    format: String,
    oblast: String,
    funder: String,
    trainer: String,
    status: String,
}

impl FilterForm {
    /// The filter, narrowed to what the person may see; `None` when they may
    /// see no event at all.
    pub(crate) fn to_filter(&self, staff: &Staff) -> Option<EventFilter> {
        let text = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        let mut filter = EventFilter {
            from: parse_day(&self.from),
            until: parse_day(&self.until),
            type_id: text(&self.type_id),
            format: EventFormat::parse(&self.format),
            oblast: Oblast::from_code(&self.oblast),
            funder_id: text(&self.funder),
            trainer: text(&self.trainer).map(kolo_core::auth::UserId),
            status: EventStatus::parse(&self.status),
        };
        match event_list_scope(&staff.user) {
            EventListScope::All => {}
            EventListScope::Oblast(oblast) => {
                if filter.oblast.is_some_and(|o| o != oblast) {
                    return None;
                }
                filter.oblast = Some(oblast);
            }
            EventListScope::Nothing => return None,
        }
        Some(filter)
    }
}

pub(crate) struct ListRow {
    pub id: String,
    pub title: String,
    pub dates: String,
    pub type_name: String,
    pub format: String,
    pub place: String,
    pub status: String,
    pub cancelled: bool,
    pub registered: u32,
    pub attended: u32,
}

pub(crate) fn list_row(
    lang: Lang,
    types: &[kolo_core::events::EventType],
    item: &EventListItem,
) -> ListRow {
    let oblast = oblast_name(lang, item.oblast);
    let place = match (item.city.is_empty(), oblast.is_empty()) {
        (false, false) => format!("{}, {oblast}", item.city),
        (false, true) => item.city.clone(),
        _ => oblast,
    };
    ListRow {
        id: item.id.0.clone(),
        title: item.title.clone(),
        dates: range_label(lang, item.start, item.end),
        type_name: type_name(types, &item.type_id, lang),
        format: i18n::text(lang, item.format.message_id()),
        place,
        status: i18n::text(lang, item.status.message_id()),
        cancelled: item.status == EventStatus::Cancelled,
        registered: item.registered,
        attended: item.attended,
    }
}

#[derive(Template)]
#[template(path = "events_list.html")]
struct ListPage {
    page: Page,
    rows: Vec<ListRow>,
    from: String,
    until: String,
    types: Vec<Choice>,
    formats: Vec<Choice>,
    oblasts: Vec<Choice>,
    funders: Vec<Choice>,
    trainers: Vec<Choice>,
    statuses: Vec<Choice>,
    may_create: bool,
    may_configure: bool,
    limited_to: Option<String>,
}

async fn list(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Query(form): Query<FilterForm>,
) -> Result<Html<String>, AppError> {
    let lang = ctx.lang;
    let types = app.store.event_types().await?;
    let funders = app.store.funders().await?;
    let staff_list = app.store.users().await?;
    let items = match form.to_filter(&staff) {
        Some(filter) => app.store.events(&filter).await?,
        None => Vec::new(),
    };
    let limited_to = match event_list_scope(&staff.user) {
        EventListScope::Oblast(oblast) => Some(oblast_name(lang, Some(oblast))),
        EventListScope::Nothing => Some(i18n::text(lang, "events-no-oblast")),
        EventListScope::All => None,
    };
    let page = ListPage {
        page: Page::new(&app, &ctx, "events-title"),
        rows: items
            .iter()
            .map(|item| list_row(lang, &types, item))
            .collect(),
        from: form.from.clone(),
        until: form.until.clone(),
        types: types
            .iter()
            .map(|t| Choice::new(&t.id, t.name(lang), t.id == form.type_id))
            .collect(),
        formats: EventFormat::ALL
            .iter()
            .map(|f| {
                Choice::new(
                    f.as_str(),
                    i18n::text(lang, f.message_id()),
                    f.as_str() == form.format,
                )
            })
            .collect(),
        oblasts: oblast_choices(lang, &form.oblast),
        funders: funder_choices(&funders, |f| f.id == form.funder),
        trainers: staff_list
            .iter()
            .filter(|u| u.roles.contains(Role::Trainer) || u.roles.contains(Role::Coordinator))
            .map(|u| Choice::new(&u.id.0, &u.display_name, u.id.0 == form.trainer))
            .collect(),
        statuses: EventStatus::ALL
            .iter()
            .map(|s| {
                Choice::new(
                    s.as_str(),
                    i18n::text(lang, s.message_id()),
                    s.as_str() == form.status,
                )
            })
            .collect(),
        may_create: staff.user.may(Action::CreateEvents),
        may_configure: staff.user.may(Action::ManageEventSettings),
        limited_to,
    };
    Ok(Html(page.render()?))
}

pub(crate) fn funder_choices(funders: &[Funder], chosen: impl Fn(&Funder) -> bool) -> Vec<Choice> {
    funders
        .iter()
        .map(|f| {
            let label = if f.grant_code.is_empty() {
                f.name.clone()
            } else {
                format!("{} ({})", f.name, f.grant_code)
            };
            Choice::new(&f.id, label, chosen(f))
        })
        .collect()
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MonthQuery {
    /// `YYYY-MM`.
    month: String,
}

struct CalendarDay {
    label: String,
    in_month: bool,
    today: bool,
    events: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "events_calendar.html")]
struct CalendarPage {
    page: Page,
    month_label: String,
    previous: String,
    next: String,
    weekdays: Vec<String>,
    weeks: Vec<Vec<CalendarDay>>,
}

async fn calendar(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Query(query): Query<MonthQuery>,
) -> Result<Html<String>, AppError> {
    let lang = ctx.lang;
    let today = super::today();
    let first = parse_month(&query.month).unwrap_or_else(|| today.first_of_month());
    let last = first.last_of_month();
    let events = match (FilterForm::default()).to_filter(&staff) {
        Some(mut filter) => {
            filter.from = Some(first);
            filter.until = Some(last);
            app.store.events(&filter).await?
        }
        None => Vec::new(),
    };
    // Weeks start on Monday, as calendars in Ukraine do.
    let offset = i64::from(first.weekday().to_monday_zero_offset());
    let mut day = first
        .checked_sub(offset.days())
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let mut weeks = Vec::new();
    while day <= last {
        let mut week = Vec::with_capacity(7);
        for _ in 0..7 {
            week.push(CalendarDay {
                label: day.day().to_string(),
                in_month: day.month() == first.month(),
                today: day == today,
                events: events
                    .iter()
                    .filter(|e| e.start <= day && day <= e.end)
                    .map(|e| (e.id.0.clone(), e.title.clone()))
                    .collect(),
            });
            day = day
                .checked_add(1.day())
                .map_err(|e| AppError::Internal(e.to_string()))?;
        }
        weeks.push(week);
    }
    let month_name = i18n::text(lang, &format!("month-{}", first.month()));
    let page = CalendarPage {
        page: Page::new(&app, &ctx, "events-calendar-title"),
        month_label: format!("{month_name} {}", first.year()),
        previous: month_param(first.checked_sub(1.month()).unwrap_or(first)),
        next: month_param(first.checked_add(1.month()).unwrap_or(first)),
        weekdays: (1..=7)
            .map(|d| i18n::text(lang, &format!("weekday-{d}")))
            .collect(),
        weeks,
    };
    Ok(Html(page.render()?))
}

fn parse_month(text: &str) -> Option<Date> {
    let (year, month) = text.trim().split_once('-')?;
    Date::new(year.parse().ok()?, month.parse().ok()?, 1).ok()
}

fn month_param(day: Date) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

struct TrainerLine {
    name: String,
    external: bool,
}

struct MaterialLine {
    id: String,
    name: String,
    size: String,
}

pub(crate) struct AttendanceRow {
    pub participant_id: String,
    pub uic: String,
    pub nickname: String,
    pub marks: Vec<bool>,
}

#[derive(Template)]
#[template(path = "events_page.html")]
struct EventPage {
    page: Page,
    id: String,
    title: String,
    type_name: String,
    status: String,
    format: String,
    dates: String,
    days: Vec<String>,
    place: String,
    venue: String,
    topics: Vec<String>,
    trainers: Vec<TrainerLine>,
    funders: Vec<String>,
    budget: String,
    planned: String,
    actual: String,
    agenda: String,
    notes: String,
    materials: Vec<MaterialLine>,
    manage: bool,
    show_participants: bool,
    registered: usize,
    attended: usize,
    rows: Vec<AttendanceRow>,
    upload_error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct PageQuery {
    pub(crate) notice: String,
}

async fn event_page(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<Html<String>, AppError> {
    render_event_page(
        &app,
        &ctx,
        &staff,
        &id,
        None,
        notice(ctx.lang, &query.notice),
    )
    .await
}

/// The notices other pages send the person back here with.
pub(crate) fn notice(lang: Lang, key: &str) -> Option<String> {
    let id = match key {
        "saved" => "events-saved",
        "created" => "events-created",
        "attendance" => "attendance-saved",
        "uploaded" => "material-uploaded",
        "deleted" => "material-deleted",
        _ => return None,
    };
    Some(i18n::text(lang, id))
}

/// The event page; `upload_error` re-shows the upload form with its problem.
pub(crate) async fn render_event_page(
    app: &AppState,
    ctx: &RequestContext,
    staff: &Staff,
    id: &str,
    upload_error: Option<String>,
    notice: Option<String>,
) -> Result<Html<String>, AppError> {
    let lang = ctx.lang;
    let (event, access) = event_for(app, staff, id, EventAccess::Details).await?;
    let types = app.store.event_types().await?;
    let funders = app.store.funders().await?;
    let users = app.store.users().await?;
    let materials = app.store.materials(&event.id).await?;
    let show_participants = access >= EventAccess::Participants;
    let registrations = if show_participants {
        app.store.registrations(&event.id).await?
    } else {
        Vec::new()
    };
    let d = &event.details;
    let trainers = d
        .trainers
        .iter()
        .map(|t| match t {
            Trainer::Staff(user) => TrainerLine {
                name: users
                    .iter()
                    .find(|u| &u.id == user)
                    .map_or_else(|| user.0.clone(), |u| u.display_name.clone()),
                external: false,
            },
            Trainer::External(name) => TrainerLine {
                name: name.clone(),
                external: true,
            },
        })
        .collect();
    let place = [d.city.clone(), oblast_name(lang, d.oblast)]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let attended = registrations
        .iter()
        .filter(|r| !r.present.is_empty())
        .count();
    let rows = registrations
        .iter()
        .map(|r| AttendanceRow {
            participant_id: r.participant_id.0.clone(),
            uic: r.uic.to_string(),
            nickname: r.nickname.clone(),
            marks: d.days.iter().map(|day| r.present.contains(day)).collect(),
        })
        .collect();
    let page = EventPage {
        page: Page::new(app, ctx, "events-page-title"),
        id: event.id.0.clone(),
        title: d.title.clone(),
        type_name: type_name(&types, &d.type_id, lang),
        status: i18n::text(lang, d.status.message_id()),
        format: i18n::text(lang, d.format.message_id()),
        dates: range_label(lang, d.start, d.end),
        days: d.days.iter().map(|day| short_day(lang, *day)).collect(),
        place,
        venue: d.venue.clone(),
        topics: d.topics.clone(),
        trainers,
        funders: d
            .funder_ids
            .iter()
            .filter_map(|id| funders.iter().find(|f| &f.id == id))
            .map(|f| {
                if f.grant_code.is_empty() {
                    f.name.clone()
                } else {
                    format!("{} ({})", f.name, f.grant_code)
                }
            })
            .collect(),
        budget: d.budget.map(|b| b.display()).unwrap_or_default(),
        planned: d
            .planned_participants
            .map(|n| n.to_string())
            .unwrap_or_default(),
        actual: d
            .actual_participants
            .map(|n| n.to_string())
            .unwrap_or_default(),
        agenda: d.agenda.clone(),
        notes: d.notes.clone(),
        materials: materials
            .iter()
            .map(|m| MaterialLine {
                id: m.id.clone(),
                name: m.file_name.clone(),
                size: file_size(m.size),
            })
            .collect(),
        manage: access >= EventAccess::Manage,
        show_participants,
        registered: registrations.len(),
        attended,
        rows,
        upload_error,
        notice,
    };
    Ok(Html(page.render()?))
}

/// `1.5 MB`, `820 KB`, `12 B`.
fn file_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{} KB", b / 1024),
        b => format!("{b} B"),
    }
}
