//! The second factor: a code from an authenticator app (RFC 6238) or a
//! single-use recovery code at sign-in, and setting the app up.
//!
//! Secrets are encrypted with the server key, which works while the data keys
//! are sealed, so an admin can pass this step before unlocking the server.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use kolo_core::auth::{SessionStage, User};
use kolo_core::ids::token_hash;
use kolo_core::time::Timestamp;
use serde::Deserialize;
use vault::totp::{RecoveryCodeHash, RecoveryCodeHasher, TotpSecret, verify};
use vault::{FieldContext, SecretString};

use super::web::{open_session, start_session};
use crate::app::AppState;
use crate::web::url::local_path;
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, cookies, qr};

/// Wrong codes before the account's second factor pauses for the throttle window.
const MAX_CODE_FAILURES: i64 = 5;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/login/code", Access::SignInStep, code_page)
        .post("/login/code", Access::SignInStep, code_submit)
        .get("/account/two-factor", Access::SignInStep, setup_page)
        .post("/account/two-factor", Access::SignInStep, setup_submit)
}

fn secret_context(user: &User, column: &str) -> FieldContext {
    FieldContext::new("users", column, &user.id.0)
}

/// The person this step is for: a session awaiting its second factor or its
/// setup, or (for setting up voluntarily) a signed-in one.
fn person(ctx: &RequestContext) -> Option<(&User, SessionStage)> {
    match (&ctx.staff, &ctx.pending) {
        (Some(staff), _) => Some((&staff.user, SessionStage::Full)),
        (None, Some(pending)) => Some((&pending.user, pending.stage)),
        (None, None) => None,
    }
}

#[derive(Template)]
#[template(path = "login_code.html")]
struct CodePage {
    page: Page,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NextQuery {
    next: String,
}

async fn code_page(
    State(app): State<AppState>,
    ctx: RequestContext,
    Query(query): Query<NextQuery>,
) -> Result<Response, AppError> {
    if !matches!(person(&ctx), Some((_, SessionStage::SecondFactor))) {
        return Ok(Redirect::to("/").into_response());
    }
    let page = CodePage {
        page: Page::new(&app, &ctx, "code-title"),
        next: query.next,
        error: None,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CodeForm {
    code: String,
    next: String,
}

async fn code_submit(
    State(app): State<AppState>,
    ctx: RequestContext,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    let Some(pending) = ctx
        .pending
        .as_ref()
        .filter(|p| p.stage == SessionStage::SecondFactor)
    else {
        return Ok(Redirect::to("/").into_response());
    };
    let user = &pending.user;
    let throttle_key = token_hash(&format!("second-factor:{}", user.id));
    let now = Timestamp::now();
    let since = now.minus_seconds(app.config.login_throttle.window_secs);
    let message_id =
        if app.store.login_failures_since(&throttle_key, since).await? >= MAX_CODE_FAILURES {
            "code-throttled"
        } else if let Some(how) = check_code(&app, user, &form.code, now).await? {
            app.store.clear_login_failures(&throttle_key).await?;
            app.store.delete_session(&pending.session_hash).await?;
            app.audit(
                &ctx,
                how,
                &format!("user:{}", user.id),
                serde_json::json!({}),
            )
            .await?;
            let target = local_path(&form.next).unwrap_or("/");
            return start_session(&app, &ctx, &user.id, SessionStage::Full, target).await;
        } else {
            app.store
                .record_login_failure(&[&throttle_key], now)
                .await?;
            app.audit(
                &ctx,
                "login.second_factor_failed",
                &format!("user:{}", user.id),
                serde_json::json!({}),
            )
            .await?;
            "code-wrong"
        };
    let page = Page::new(&app, &ctx, "code-title");
    let error = Some(page.t(message_id));
    let body = CodePage {
        page,
        next: form.next,
        error,
    }
    .render()?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(body)).into_response())
}

/// Checks an authenticator code (never the same time step twice) or an unused
/// recovery code; returns the audit action on success.
async fn check_code(
    app: &AppState,
    user: &User,
    typed: &str,
    now: Timestamp,
) -> Result<Option<&'static str>, AppError> {
    let Some(record) = app.store.totp(&user.id).await? else {
        return Ok(None);
    };
    let cipher = app.vault.server_key().field_cipher();
    let secret_bytes = cipher
        .decrypt(
            &record.encrypted_secret,
            &secret_context(user, "totp_secret"),
        )
        .map_err(|e| AppError::Internal(format!("reading an authenticator secret: {e}")))?;
    let secret =
        TotpSecret::from_bytes(&secret_bytes).map_err(|e| AppError::Internal(e.to_string()))?;
    let typed_digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    let unix = u64::try_from(now.seconds()).unwrap_or(0);
    if let Some(step) = verify(&secret, &typed_digits, unix, record.last_used_step)
        && app.store.use_totp_step(&user.id, step).await?
    {
        return Ok(Some("login.second_factor"));
    }
    let hasher = RecoveryCodeHasher::new(app.vault.server_key());
    let unused: Vec<RecoveryCodeHash> = app
        .store
        .unused_recovery_codes(&user.id)
        .await?
        .iter()
        .filter_map(|hex| RecoveryCodeHash::from_hex(hex))
        .collect();
    if let Some(index) = hasher.find(typed, &unused)
        && app
            .store
            .use_recovery_code(&user.id, &unused[index].to_hex(), now)
            .await?
    {
        return Ok(Some("login.recovery_code"));
    }
    Ok(None)
}

#[derive(Template)]
#[template(path = "two_factor_setup.html")]
struct SetupPage {
    page: Page,
    /// The account already signs in with a second factor.
    enabled: bool,
    /// Setting up is required before anything else.
    required: bool,
    qr: String,
    manual_key: String,
    error: Option<String>,
    /// Shown once, right after setting up.
    recovery_codes: Vec<String>,
}

async fn setup_page(
    State(app): State<AppState>,
    ctx: RequestContext,
) -> Result<Response, AppError> {
    let Some((user, stage)) = person(&ctx) else {
        return Ok(Redirect::to("/login").into_response());
    };
    if stage == SessionStage::SecondFactor {
        return Ok(Redirect::to("/login/code").into_response());
    }
    let enabled = app.store.totp(&user.id).await?.is_some();
    let page = if enabled {
        SetupPage {
            page: Page::new(&app, &ctx, "two-factor-title"),
            enabled,
            required: false,
            qr: String::new(),
            manual_key: String::new(),
            error: None,
            recovery_codes: Vec::new(),
        }
    } else {
        setup_form(&app, &ctx, user, stage, None).await?
    };
    Ok(Html(page.render()?).into_response())
}

/// The setup form with a pending secret: the one already offered, or a new one.
async fn setup_form(
    app: &AppState,
    ctx: &RequestContext,
    user: &User,
    stage: SessionStage,
    error: Option<String>,
) -> Result<SetupPage, AppError> {
    let cipher = app.vault.server_key().field_cipher();
    let context = secret_context(user, "totp_pending");
    let existing = match app.store.pending_totp(&user.id).await? {
        Some(bytes) => cipher
            .decrypt(&bytes, &context)
            .ok()
            .and_then(|plain| TotpSecret::from_bytes(&plain).ok()),
        None => None,
    };
    let secret = match existing {
        Some(secret) => secret,
        None => {
            let secret = TotpSecret::generate();
            app.store
                .set_pending_totp(&user.id, Some(&cipher.encrypt(secret.as_bytes(), &context)))
                .await?;
            secret
        }
    };
    let page = Page::new(app, ctx, "two-factor-title");
    let issuer = page.org_name.clone();
    let url = secret.otpauth_url(&issuer, user.login.as_str());
    let qr = qr::svg(url.expose(), 220, &page.t("two-factor-qr-label")).unwrap_or_default();
    let key = secret.to_base32();
    let manual_key = key
        .expose()
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(SetupPage {
        page,
        enabled: false,
        required: stage == SessionStage::Enrol,
        qr,
        manual_key,
        error,
        recovery_codes: Vec::new(),
    })
}

async fn setup_submit(
    State(app): State<AppState>,
    ctx: RequestContext,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    let Some((user, stage)) = person(&ctx) else {
        return Ok(Redirect::to("/login").into_response());
    };
    if stage == SessionStage::SecondFactor || app.store.totp(&user.id).await?.is_some() {
        return Ok(Redirect::to("/account/two-factor").into_response());
    }
    let cipher = app.vault.server_key().field_cipher();
    let pending = match app.store.pending_totp(&user.id).await? {
        Some(bytes) => cipher
            .decrypt(&bytes, &secret_context(user, "totp_pending"))
            .ok()
            .and_then(|plain| TotpSecret::from_bytes(&plain).ok()),
        None => None,
    };
    let now = u64::try_from(Timestamp::now().seconds()).unwrap_or(0);
    let digits: String = form.code.chars().filter(|c| !c.is_whitespace()).collect();
    let Some((secret, step)) =
        pending.and_then(|s| verify(&s, &digits, now, None).map(|step| (s, step)))
    else {
        let error = Some(crate::web::i18n::text(ctx.lang, "two-factor-code-wrong"));
        let page = setup_form(&app, &ctx, user, stage, error).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response());
    };
    let codes = RecoveryCodeHasher::new(app.vault.server_key()).generate();
    let hashes: Vec<String> = codes
        .to_store
        .iter()
        .map(RecoveryCodeHash::to_hex)
        .collect();
    let encrypted = cipher.encrypt(secret.as_bytes(), &secret_context(user, "totp_secret"));
    app.store.enable_totp(&user.id, &encrypted, &hashes).await?;
    app.store.use_totp_step(&user.id, step).await?;
    app.audit(
        &ctx,
        "two_factor.enable",
        &format!("user:{}", user.id),
        serde_json::json!({}),
    )
    .await?;
    let page = SetupPage {
        page: Page::new(&app, &ctx, "two-factor-title"),
        enabled: true,
        required: false,
        qr: String::new(),
        manual_key: String::new(),
        error: None,
        recovery_codes: codes
            .shown_once
            .iter()
            .map(|c: &SecretString| c.expose().to_owned())
            .collect(),
    };
    let body = page.render()?;
    // A session that had to set up the second factor is now a full one, with a
    // new token: the password-only token goes.
    let mut response = Html(body).into_response();
    if let Some(pending) = &ctx.pending {
        app.store.delete_session(&pending.session_hash).await?;
        let cookie = open_session(&app, &ctx, &user.id, SessionStage::Full).await?;
        cookies::attach(&mut response, &cookie);
    }
    Ok(response)
}
