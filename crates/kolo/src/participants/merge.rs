//! Merging two records of the same person: the kept record takes the other's
//! registrations and attendance; the other stays in the register, read-only,
//! pointing at the kept one, so both histories remain. Audited.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use kolo_core::StoreError;
use kolo_core::auth::Action;
use kolo_core::participants::{Participant, ParticipantId, Uic};
use kolo_core::time::Timestamp;
use serde::Deserialize;

use super::load;
use crate::app::AppState;
use crate::events::oblast_name;
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, Staff, i18n};

pub fn routes() -> RouteTable {
    let merge = Access::Staff(Action::MergeParticipants);
    RouteTable::new()
        .get("/participants/{id}/merge", merge, preview)
        .post("/participants/{id}/merge", merge, merge_records)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MergeQuery {
    /// A code or a record id.
    other: String,
}

struct Side {
    id: String,
    uic: String,
    nickname: String,
    oblast: String,
    events: usize,
}

#[derive(Template)]
#[template(path = "participants_merge.html")]
struct MergePage {
    page: Page,
    keep: Side,
    absorb: Option<Side>,
    error: Option<String>,
}

async fn side(
    app: &AppState,
    lang: kolo_core::lang::Lang,
    p: &Participant,
) -> Result<Side, AppError> {
    Ok(Side {
        id: p.id.0.clone(),
        uic: p.uic.to_string(),
        nickname: p.profile.nickname.as_str().to_owned(),
        oblast: oblast_name(lang, p.profile.oblast),
        events: app.store.participant_events(&p.id).await?.len(),
    })
}

/// The other record by code or id, if it may be merged into `keep`.
async fn other_record(
    app: &AppState,
    keep: &Participant,
    other: &str,
) -> Result<Result<Participant, &'static str>, AppError> {
    let other = other.trim();
    let found = match Uic::parse(other) {
        Some(uic) => app.store.participant_by_uic(&uic).await?,
        None => None,
    };
    let found = match found {
        Some(p) => Some(p),
        None => {
            app.store
                .participant(&ParticipantId(other.to_owned()))
                .await?
        }
    };
    Ok(match found {
        None => Err("merge-not-found"),
        Some(p) if p.id == keep.id => Err("merge-same"),
        Some(p) if p.merged_into.is_some() => Err("merge-already-merged"),
        Some(p) => Ok(p),
    })
}

async fn preview(
    State(app): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<String>,
    Query(query): Query<MergeQuery>,
) -> Result<Response, AppError> {
    let keep = load(&app, &id).await?;
    if keep.merged_into.is_some() {
        return Err(AppError::BadRequest("participant-merged-readonly"));
    }
    let (absorb, error) = match other_record(&app, &keep, &query.other).await? {
        Ok(other) => (Some(side(&app, ctx.lang, &other).await?), None),
        Err(message) => (None, Some(i18n::text(ctx.lang, message))),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = MergePage {
        page: Page::new(&app, &ctx, "merge-title"),
        keep: side(&app, ctx.lang, &keep).await?,
        absorb,
        error,
    };
    Ok((status, Html(page.render()?)).into_response())
}

async fn merge_records(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
    Form(form): Form<MergeQuery>,
) -> Result<Response, AppError> {
    let keep = load(&app, &id).await?;
    if keep.merged_into.is_some() {
        return Err(AppError::BadRequest("participant-merged-readonly"));
    }
    let other = match other_record(&app, &keep, &form.other).await? {
        Ok(other) => other,
        Err(message) => {
            let page = MergePage {
                page: Page::new(&app, &ctx, "merge-title"),
                keep: side(&app, ctx.lang, &keep).await?,
                absorb: None,
                error: Some(i18n::text(ctx.lang, message)),
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response());
        }
    };
    let outcome = match app
        .store
        .merge_participants(&keep.id, &other.id, Some(&staff.user.id), Timestamp::now())
        .await
    {
        Ok(outcome) => outcome,
        Err(StoreError::NotFound(_)) => return Err(AppError::NotFound),
        Err(error) => return Err(error.into()),
    };
    app.audit(
        &ctx,
        "participant.merge",
        &format!("participant:{}", keep.id),
        serde_json::json!({
            "absorbed": other.id.0,
            "registrations_moved": outcome.moved,
            "registrations_combined": outcome.combined,
        }),
    )
    .await?;
    Ok(Redirect::to(&format!("/participants/{id}?notice=merged")).into_response())
}
