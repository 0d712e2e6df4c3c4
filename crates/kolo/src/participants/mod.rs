//! The participant register on pages and in the API: list and search, the
//! record with its consents and history, the form that computes the code and
//! proposes near-duplicates, merges, imports, and the admin's code scheme.
//!
//! Personal details are encrypted here, with the vault, before they reach the
//! store (see `crypto`).

mod api;
pub(crate) mod crypto;
pub(crate) mod form;
mod import;
mod import_file;
mod merge;
mod uic_admin;
mod web;

use kolo_core::events::{Event, ParticipantAccess, ParticipantFacts, participant_access};
use kolo_core::lang::Lang;
use kolo_core::participants::{
    AgeBand, Gender, Group, Participant, ParticipantId, UIC_SCHEME_SETTING, UicScheme,
};

pub use api::schemas as api_schemas;
pub(crate) use import_file::read_table;

use crate::app::AppState;
use crate::events::Choice;
use crate::web::{AppError, RouteTable, Staff, i18n};

pub fn routes() -> RouteTable {
    web::routes()
        .merge(form::routes())
        .merge(merge::routes())
        .merge(import::routes())
        .merge(uic_admin::routes())
        .merge(api::routes())
}

/// One sentence saying how codes are built, with an example.
pub(crate) fn describe_scheme(lang: Lang, scheme: &UicScheme) -> String {
    uic_admin::describe(lang, scheme)
}

/// The organisation's code scheme (the default until an admin chose one).
pub(crate) async fn scheme(app: &AppState) -> Result<UicScheme, AppError> {
    match app.store.setting(UIC_SCHEME_SETTING).await? {
        None => Ok(UicScheme::DEFAULT),
        Some(text) => UicScheme::parse(&text).map_err(|problem| {
            AppError::Internal(format!("the stored code scheme is not valid: {problem:?}"))
        }),
    }
}

/// The record, or 404.
pub(crate) async fn load(app: &AppState, id: &str) -> Result<Participant, AppError> {
    app.store
        .participant(&ParticipantId(id.to_owned()))
        .await?
        .ok_or(AppError::NotFound)
}

/// The events a participant is registered to, for the row-level rule.
pub(crate) async fn events_of(
    app: &AppState,
    participant: &Participant,
) -> Result<Vec<Event>, AppError> {
    let mut events = Vec::new();
    for item in app.store.participant_events(&participant.id).await? {
        if let Some(event) = app.store.event(&item.event_id).await? {
            events.push(event);
        }
    }
    Ok(events)
}

/// The record if the person's access to it is at least `needed`, else 403.
pub(crate) async fn participant_for(
    app: &AppState,
    staff: &Staff,
    id: &str,
    needed: ParticipantAccess,
) -> Result<(Participant, ParticipantAccess), AppError> {
    let participant = load(app, id).await?;
    let events = events_of(app, &participant).await?;
    let access = participant_access(
        &staff.user,
        &ParticipantFacts {
            oblast: participant.profile.oblast,
            events: &events,
        },
    );
    if access < needed {
        return Err(AppError::Forbidden);
    }
    Ok((participant, access))
}

pub(crate) fn group_choices(lang: Lang, chosen: &str) -> Vec<Choice> {
    Group::ALL
        .iter()
        .map(|g| {
            Choice::new(
                g.as_str(),
                i18n::text(lang, g.message_id()),
                g.as_str() == chosen,
            )
        })
        .collect()
}

pub(crate) fn gender_choices(lang: Lang, chosen: &str) -> Vec<Choice> {
    Gender::ALL
        .iter()
        .map(|g| {
            Choice::new(
                g.as_str(),
                i18n::text(lang, g.message_id()),
                g.as_str() == chosen,
            )
        })
        .collect()
}

pub(crate) fn age_choices(lang: Lang, chosen: &str) -> Vec<Choice> {
    AgeBand::ALL
        .iter()
        .map(|a| {
            Choice::new(
                a.as_str(),
                i18n::text(lang, a.message_id()),
                a.as_str() == chosen,
            )
        })
        .collect()
}

/// An oblast by its name in either language, as people write it in files.
pub(crate) fn oblast_by_name(name: &str) -> Option<kolo_core::org::Oblast> {
    let wanted = name.trim().to_lowercase();
    kolo_core::org::Oblast::ALL.iter().copied().find(|oblast| {
        Lang::ALL.iter().any(|lang| {
            let full = i18n::text(*lang, &oblast.message_id()).to_lowercase();
            full == wanted
                || full
                    .split_whitespace()
                    .next()
                    .is_some_and(|first| first == wanted)
        })
    })
}
