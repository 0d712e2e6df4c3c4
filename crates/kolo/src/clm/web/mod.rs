//! The staff side of community-led monitoring: projects and their staff, form
//! upload and publishing, app users with their QR codes, the submissions
//! table, one submission's page with its review, exports, and the JSON API.
//!
//! Every route is declared with its action in the route table; on top of the
//! permission table, `project_for` applies the row-level rule of
//! `kolo_core::clm::project_access` (coordinators and project managers manage,
//! data viewers read, monitors read only what their own devices sent and only
//! on projects they are assigned to, viewers nothing). Deny by default: a
//! route that names a project reaches its data only through `project_for`.

mod api;
mod app_users;
mod export_audits;
mod exports;
mod forms;
mod projects;
mod submissions;

use kolo_core::auth::User;
use kolo_core::clm::{AppUserId, Form, Project, ProjectAccess, ProjectId, project_access};
use kolo_core::lang::Lang;
use odk_data::FormSchema;

pub(crate) use crate::clm::schemas::schema_of;
pub use api::schemas as api_schemas;

use crate::app::AppState;
use crate::web::{AppError, RouteTable, Staff};

pub fn routes() -> RouteTable {
    projects::routes()
        .merge(forms::routes())
        .merge(app_users::routes())
        .merge(submissions::routes())
        .merge(exports::routes())
        .merge(api::routes())
}

/// A person's access to a project, from their roles, their place on its
/// staff and the project's app users linked to them.
pub(crate) async fn access_to(
    app: &AppState,
    user: &User,
    project: &ProjectId,
) -> Result<ProjectAccess, AppError> {
    let staff = app.store.project_staff(project).await?;
    let role = staff.iter().find(|s| s.user_id == user.id).map(|s| s.role);
    let holds_device = app
        .store
        .app_users(project)
        .await?
        .iter()
        .any(|a| a.user_id.as_ref() == Some(&user.id));
    Ok(project_access(user, role, holds_device))
}

/// The project if the person's access to it is at least `needed`; 404 for an
/// unknown project (before any access check, so an unknown id tells no more
/// than a refused one), 403 otherwise.
pub(crate) async fn project_for(
    app: &AppState,
    staff: &Staff,
    id: &str,
    needed: ProjectAccess,
) -> Result<(Project, ProjectAccess), AppError> {
    let project = app
        .store
        .project(&ProjectId(id.to_owned()))
        .await?
        .ok_or(AppError::NotFound)?;
    let access = access_to(app, &staff.user, &project.id).await?;
    if access < needed || access == ProjectAccess::None {
        return Err(AppError::Forbidden);
    }
    Ok((project, access))
}

pub(crate) async fn form_of(
    app: &AppState,
    project: &Project,
    xml_form_id: &str,
) -> Result<Form, AppError> {
    app.store
        .form(&project.id, xml_form_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The app users whose submissions a person may read: all (`None`) with data
/// access, else those linked to their account.
pub(crate) async fn visible_app_users(
    app: &AppState,
    user: &User,
    project: &ProjectId,
    access: ProjectAccess,
) -> Result<Option<Vec<AppUserId>>, AppError> {
    if access >= ProjectAccess::Data {
        return Ok(None);
    }
    Ok(Some(
        app.store
            .app_users(project)
            .await?
            .into_iter()
            .filter(|a| a.user_id.as_ref() == Some(&user.id))
            .map(|a| a.id)
            .collect(),
    ))
}

pub(crate) fn xlsform_lang(lang: Lang) -> xlsform::Lang {
    match lang {
        Lang::Uk => xlsform::Lang::Uk,
        Lang::En => xlsform::Lang::En,
    }
}

/// The form's translation for the person's language, if it has one.
pub(crate) fn form_language(schema: &FormSchema, lang: Lang) -> Option<String> {
    schema.language_for(lang.code()).map(str::to_owned)
}

/// A choice in a select.
pub(crate) struct Choice {
    pub value: String,
    pub label: String,
    pub chosen: bool,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>, chosen: bool) -> Choice {
        Choice {
            value: value.into(),
            label: label.into(),
            chosen,
        }
    }
}

/// The link prefix of a form's pages.
pub(crate) fn form_href(project: &ProjectId, xml_form_id: &str) -> String {
    format!(
        "/clm/projects/{project}/forms/{}",
        crate::web::url::encode_component(xml_form_id)
    )
}
