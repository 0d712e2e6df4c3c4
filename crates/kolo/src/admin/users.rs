//! Staff accounts on pages: list, create, edit, disable, assign roles.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use kolo_core::StoreError;
use kolo_core::auth::{
    Action, LoginName, NewUser, Password, Role, RoleSet, User, UserChange, UserId,
};
use kolo_core::lang::Lang;
use kolo_core::org::Oblast;
use kolo_core::time::Timestamp;

use crate::app::AppState;
use crate::web::forms::{FieldErrors, trimmed_field};
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, Staff, i18n};

pub fn routes() -> RouteTable {
    let admin = Access::Staff(Action::ManageUsers);
    RouteTable::new()
        .get("/admin/users", admin, list)
        .get("/admin/users/new", admin, new_form)
        .post("/admin/users/new", admin, create)
        .get("/admin/users/{id}", admin, edit_form)
        .post("/admin/users/{id}", admin, update)
        .post(
            "/admin/users/{id}/two-factor/reset",
            admin,
            reset_two_factor,
        )
}

struct UserRow {
    id: String,
    login: String,
    display_name: String,
    roles: Vec<String>,
    oblast: String,
    disabled: bool,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct ListPage {
    page: Page,
    users: Vec<UserRow>,
}

async fn list(State(app): State<AppState>, ctx: RequestContext) -> Result<Html<String>, AppError> {
    let lang = ctx.lang;
    let users = app
        .store
        .users()
        .await?
        .into_iter()
        .map(|u| UserRow {
            roles: u
                .roles
                .iter()
                .map(|r| i18n::text(lang, r.message_id()))
                .collect(),
            oblast: u
                .oblast
                .map(|o| i18n::text(lang, &o.message_id()))
                .unwrap_or_default(),
            id: u.id.0,
            login: u.login.to_string(),
            display_name: u.display_name,
            disabled: u.disabled,
        })
        .collect();
    let page = ListPage {
        page: Page::new(&app, &ctx, "users-title"),
        users,
    };
    Ok(Html(page.render()?))
}

/// A choice in a list of checkboxes or a select.
struct Choice {
    value: &'static str,
    label: String,
    chosen: bool,
}

/// The form's values as typed, to show again with the errors.
#[derive(Default)]
struct UserFormValues {
    login: String,
    display_name: String,
    roles: RoleSet,
    oblast: String,
    disabled: bool,
}

impl UserFormValues {
    fn of(user: &User) -> UserFormValues {
        UserFormValues {
            login: user.login.to_string(),
            display_name: user.display_name.clone(),
            roles: user.roles,
            oblast: user.oblast.map(|o| o.code().to_owned()).unwrap_or_default(),
            disabled: user.disabled,
        }
    }
}

#[derive(Template)]
#[template(path = "admin_user_form.html")]
struct FormPage {
    page: Page,
    /// `None` when creating an account.
    user_id: Option<String>,
    login: String,
    display_name: String,
    roles: Vec<Choice>,
    oblasts: Vec<Choice>,
    disabled: bool,
    errors: FieldErrors,
    notice: Option<String>,
    /// Whether the account signs in with a second factor (`None` when creating).
    two_factor: Option<bool>,
}

impl FormPage {
    fn new(
        app: &AppState,
        ctx: &RequestContext,
        user_id: Option<String>,
        values: UserFormValues,
        errors: FieldErrors,
    ) -> FormPage {
        let lang = ctx.lang;
        let title = if user_id.is_some() {
            "users-edit"
        } else {
            "users-new"
        };
        FormPage {
            page: Page::new(app, ctx, title),
            user_id,
            login: values.login,
            display_name: values.display_name,
            roles: role_choices(lang, values.roles),
            oblasts: oblast_choices(lang, &values.oblast),
            disabled: values.disabled,
            errors,
            notice: None,
            two_factor: None,
        }
    }
}

fn role_choices(lang: Lang, chosen: RoleSet) -> Vec<Choice> {
    Role::ALL
        .iter()
        .map(|role| Choice {
            value: role.as_str(),
            label: i18n::text(lang, role.message_id()),
            chosen: chosen.contains(*role),
        })
        .collect()
}

fn oblast_choices(lang: Lang, chosen: &str) -> Vec<Choice> {
    Oblast::ALL
        .iter()
        .map(|oblast| Choice {
            value: oblast.code(),
            label: i18n::text(lang, &oblast.message_id()),
            chosen: oblast.code() == chosen,
        })
        .collect()
}

async fn new_form(
    State(app): State<AppState>,
    ctx: RequestContext,
) -> Result<Html<String>, AppError> {
    let page = FormPage::new(
        &app,
        &ctx,
        None,
        UserFormValues::default(),
        FieldErrors::default(),
    );
    Ok(Html(page.render()?))
}

/// A submitted account form, checked field by field.
struct CheckedForm {
    values: UserFormValues,
    errors: FieldErrors,
    login: Option<LoginName>,
    oblast: Option<Oblast>,
    password: Option<Password>,
}

/// Reads the posted fields. Checkboxes repeat the `role` field, so the form is
/// read as pairs rather than a struct.
fn check_form(
    lang: Lang,
    pairs: &[(String, String)],
    login_fixed: Option<&LoginName>,
) -> CheckedForm {
    let field = |name: &str| trimmed_field(pairs, name);
    let mut errors = FieldErrors::default();
    let raw_login = login_fixed.map_or_else(|| field("login"), |l| l.to_string());
    let login = match LoginName::parse(&raw_login) {
        Ok(login) => Some(login),
        Err(problem) => {
            errors.add("login", i18n::text(lang, problem.message_id()));
            None
        }
    };
    let display_name = field("display_name");
    if display_name.is_empty() || display_name.chars().count() > 100 {
        errors.add(
            "display_name",
            i18n::text(lang, "users-display-name-invalid"),
        );
    }
    let mut roles = RoleSet::EMPTY;
    for (_, value) in pairs.iter().filter(|(k, _)| k == "role") {
        match Role::parse(value) {
            Some(role) => roles.insert(role),
            None => errors.add("roles", i18n::text(lang, "users-role-unknown")),
        }
    }
    if roles.is_empty() {
        errors.add("roles", i18n::text(lang, "users-roles-required"));
    }
    let oblast_code = field("oblast");
    let oblast = if oblast_code.is_empty() {
        None
    } else {
        let found = Oblast::from_code(&oblast_code);
        if found.is_none() {
            errors.add("oblast", i18n::text(lang, "users-oblast-unknown"));
        }
        found
    };
    let raw_password = pairs
        .iter()
        .find(|(k, _)| k == "password")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    let password = if raw_password.is_empty() {
        None
    } else {
        match Password::new(raw_password, &raw_login) {
            Ok(password) => Some(password),
            Err(problem) => {
                errors.add("password", i18n::text(lang, problem.message_id()));
                None
            }
        }
    };
    CheckedForm {
        values: UserFormValues {
            login: raw_login,
            display_name,
            roles,
            oblast: oblast_code,
            disabled: pairs.iter().any(|(k, v)| k == "disabled" && v == "on"),
        },
        errors,
        login,
        oblast,
        password,
    }
}

async fn hash(password: Password) -> Result<kolo_core::auth::PasswordHash, AppError> {
    crate::passwords::hash(password)
        .await
        .map_err(|e| AppError::Internal(format!("hashing a password: {e}")))
}

async fn create(
    State(app): State<AppState>,
    ctx: RequestContext,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let mut checked = check_form(lang, &pairs, None);
    if checked.password.is_none() && checked.errors.get("password").is_none() {
        checked
            .errors
            .add("password", i18n::text(lang, "users-password-required"));
    }
    if let (Some(login), Some(password), true) = (
        &checked.login,
        checked.password.clone(),
        checked.errors.is_empty(),
    ) {
        let new_user = NewUser {
            login: login.clone(),
            display_name: checked.values.display_name.clone(),
            roles: checked.values.roles,
            oblast: checked.oblast,
            password_hash: hash(password).await?,
        };
        match app.store.create_user(&new_user, Timestamp::now()).await {
            Ok(id) => {
                tracing::info!(user = %id, "account created");
                let roles: Vec<&str> = new_user.roles.iter().map(|r| r.as_str()).collect();
                app.audit(
                    &ctx,
                    "user.create",
                    &format!("user:{id}"),
                    serde_json::json!({ "roles": roles }),
                )
                .await?;
                return Ok(Redirect::to("/admin/users").into_response());
            }
            Err(StoreError::Conflict(_)) => checked
                .errors
                .add("login", i18n::text(lang, "users-login-taken")),
            Err(error) => return Err(error.into()),
        }
    }
    let page = FormPage::new(&app, &ctx, None, checked.values, checked.errors);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
}

async fn load_user(app: &AppState, id: &str) -> Result<User, AppError> {
    app.store
        .user(&UserId(id.to_owned()))
        .await?
        .ok_or(AppError::NotFound)
}

async fn edit_form(
    State(app): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let user = load_user(&app, &id).await?;
    let values = UserFormValues::of(&user);
    let mut page = FormPage::new(&app, &ctx, Some(id), values, FieldErrors::default());
    page.two_factor = Some(app.store.totp(&user.id).await?.is_some());
    Ok(Html(page.render()?))
}

async fn update(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let user = load_user(&app, &id).await?;
    let mut checked = check_form(lang, &pairs, Some(&user.login));
    let change = UserChange {
        display_name: checked.values.display_name.clone(),
        roles: checked.values.roles,
        oblast: checked.oblast,
        disabled: checked.values.disabled,
    };
    if would_leave_no_admin(&app, &user, &change).await? {
        let message_id = if user.id == staff.user.id {
            "users-last-admin-self"
        } else {
            "users-last-admin"
        };
        checked.errors.add("roles", i18n::text(lang, message_id));
    }
    if !checked.errors.is_empty() {
        let page = FormPage::new(&app, &ctx, Some(id), checked.values, checked.errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response());
    }
    let now = Timestamp::now();
    app.store.change_user(&user.id, &change, now).await?;
    let password_reset = checked.password.is_some();
    if let Some(password) = checked.password {
        app.store
            .set_password(&user.id, &hash(password).await?, None, now)
            .await?;
    }
    tracing::info!(user = %user.id, "account changed");
    let roles: Vec<&str> = change.roles.iter().map(|r| r.as_str()).collect();
    let details = serde_json::json!({
        "roles": roles,
        "roles_changed": change.roles != user.roles,
        "disabled": change.disabled,
        "password_reset": password_reset,
    });
    app.audit(&ctx, "user.change", &format!("user:{}", user.id), details)
        .await?;
    let mut page = FormPage::new(&app, &ctx, Some(id), checked.values, FieldErrors::default());
    page.notice = Some(i18n::text(lang, "users-saved"));
    Ok(Html(page.render()?).into_response())
}

/// Whether the change would leave the organisation without an active admin,
/// which would lock everyone out of administration.
async fn would_leave_no_admin(
    app: &AppState,
    user: &User,
    change: &UserChange,
) -> Result<bool, AppError> {
    let stays_admin = change.roles.contains(Role::Admin) && !change.disabled;
    let is_admin = user.roles.contains(Role::Admin) && !user.disabled;
    if stays_admin || !is_admin {
        return Ok(false);
    }
    let other_admins = app
        .store
        .users()
        .await?
        .iter()
        .filter(|u| u.id != user.id && !u.disabled && u.roles.contains(Role::Admin))
        .count();
    Ok(other_admins == 0)
}

/// Removes an account's authenticator and recovery codes, so the person sets up
/// a new one at their next sign-in (a lost phone). Audited.
async fn reset_two_factor(
    State(app): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let user = load_user(&app, &id).await?;
    app.store.disable_totp(&user.id).await?;
    app.audit(
        &ctx,
        "two_factor.reset",
        &format!("user:{}", user.id),
        serde_json::json!({}),
    )
    .await?;
    let values = UserFormValues::of(&user);
    let mut page = FormPage::new(&app, &ctx, Some(id), values, FieldErrors::default());
    page.two_factor = Some(false);
    page.notice = Some(i18n::text(ctx.lang, "users-two-factor-was-reset"));
    Ok(Html(page.render()?).into_response())
}
