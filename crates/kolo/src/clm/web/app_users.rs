//! App users: one named credential per monitor's device and project, shown
//! once as the QR code ODK Collect scans, revocable at once. Both audited.

use axum::extract::{Form as FormBody, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use kolo_core::auth::{Action, Role};
use kolo_core::clm::{AppUserId, NewAppUser, ProjectAccess};
use kolo_core::ids::{new_secret_token, token_hash};
use kolo_core::time::Timestamp;
use serde::Deserialize;

use super::project_for;
use super::projects::{NewCredential, ProjectExtras, render_project};
use crate::app::AppState;
use crate::clm::commands::{server_url, settings_payload};
use crate::web::{Access, AppError, RequestContext, RouteTable, Staff, i18n, qr};

pub fn routes() -> RouteTable {
    let manage = Access::Staff(Action::ManageClmAppUsers);
    RouteTable::new()
        .post("/clm/projects/{project}/app-users", manage, create)
        .post(
            "/clm/projects/{project}/app-users/{app_user}/revoke",
            manage,
            revoke,
        )
}

#[derive(Deserialize)]
struct NewForm {
    #[serde(default)]
    name: String,
    /// The monitor's staff account, so they see what the device sends.
    #[serde(default)]
    monitor: String,
}

async fn create(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    headers: HeaderMap,
    Path(id): Path<String>,
    FormBody(form): FormBody<NewForm>,
) -> Result<Response, AppError> {
    let (project, access) = project_for(&app, &staff, &id, ProjectAccess::Manage).await?;
    let lang = ctx.lang;
    let name = form.name.trim().to_owned();
    let monitor = if form.monitor.is_empty() {
        None
    } else {
        app.store
            .users()
            .await?
            .into_iter()
            .find(|u| u.id.0 == form.monitor && u.roles.contains(Role::Monitor) && !u.disabled)
            .map(|u| u.id)
            .map(Some)
            .ok_or(AppError::BadRequest("clm-app-user-monitor-unknown"))?
    };
    if name.is_empty() || name.chars().count() > 100 {
        let extras = ProjectExtras {
            app_user_problem: Some(i18n::text(lang, "clm-app-user-name-invalid")),
            ..ProjectExtras::default()
        };
        let body = render_project(&app, &ctx, &staff, project, access, extras).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(body)).into_response());
    }
    let token = new_secret_token();
    let app_user = NewAppUser {
        id: AppUserId::new(),
        project_id: project.id.clone(),
        display_name: name.clone(),
        user_id: monitor,
        token_hash: token_hash(&token),
        created_by: Some(staff.user.id.clone()),
        created_at: Timestamp::now(),
    };
    app.store.create_app_user(&app_user).await?;
    app.audit(
        &ctx,
        "clm.app_user.create",
        &format!("clm_app_user:{}", app_user.id),
        serde_json::json!({ "project": project.id.0 }),
    )
    .await?;
    let url = server_url(
        &crate::clm::openrosa::origin(&app, &headers),
        &token,
        &project.id,
    );
    let payload = settings_payload(&url, &project.name);
    let qr_svg = qr::svg(&payload, 280, &i18n::text(lang, "clm-app-user-qr-label"))
        .ok_or_else(|| AppError::Internal("the settings do not fit a QR code".into()))?;
    // Shown once, in this answer only: the store keeps the token's hash.
    let extras = ProjectExtras {
        new_credential: Some(NewCredential {
            name,
            server_url: url,
            qr_svg,
        }),
        ..ProjectExtras::default()
    };
    let body = render_project(&app, &ctx, &staff, project, access, extras).await?;
    Ok(Html(body).into_response())
}

async fn revoke(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path((id, app_user)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (project, _) = project_for(&app, &staff, &id, ProjectAccess::Manage).await?;
    // Only an app user of this project: the id in the path cannot reach another's.
    let found = app
        .store
        .app_users(&project.id)
        .await?
        .into_iter()
        .find(|a| a.id.0 == app_user)
        .ok_or(AppError::NotFound)?;
    app.store
        .revoke_app_user(&found.id, Timestamp::now())
        .await?;
    app.audit(
        &ctx,
        "clm.app_user.revoke",
        &format!("clm_app_user:{}", found.id),
        serde_json::json!({ "project": project.id.0 }),
    )
    .await?;
    Ok(Redirect::to(&format!("/clm/projects/{}#app-users", project.id)).into_response())
}
