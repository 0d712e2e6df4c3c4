//! `/admin/security`: which roles must sign in with a second factor.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use kolo_core::auth::{Action, Role, RoleSet, TwoFactorPolicy};
use kolo_core::org::setting;
use kolo_core::retention::{self, DataClass};
use kolo_core::time::Timestamp;
use vault::keys::DataKeyState;

use crate::backup::{LAST_BACKUP_SETTING, LastBackup};

use crate::app::AppState;
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, format, i18n};

pub fn routes() -> RouteTable {
    let security = Access::Staff(Action::ManageSecurity);
    RouteTable::new()
        .get("/admin/security", security, security_page)
        .post("/admin/security/two-factor", security, save_two_factor)
        .post("/admin/security/retention", security, save_retention)
}

struct RoleChoice {
    value: &'static str,
    label: String,
    required: bool,
}

#[derive(Template)]
#[template(path = "admin_security.html")]
struct SecurityPage {
    page: Page,
    roles: Vec<RoleChoice>,
    notice: Option<String>,
    /// When the last backup was made, and how big it was; `None` if never.
    last_backup: Option<(String, String)>,
    /// No backup in the last week (or ever).
    backup_overdue: bool,
    passphrase_protected: Option<bool>,
    data_keys: Vec<(String, String)>,
    /// Each class of data: its setting name, its name for people, months kept.
    retention: Vec<(&'static str, String, u32)>,
}

/// A backup older than this is reported as overdue.
const BACKUP_DUE_AFTER_SECS: i64 = 7 * 24 * 3600;

async fn render(
    app: &AppState,
    ctx: &RequestContext,
    notice: Option<String>,
) -> Result<Html<String>, AppError> {
    let policy = app.two_factor_policy().await?;
    let last: Option<LastBackup> = app
        .store
        .setting(LAST_BACKUP_SETTING)
        .await?
        .and_then(|json| serde_json::from_str(&json).ok());
    let now = Timestamp::now().seconds();
    let (passphrase_protected, data_keys) = app
        .vault
        .with_ring(|ring| {
            let keys = ring
                .data_keys()
                .iter()
                .map(|k| {
                    (
                        k.id.to_string(),
                        i18n::text(ctx.lang, key_state_message(k.state)),
                    )
                })
                .collect();
            (Some(ring.is_passphrase_protected()), keys)
        })
        .unwrap_or((None, Vec::new()));
    let retention = crate::retention::rules(&*app.store)
        .await?
        .into_iter()
        .map(|(class, months)| {
            (
                class.as_str(),
                i18n::text(ctx.lang, class.message_id()),
                months,
            )
        })
        .collect();
    let page = SecurityPage {
        retention,
        page: Page::new(app, ctx, "security-title"),
        roles: Role::ALL
            .iter()
            .map(|role| RoleChoice {
                value: role.as_str(),
                label: i18n::text(ctx.lang, role.message_id()),
                required: policy.required_for.contains(*role),
            })
            .collect(),
        notice,
        backup_overdue: last
            .as_ref()
            .is_none_or(|b| now - b.at > BACKUP_DUE_AFTER_SECS),
        last_backup: last.map(|b| {
            (
                format::datetime(Timestamp(b.at)),
                format!("{:.1} MB", b.bytes as f64 / 1e6),
            )
        }),
        passphrase_protected,
        data_keys,
    };
    Ok(Html(page.render()?))
}

fn key_state_message(state: DataKeyState) -> &'static str {
    match state {
        DataKeyState::Active => "security-key-active",
        DataKeyState::Retiring => "security-key-retiring",
        DataKeyState::Retired => "security-key-retired",
    }
}

async fn security_page(
    State(app): State<AppState>,
    ctx: RequestContext,
) -> Result<Html<String>, AppError> {
    render(&app, &ctx, None).await
}

async fn save_two_factor(
    State(app): State<AppState>,
    ctx: RequestContext,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let mut required = RoleSet::EMPTY;
    for (_, value) in pairs.iter().filter(|(k, _)| k == "role") {
        required.insert(Role::parse(value).ok_or(AppError::BadRequest("users-role-unknown"))?);
    }
    let policy = TwoFactorPolicy {
        required_for: required,
    };
    app.store
        .set_setting(setting::TWO_FACTOR_ROLES, &policy.to_setting())
        .await?;
    let roles: Vec<&str> = required.iter().map(Role::as_str).collect();
    app.audit(
        &ctx,
        "security.two_factor_roles",
        "settings",
        serde_json::json!({ "roles": roles }),
    )
    .await?;
    let notice = Some(i18n::text(ctx.lang, "security-saved"));
    Ok(render(&app, &ctx, notice).await?.into_response())
}

/// Saves the months each class of data is kept. Every value must be a whole
/// number of months in range, or nothing is saved.
async fn save_retention(
    State(app): State<AppState>,
    ctx: RequestContext,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let mut chosen = Vec::new();
    for class in DataClass::ALL {
        let value = pairs
            .iter()
            .find(|(k, _)| k == class.as_str())
            .map(|(_, v)| v.trim())
            .unwrap_or_default();
        let months = value
            .parse::<u32>()
            .ok()
            .filter(|m| retention::MONTHS.contains(m))
            .ok_or(AppError::BadRequest("security-retention-invalid"))?;
        chosen.push((class, months));
    }
    for (class, months) in &chosen {
        app.store
            .set_setting(class.setting(), &months.to_string())
            .await?;
    }
    let details: serde_json::Map<String, serde_json::Value> = chosen
        .iter()
        .map(|(c, m)| (c.as_str().to_owned(), (*m).into()))
        .collect();
    app.audit(
        &ctx,
        "security.retention",
        "settings",
        serde_json::Value::Object(details),
    )
    .await?;
    let notice = Some(i18n::text(ctx.lang, "security-saved"));
    Ok(render(&app, &ctx, notice).await?.into_response())
}
