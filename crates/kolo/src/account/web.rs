use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use kolo_core::StoreError;
use kolo_core::auth::{Action, ApiToken, Password};
use kolo_core::ids::{new_id, new_secret_token, token_hash};
use kolo_core::time::Timestamp;
use serde::Deserialize;

use crate::app::AppState;
use crate::web::forms::FieldErrors;
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, Staff, format, i18n};

pub fn routes() -> RouteTable {
    let own = Access::Staff(Action::ManageOwnAccount);
    RouteTable::new()
        .get("/account", own, account_page)
        .post("/account/password", own, change_password)
        .post("/account/tokens", own, create_token)
        .post("/account/tokens/{id}/revoke", own, revoke_token)
}

pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub created: String,
    pub last_used: String,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    page: Page,
    login: String,
    display_name: String,
    roles: Vec<String>,
    oblast: Option<String>,
    tokens: Vec<TokenRow>,
    errors: FieldErrors,
    notice: Option<String>,
    new_token: Option<String>,
    token_name: String,
}

impl AccountPage {
    async fn load(
        app: &AppState,
        ctx: &RequestContext,
        staff: &Staff,
    ) -> Result<AccountPage, AppError> {
        let lang = ctx.lang;
        let user = &staff.user;
        let tokens = app.store.api_tokens_of(&user.id).await?;
        let never = i18n::text(lang, "account-token-never-used");
        Ok(AccountPage {
            page: Page::new(app, ctx, "account-title"),
            login: user.login.to_string(),
            display_name: user.display_name.clone(),
            roles: user
                .roles
                .iter()
                .map(|r| i18n::text(lang, r.message_id()))
                .collect(),
            oblast: user.oblast.map(|o| i18n::text(lang, &o.message_id())),
            tokens: tokens
                .into_iter()
                .map(|t| TokenRow {
                    id: t.id,
                    name: t.name,
                    created: format::datetime(t.created_at),
                    last_used: t
                        .last_used_at
                        .map_or_else(|| never.clone(), format::datetime),
                })
                .collect(),
            errors: FieldErrors::default(),
            notice: None,
            new_token: None,
            token_name: String::new(),
        })
    }
}

async fn account_page(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
) -> Result<Html<String>, AppError> {
    Ok(Html(AccountPage::load(&app, &ctx, &staff).await?.render()?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

async fn change_password(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let user = &staff.user;
    let mut errors = FieldErrors::default();
    let stored = app
        .store
        .password_hash(&user.id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let current = form.current.clone();
    let current_ok = crate::passwords::verify(current, stored).await;
    if !current_ok {
        errors.add(
            "current",
            i18n::text(lang, "account-current-password-wrong"),
        );
    }
    let new_password = match Password::new(&form.new, user.login.as_str()) {
        Ok(password) => Some(password),
        Err(problem) => {
            errors.add("new", i18n::text(lang, problem.message_id()));
            None
        }
    };
    if form.new != form.confirm {
        errors.add("confirm", i18n::text(lang, "account-password-mismatch"));
    }
    let mut page = AccountPage::load(&app, &ctx, &staff).await?;
    match new_password {
        Some(password) if errors.is_empty() => {
            let hash = crate::passwords::hash(password)
                .await
                .map_err(|e| AppError::Internal(format!("hashing a password: {e}")))?;
            app.store
                .set_password(
                    &user.id,
                    &hash,
                    staff.session_hash.as_deref(),
                    Timestamp::now(),
                )
                .await?;
            app.audit(
                &ctx,
                "password.change",
                &format!("user:{}", user.id),
                serde_json::json!({}),
            )
            .await?;
            page.notice = Some(i18n::text(lang, "account-password-changed"));
            Ok(Html(page.render()?).into_response())
        }
        _ => {
            page.errors = errors;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TokenForm {
    name: String,
}

async fn create_token(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Form(form): Form<TokenForm>,
) -> Result<Response, AppError> {
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        let mut page = AccountPage::load(&app, &ctx, &staff).await?;
        page.errors
            .add("name", i18n::text(ctx.lang, "account-token-name-invalid"));
        page.token_name = form.name.clone();
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response());
    }
    let token = new_secret_token();
    let record = ApiToken {
        id: new_id(),
        user_id: staff.user.id.clone(),
        name: name.to_owned(),
        created_at: Timestamp::now(),
        last_used_at: None,
    };
    app.store
        .create_api_token(&record, &token_hash(&token))
        .await?;
    app.audit(
        &ctx,
        "api_token.create",
        &format!("user:{}", staff.user.id),
        serde_json::json!({ "token": record.id }),
    )
    .await?;
    let mut page = AccountPage::load(&app, &ctx, &staff).await?;
    page.new_token = Some(token);
    Ok(Html(page.render()?).into_response())
}

async fn revoke_token(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    match app
        .store
        .revoke_api_token(&staff.user.id, &id, Timestamp::now())
        .await
    {
        Ok(()) => {
            app.audit(
                &ctx,
                "api_token.revoke",
                &format!("user:{}", staff.user.id),
                serde_json::json!({ "token": id }),
            )
            .await?;
            Ok(Redirect::to("/account#tokens").into_response())
        }
        Err(StoreError::NotFound(_)) => Err(AppError::NotFound),
        Err(error) => Err(error.into()),
    }
}
