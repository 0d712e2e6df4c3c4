//! `/unlock`: an admin gives the passphrase that opens a sealed server. Failed
//! attempts are throttled and audited like failed logins.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use kolo_core::auth::Action;
use kolo_core::ids::token_hash;
use kolo_core::time::Timestamp;
use serde::Deserialize;
use vault::{KeyError, SecretString};

use crate::app::AppState;
use crate::web::{Access, AppError, Page, RequestContext, RouteTable};

pub fn routes() -> RouteTable {
    let unlock = Access::Staff(Action::UnlockVault);
    RouteTable::new()
        .get("/unlock", unlock, unlock_page)
        .post("/unlock", unlock, unlock_submit)
}

#[derive(Template)]
#[template(path = "unlock.html")]
struct UnlockPage {
    page: Page,
    locked: bool,
    error: Option<String>,
}

async fn unlock_page(
    State(app): State<AppState>,
    ctx: RequestContext,
) -> Result<Html<String>, AppError> {
    let page = UnlockPage {
        page: Page::new(&app, &ctx, "unlock-title"),
        locked: app.vault.is_locked(),
        error: None,
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UnlockForm {
    passphrase: String,
}

/// Five wrong passphrases in the login throttle's window pause unlocking.
const MAX_FAILURES: i64 = 5;

async fn unlock_submit(
    State(app): State<AppState>,
    ctx: RequestContext,
    Form(form): Form<UnlockForm>,
) -> Result<Response, AppError> {
    if !app.vault.is_locked() {
        return Ok(Redirect::to("/").into_response());
    }
    let now = Timestamp::now();
    let key = token_hash("unlock");
    let since = now.minus_seconds(app.config.login_throttle.window_secs);
    let (status, message_id) = if app.store.login_failures_since(&key, since).await? >= MAX_FAILURES
    {
        (StatusCode::TOO_MANY_REQUESTS, "unlock-throttled")
    } else {
        let vault = app.vault.clone();
        let passphrase = SecretString::new(form.passphrase);
        let outcome = crate::passwords::run(move || vault.unlock(&passphrase))
            .await
            .map_err(|e| AppError::Internal(format!("unlocking: {e}")))?;
        match outcome {
            Ok(()) => {
                app.store.clear_login_failures(&key).await?;
                app.audit(&ctx, "vault.unlock", "keys", serde_json::json!({}))
                    .await?;
                tracing::info!("the server was unlocked");
                return Ok(Redirect::to("/").into_response());
            }
            Err(KeyError::WrongPassphrase { .. }) => {
                app.store.record_login_failure(&[&key], now).await?;
                app.audit(&ctx, "vault.unlock_failed", "keys", serde_json::json!({}))
                    .await?;
                (StatusCode::UNPROCESSABLE_ENTITY, "unlock-wrong")
            }
            Err(error) => return Err(AppError::Internal(error.to_string())),
        }
    };
    let page = Page::new(&app, &ctx, "unlock-title");
    let error = Some(page.t(message_id));
    let body = UnlockPage {
        page,
        locked: true,
        error,
    }
    .render()?;
    Ok((status, Html(body)).into_response())
}
