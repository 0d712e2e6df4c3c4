//! Registering participants to an event: find them by code or nickname, or
//! add a new one on the same page; remove a registration.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use kolo_core::StoreError;
use kolo_core::auth::Action;
use kolo_core::events::{EventAccess, RegistrationId};
use kolo_core::participants::{ParticipantId, ParticipantQuery, Sex};
use kolo_core::time::Timestamp;
use serde::Deserialize;

use super::{Choice, changes, event_for, oblast_choices};
use crate::app::AppState;
use crate::participants::form::NewForm;
use crate::participants::{age_choices, gender_choices, group_choices, scheme};
use crate::web::forms::FieldErrors;
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, Staff, i18n};

pub fn routes() -> RouteTable {
    let manage = Access::Staff(Action::ManageEvents);
    RouteTable::new()
        .get("/events/{id}/register", manage, page)
        .post("/events/{id}/register", manage, register)
        .post(
            "/events/{id}/registrations/{registration}/remove",
            manage,
            remove,
        )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RegisterQuery {
    q: String,
    notice: String,
}

struct Found {
    id: String,
    uic: String,
    nickname: String,
    registered: bool,
}

struct Registered {
    id: String,
    participant_id: String,
    uic: String,
    nickname: String,
}

#[derive(Template)]
#[template(path = "events_register.html")]
struct RegisterPage {
    page: Page,
    id: String,
    title: String,
    q: String,
    found: Vec<Found>,
    registered: Vec<Registered>,
    error: Option<String>,
    notice: Option<String>,
    // The inline new-participant form.
    form: NewForm,
    sexes: Vec<Choice>,
    oblasts: Vec<Choice>,
    groups: Vec<Choice>,
    genders: Vec<Choice>,
    ages: Vec<Choice>,
    errors: FieldErrors,
    scheme_hint: String,
}

async fn render(
    app: &AppState,
    ctx: &RequestContext,
    staff: &Staff,
    id: &str,
    q: &str,
    error: Option<String>,
    notice: Option<String>,
) -> Result<RegisterPage, AppError> {
    let lang = ctx.lang;
    let (event, _) = event_for(app, staff, id, EventAccess::Manage).await?;
    let registrations = app.store.registrations(&event.id).await?;
    let found = if q.trim().is_empty() {
        Vec::new()
    } else {
        let mut query = ParticipantQuery::everyone(20);
        query.text = Some(q.trim().to_owned());
        app.store
            .find_participants(&query)
            .await?
            .into_iter()
            .map(|p| Found {
                registered: registrations.iter().any(|r| r.participant_id == p.id),
                id: p.id.0,
                uic: p.uic.to_string(),
                nickname: p.nickname,
            })
            .collect()
    };
    let scheme = scheme(app).await?;
    let form = NewForm {
        event: event.id.0.clone(),
        oblast: event
            .details
            .oblast
            .map(|o| o.code().to_owned())
            .unwrap_or_default(),
        ..NewForm::default()
    };
    Ok(RegisterPage {
        page: Page::new(app, ctx, "registration-title"),
        id: event.id.0.clone(),
        title: event.details.title.clone(),
        q: q.to_owned(),
        found,
        registered: registrations
            .iter()
            .map(|r| Registered {
                id: r.id.0.clone(),
                participant_id: r.participant_id.0.clone(),
                uic: r.uic.to_string(),
                nickname: r.nickname.clone(),
            })
            .collect(),
        error,
        notice,
        sexes: Sex::ALL
            .iter()
            .map(|s| Choice::new(s.as_str(), i18n::text(lang, s.message_id()), false))
            .collect(),
        oblasts: oblast_choices(lang, &form.oblast),
        groups: group_choices(lang, ""),
        genders: gender_choices(lang, ""),
        ages: age_choices(lang, ""),
        form,
        errors: FieldErrors::default(),
        scheme_hint: crate::participants::describe_scheme(lang, &scheme),
    })
}

async fn page(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
    Query(query): Query<RegisterQuery>,
) -> Result<Html<String>, AppError> {
    let notice = match query.notice.as_str() {
        "added" => Some(i18n::text(ctx.lang, "registration-added")),
        "registered" => Some(i18n::text(ctx.lang, "registration-done")),
        "removed" => Some(i18n::text(ctx.lang, "registration-removed")),
        _ => None,
    };
    let page = render(&app, &ctx, &staff, &id, &query.q, None, notice).await?;
    Ok(Html(page.render()?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RegisterForm {
    participant: String,
    q: String,
}

async fn register(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<RegisterForm>,
) -> Result<Response, AppError> {
    let (event, _) = event_for(&app, &staff, &id, EventAccess::Manage).await?;
    let mut participant = app
        .store
        .participant(&ParticipantId(form.participant.clone()))
        .await?
        .ok_or(AppError::NotFound)?;
    // A merged record registers the record it was merged into.
    if let Some(target) = participant.merged_into.clone() {
        participant = app
            .store
            .participant(&target)
            .await?
            .ok_or(AppError::NotFound)?;
    }
    let registration =
        changes::new_registration(&event.id, &participant.id, &staff, Timestamp::now());
    match app.store.register(&registration).await {
        Ok(()) => {
            changes::audit_registered(&app, &ctx, &registration).await?;
            Ok(Redirect::to(&format!("/events/{id}/register?notice=registered")).into_response())
        }
        Err(StoreError::Conflict(_)) => {
            let error = i18n::text_with(
                ctx.lang,
                "registration-duplicate",
                &[("code", participant.uic.to_string())],
            );
            let page = render(&app, &ctx, &staff, &id, &form.q, Some(error), None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
        Err(error) => Err(error.into()),
    }
}

async fn remove(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path((id, registration)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (event, _) = event_for(&app, &staff, &id, EventAccess::Manage).await?;
    changes::unregister(&app, &ctx, &event.id, &RegistrationId(registration)).await?;
    Ok(Redirect::to(&format!("/events/{id}/register?notice=removed")).into_response())
}
