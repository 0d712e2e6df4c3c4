use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use kolo_core::auth::{LoginError, NewSession, SessionStage, UserId, attempt_login};
use kolo_core::ids::{new_secret_token, token_hash};
use kolo_core::lang::Lang;
use kolo_core::time::Timestamp;
use serde::Deserialize;

use crate::app::AppState;
use crate::audit::Actor;
use crate::web::url::{encode_component, local_path};
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, cookies};

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/login", Access::Public, login_page)
        .post("/login", Access::Public, login_submit)
        .post("/logout", Access::Public, logout)
        .post("/language", Access::Public, switch_language)
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: Page,
    next: String,
    login: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NextQuery {
    next: String,
}

async fn login_page(
    State(app): State<AppState>,
    ctx: RequestContext,
    Query(query): Query<NextQuery>,
) -> Result<Response, AppError> {
    if ctx.staff.is_some() {
        let target = local_path(&query.next).unwrap_or("/");
        return Ok(Redirect::to(target).into_response());
    }
    let page = LoginPage {
        page: Page::new(&app, &ctx, "login-title"),
        next: query.next,
        login: String::new(),
        error: None,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginForm {
    login: String,
    password: String,
    next: String,
}

async fn login_submit(
    State(app): State<AppState>,
    ctx: RequestContext,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let now = Timestamp::now();
    let verify = async |candidate: String, hash: Option<kolo_core::auth::PasswordHash>| {
        crate::passwords::verify_or_dummy(candidate, hash).await
    };
    let outcome = attempt_login(
        &*app.store,
        &app.config.login_throttle,
        &form.login,
        &form.password,
        &ctx.client_addr,
        now,
        verify,
    )
    .await;
    let (status, message_id) = match outcome {
        Ok(user) => {
            let enrolled = app.store.totp(&user.id).await?.is_some();
            let policy = app.two_factor_policy().await?;
            let stage = policy.stage_after_password(&user, enrolled);
            app.audit_as(
                &Actor::User(user.id.clone()),
                Some(&ctx.client_addr),
                "login.success",
                &format!("user:{}", user.id),
                serde_json::json!({ "stage": stage.as_str() }),
            )
            .await?;
            let target = match stage {
                SessionStage::Full => local_path(&form.next).unwrap_or("/").to_owned(),
                SessionStage::SecondFactor => {
                    format!(
                        "/login/code?next={}",
                        encode_component(local_path(&form.next).unwrap_or("/"))
                    )
                }
                SessionStage::Enrol => "/account/two-factor".to_owned(),
            };
            return start_session(&app, &ctx, &user.id, stage, &target).await;
        }

        Err(LoginError::Invalid) => {
            // The login typed is not recorded: it may be a person's name or a password
            // typed into the wrong field.
            app.audit(&ctx, "login.failed", "account", serde_json::json!({}))
                .await?;
            (StatusCode::UNPROCESSABLE_ENTITY, "login-failed")
        }
        Err(LoginError::Throttled) => {
            app.audit(&ctx, "login.throttled", "account", serde_json::json!({}))
                .await?;
            (StatusCode::TOO_MANY_REQUESTS, "login-throttled")
        }
        Err(LoginError::Store(error)) => return Err(error.into()),
    };
    let page = Page::new(&app, &ctx, "login-title");
    let error = Some(page.t(message_id));
    let body = LoginPage {
        page,
        next: form.next,
        login: form.login,
        error,
    }
    .render()?;
    Ok((status, Html(body)).into_response())
}

/// Opens a session at `stage` and sends the browser to `target` with its cookie.
pub async fn start_session(
    app: &AppState,
    ctx: &RequestContext,
    user: &UserId,
    stage: SessionStage,
    target: &str,
) -> Result<Response, AppError> {
    let cookie = open_session(app, ctx, user, stage).await?;
    let mut response = Redirect::to(target).into_response();
    cookies::attach(&mut response, &cookie);
    Ok(response)
}

/// Opens a session at `stage`; returns the `Set-Cookie` value that carries it.
pub async fn open_session(
    app: &AppState,
    ctx: &RequestContext,
    user: &UserId,
    stage: SessionStage,
) -> Result<String, AppError> {
    let token = new_secret_token();

    app.store
        .create_session(&NewSession {
            token_hash: token_hash(&token),
            user_id: user.clone(),
            created_at: Timestamp::now(),
            stage,
        })
        .await?;
    if stage == SessionStage::Full {
        tracing::info!(user = %user, "signed in");
    }
    Ok(cookies::set(cookies::SESSION, &token, ctx.secure, None))
}

async fn logout(State(app): State<AppState>, ctx: RequestContext) -> Result<Response, AppError> {
    if let Some(staff) = &ctx.staff
        && let Some(hash) = &staff.session_hash
    {
        app.store.delete_session(hash).await?;
        app.audit(
            &ctx,
            "logout",
            &format!("user:{}", staff.user.id),
            serde_json::json!({}),
        )
        .await?;
    }
    let mut response = Redirect::to("/login").into_response();
    let cookie = cookies::clear(cookies::SESSION, ctx.secure);
    cookies::attach(&mut response, &cookie);
    Ok(response)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LanguageForm {
    lang: String,
    back: String,
}

/// Remembers the chosen language: on the account when signed in, else in a cookie.
async fn switch_language(
    State(app): State<AppState>,
    ctx: RequestContext,
    Form(form): Form<LanguageForm>,
) -> Result<Response, AppError> {
    let lang = Lang::from_tag(&form.lang).ok_or(AppError::BadRequest("error-unknown-language"))?;
    if let Some(staff) = &ctx.staff {
        app.store.set_language(&staff.user.id, lang).await?;
    }
    let target = local_path(&form.back).unwrap_or("/");
    let mut response = Redirect::to(target).into_response();
    let year = 365 * 24 * 3600;
    let cookie = cookies::set(cookies::LANGUAGE, lang.code(), ctx.secure, Some(year));
    cookies::attach(&mut response, &cookie);
    Ok(response)
}
