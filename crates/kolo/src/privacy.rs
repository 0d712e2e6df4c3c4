//! "Forget this person": a participant asks to be erased. Everything personal
//! goes (contact details, nickname, consent history); the pseudonymous facts
//! stay (the code, registrations, attendance, scores), so reports stay true.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use kolo_core::auth::Action;
use kolo_core::participants::ParticipantId;
use kolo_core::time::Timestamp;
use serde::Deserialize;

use crate::app::AppState;
use crate::web::{Access, AppError, Page, RequestContext, RouteTable};

pub fn routes() -> RouteTable {
    let forget = Access::Staff(Action::ForgetParticipants);
    RouteTable::new()
        .get("/participants/{id}/forget", forget, confirm_page)
        .post("/participants/{id}/forget", forget, forget_participant)
}

#[derive(Template)]
#[template(path = "participant_forget.html")]
struct ConfirmPage {
    page: Page,
    id: String,
    uic: String,
    error: Option<String>,
}

async fn confirm_page(
    State(app): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let participant = app
        .store
        .participant(&ParticipantId(id.clone()))
        .await?
        .ok_or(AppError::NotFound)?;
    let page = ConfirmPage {
        page: Page::new(&app, &ctx, "forget-title"),
        id,
        uic: participant.uic.to_string(),
        error: None,
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ConfirmForm {
    /// The participant's code, typed again: erasure cannot be undone.
    uic: String,
}

async fn forget_participant(
    State(app): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<String>,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, AppError> {
    let participant = app
        .store
        .participant(&ParticipantId(id.clone()))
        .await?
        .ok_or(AppError::NotFound)?;
    let uic = participant.uic.to_string();
    if !form.uic.trim().eq_ignore_ascii_case(&uic) {
        let page = Page::new(&app, &ctx, "forget-title");
        let error = Some(page.t("forget-code-mismatch"));
        let body = ConfirmPage {
            page,
            id,
            uic,
            error,
        }
        .render()?;
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, Html(body)).into_response());
    }
    app.store.forget_participant(&id, Timestamp::now()).await?;
    app.audit(
        &ctx,
        "participant.forget",
        &format!("participant:{id}"),
        serde_json::json!({}),
    )
    .await?;
    Ok(Redirect::to(&format!("/participants/{id}")).into_response())
}
