//! The register's list and search, a participant's record, and the page that
//! shows the decrypted contact details (each view audited).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use kolo_core::auth::Action;
use kolo_core::events::{ParticipantAccess, register_scope};
use kolo_core::lang::Lang;
use kolo_core::org::Oblast;
use kolo_core::participants::{ConsentPurpose, Group, ParticipantQuery};
use serde::Deserialize;

use super::{crypto, group_choices, participant_for};
use crate::app::AppState;
use crate::events::{Choice, oblast_choices, oblast_name, range_label};
use crate::web::format::datetime;
use crate::web::url::encode_component;
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, Staff, i18n};

const PAGE_SIZE: u32 = 50;

pub fn routes() -> RouteTable {
    let view = Access::Staff(Action::ViewParticipants);
    RouteTable::new()
        .get("/participants", view, list)
        .get("/participants/{id}", view, record)
        .get(
            "/participants/{id}/contact",
            Access::Staff(Action::ManageParticipants),
            contact,
        )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    q: String,
    oblast: String,
    group: String,
    page: u32,
}

pub(crate) struct Line {
    pub id: String,
    pub uic: String,
    pub nickname: String,
    pub oblast: String,
    pub group: String,
    pub events: u32,
}

#[derive(Template)]
#[template(path = "participants_list.html")]
struct ListPage {
    page: Page,
    q: String,
    oblasts: Vec<Choice>,
    groups: Vec<Choice>,
    lines: Vec<Line>,
    total: u64,
    previous: Option<String>,
    next: Option<String>,
    may_add: bool,
    may_import: bool,
    limited: bool,
}

async fn list(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let lang = ctx.lang;
    let scope = register_scope(&staff.user);
    let limited = scope != kolo_core::events::RegisterScope::Everyone;
    let search = ParticipantQuery {
        text: (!query.q.trim().is_empty()).then(|| query.q.trim().to_owned()),
        oblast: Oblast::from_code(&query.oblast),
        group: Group::parse(&query.group),
        scope,
        include_merged: false,
        merged_into: None,
        limit: PAGE_SIZE,
        offset: query.page.saturating_mul(PAGE_SIZE),
    };
    let found = app.store.find_participants(&search).await?;
    let total = app.store.count_participants(&search).await?;
    let link = |page: u32| {
        format!(
            "/participants?q={}&oblast={}&group={}&page={page}",
            encode_component(&query.q),
            encode_component(&query.oblast),
            encode_component(&query.group)
        )
    };
    let shown_until = u64::from(query.page.saturating_add(1)) * u64::from(PAGE_SIZE);
    let page = ListPage {
        page: Page::new(&app, &ctx, "participants-title"),
        q: query.q.clone(),
        oblasts: oblast_choices(lang, &query.oblast),
        groups: group_choices(lang, &query.group),
        lines: found.iter().map(|p| line(lang, p)).collect(),
        total,
        previous: (query.page > 0).then(|| link(query.page - 1)),
        next: (shown_until < total).then(|| link(query.page + 1)),
        may_add: staff.user.may(Action::ManageParticipants),
        may_import: staff.user.may(Action::ImportParticipants),
        limited,
    };
    Ok(Html(page.render()?))
}

pub(crate) fn line(lang: Lang, p: &kolo_core::participants::ParticipantSummary) -> Line {
    Line {
        id: p.id.0.clone(),
        uic: p.uic.to_string(),
        nickname: p.nickname.clone(),
        oblast: oblast_name(lang, p.oblast),
        group: p
            .group
            .map(|g| i18n::text(lang, g.message_id()))
            .unwrap_or_default(),
        events: p.events,
    }
}

struct EventLine {
    id: String,
    title: String,
    dates: String,
    attendance: String,
    merged_from: bool,
}

struct ConsentLine {
    purpose: String,
    given: bool,
    at: String,
}

#[derive(Template)]
#[template(path = "participants_page.html")]
struct RecordPage {
    page: Page,
    id: String,
    uic: String,
    nickname: String,
    facts: Vec<(String, String)>,
    consents: Vec<(String, bool)>,
    history: Vec<ConsentLine>,
    has_personal: bool,
    events: Vec<EventLine>,
    merged_into: Option<String>,
    merged: Vec<Line>,
    manage: bool,
    may_merge: bool,
    /// Admins and coordinators may erase a person's data at their request.
    may_forget: bool,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RecordQuery {
    notice: String,
}

async fn record(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
    Query(query): Query<RecordQuery>,
) -> Result<Html<String>, AppError> {
    let lang = ctx.lang;
    let (participant, access) = participant_for(&app, &staff, &id, ParticipantAccess::Find).await?;
    let manage = access >= ParticipantAccess::Manage;
    let p = &participant.profile;
    let not_stated = || i18n::text(lang, "not-stated");
    let mut facts = vec![(
        i18n::text(lang, "participant-oblast"),
        p.oblast
            .map_or_else(not_stated, |o| oblast_name(lang, Some(o))),
    )];
    if manage {
        facts.push((
            i18n::text(lang, "participant-group"),
            p.group
                .map_or_else(not_stated, |g| i18n::text(lang, g.message_id())),
        ));
        facts.push((
            i18n::text(lang, "participant-gender"),
            p.gender
                .map_or_else(not_stated, |g| i18n::text(lang, g.message_id())),
        ));
        facts.push((
            i18n::text(lang, "participant-age"),
            p.age_band
                .map_or_else(not_stated, |a| i18n::text(lang, a.message_id())),
        ));
        facts.push((
            i18n::text(lang, "participant-added"),
            datetime(participant.created_at),
        ));
    }
    let events = if manage {
        app.store
            .participant_events(&participant.id)
            .await?
            .into_iter()
            .map(|e| EventLine {
                id: e.event_id.0,
                title: e.title,
                dates: range_label(lang, e.start, e.end),
                attendance: i18n::text_with(
                    lang,
                    "participant-days-present",
                    &[
                        ("present", e.present_days.to_string()),
                        ("days", e.days.to_string()),
                    ],
                ),
                merged_from: e.merged_from.is_some(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let history = if manage {
        app.store
            .consent_history(&participant.id)
            .await?
            .into_iter()
            .map(|c| ConsentLine {
                purpose: i18n::text(lang, c.purpose.message_id()),
                given: c.given,
                at: datetime(c.at),
            })
            .collect()
    } else {
        Vec::new()
    };
    let merged = if manage {
        let mut query = ParticipantQuery::everyone(100);
        query.merged_into = Some(participant.id.clone());
        app.store
            .find_participants(&query)
            .await?
            .iter()
            .map(|p| super::web::line(lang, p))
            .collect()
    } else {
        Vec::new()
    };
    let personal = &participant.personal;
    let page = RecordPage {
        page: Page::new(&app, &ctx, "participant-title"),
        id: participant.id.0.clone(),
        uic: participant.uic.to_string(),
        nickname: p.nickname.as_str().to_owned(),
        facts,
        consents: ConsentPurpose::ALL
            .iter()
            .map(|c| {
                (
                    i18n::text(lang, c.message_id()),
                    participant.consents.given(*c),
                )
            })
            .collect(),
        history,
        has_personal: personal.real_name.is_some()
            || personal.phone.is_some()
            || personal.messenger.is_some(),
        events,
        merged_into: participant.merged_into.as_ref().map(|id| id.0.clone()),
        merged,
        manage,
        may_merge: staff.user.may(Action::MergeParticipants) && participant.merged_into.is_none(),
        may_forget: staff.user.may(Action::ForgetParticipants),
        notice: match query.notice.as_str() {
            "created" => Some(i18n::text(lang, "participant-created")),
            "saved" => Some(i18n::text(lang, "form-saved")),
            "merged" => Some(i18n::text(lang, "merge-done")),
            _ => None,
        },
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "participants_contact.html")]
struct ContactPage {
    page: Page,
    id: String,
    uic: String,
    real_name: Option<String>,
    phone: Option<String>,
    messenger: Option<String>,
    certificate: bool,
    contact: bool,
}

/// Shows the decrypted details. Every view is in the audit log: who read
/// whose details, when, from where.
async fn contact(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let (participant, _) = participant_for(&app, &staff, &id, ParticipantAccess::Manage).await?;
    let details = crypto::open(&app.vault, &participant)?;
    app.audit(
        &ctx,
        "participant.read_personal",
        &format!("participant:{}", participant.id),
        serde_json::json!({
            "name": details.real_name.is_some(),
            "phone": details.phone.is_some(),
            "messenger": details.messenger.is_some(),
        }),
    )
    .await?;
    let page = ContactPage {
        page: Page::new(&app, &ctx, "participant-contact-title"),
        id: participant.id.0.clone(),
        uic: participant.uic.to_string(),
        real_name: details.real_name.clone(),
        phone: details.phone.clone(),
        messenger: details.messenger.clone(),
        certificate: participant.consents.certificate,
        contact: participant.consents.contact,
    };
    Ok(Html(page.render()?))
}
