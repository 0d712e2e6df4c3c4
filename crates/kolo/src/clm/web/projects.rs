//! The project list, creating a project, the project page (forms, app users,
//! staff) and naming staff on a project.

use askama::Template;
use axum::extract::{Form as FormBody, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use kolo_core::auth::{Action, Role, UserId};
use kolo_core::clm::{Project, ProjectAccess, ProjectId, ProjectRole};
use kolo_core::time::Timestamp;
use serde::Deserialize;

use super::{Choice, access_to, form_href, project_for};
use crate::app::AppState;
use crate::web::format::datetime;
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, Staff, i18n};

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/clm", Access::Staff(Action::ViewClmProjects), list)
        .post(
            "/clm/projects",
            Access::Staff(Action::CreateClmProjects),
            create,
        )
        .get(
            "/clm/projects/{project}",
            Access::Staff(Action::ViewClmProjects),
            project_page,
        )
        .post(
            "/clm/projects/{project}/staff",
            // Only coordinators name staff: the same people who create projects.
            Access::Staff(Action::CreateClmProjects),
            set_staff,
        )
}

struct ProjectRow {
    id: String,
    name: String,
    description: String,
    access: String,
}

#[derive(Template)]
#[template(path = "clm_projects.html")]
struct ListPage {
    page: Page,
    rows: Vec<ProjectRow>,
    may_create: bool,
    name: String,
    description: String,
    error: Option<String>,
}

fn access_label(lang: kolo_core::lang::Lang, access: ProjectAccess) -> String {
    i18n::text(
        lang,
        match access {
            ProjectAccess::Manage => "clm-access-manage",
            ProjectAccess::Data => "clm-access-data",
            ProjectAccess::OwnSubmissions => "clm-access-own",
            ProjectAccess::None => "clm-access-none",
        },
    )
}

async fn render_list(
    app: &AppState,
    ctx: &RequestContext,
    staff: &Staff,
    name: String,
    description: String,
    error: Option<String>,
) -> Result<String, AppError> {
    let mut rows = Vec::new();
    for project in app.store.projects().await? {
        let access = access_to(app, &staff.user, &project.id).await?;
        if access == ProjectAccess::None {
            continue;
        }
        rows.push(ProjectRow {
            id: project.id.0.clone(),
            name: project.name.clone(),
            description: project.description.clone(),
            access: access_label(ctx.lang, access),
        });
    }
    let page = ListPage {
        page: Page::new(app, ctx, "clm-projects-title"),
        rows,
        may_create: staff.user.may(Action::CreateClmProjects),
        name,
        description,
        error,
    };
    Ok(page.render()?)
}

async fn list(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
) -> Result<Html<String>, AppError> {
    Ok(Html(
        render_list(&app, &ctx, &staff, String::new(), String::new(), None).await?,
    ))
}

#[derive(Deserialize)]
struct NewProject {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
}

async fn create(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    FormBody(form): FormBody<NewProject>,
) -> Result<Response, AppError> {
    let name = form.name.trim().to_owned();
    let description = form.description.trim().to_owned();
    let problem = if name.is_empty() || name.chars().count() > 200 {
        Some("clm-project-name-invalid")
    } else if description.chars().count() > 2000 {
        Some("clm-project-description-invalid")
    } else {
        None
    };
    if let Some(id) = problem {
        let body = render_list(
            &app,
            &ctx,
            &staff,
            name,
            description,
            Some(i18n::text(ctx.lang, id)),
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(body)).into_response());
    }
    let project = Project {
        id: ProjectId::new(),
        name,
        description,
        archived: false,
        created_at: Timestamp::now(),
    };
    app.store.create_project(&project).await?;
    app.audit(
        &ctx,
        "clm.project.create",
        &format!("clm_project:{}", project.id),
        serde_json::json!({}),
    )
    .await?;
    Ok(Redirect::to(&format!("/clm/projects/{}", project.id)).into_response())
}

pub(crate) struct FormRow {
    pub href: String,
    pub xml_form_id: String,
    pub title: String,
    pub version: String,
    pub state: String,
    pub has_draft: bool,
}

pub(crate) struct AppUserRow {
    pub id: String,
    pub name: String,
    pub monitor: String,
    pub created: String,
    pub revoked: Option<String>,
}

pub(crate) struct StaffRow {
    pub name: String,
    pub role: String,
}

/// A new app user's credential, shown once.
pub(crate) struct NewCredential {
    pub name: String,
    pub server_url: String,
    pub qr_svg: String,
}

/// What a POST adds to the project page it re-renders.
#[derive(Default)]
pub(crate) struct ProjectExtras {
    /// A form upload the compiler refused: its diagnostics.
    pub upload_errors: Vec<super::forms::DiagnosticRow>,
    pub upload_problem: Option<String>,
    pub app_user_problem: Option<String>,
    pub new_credential: Option<NewCredential>,
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "clm_project.html")]
struct ProjectPage {
    page: Page,
    project: Project,
    manage: bool,
    may_name_staff: bool,
    forms: Vec<FormRow>,
    app_users: Vec<AppUserRow>,
    staff_rows: Vec<StaffRow>,
    people: Vec<Choice>,
    monitors: Vec<Choice>,
    roles: Vec<Choice>,
    extras: ProjectExtras,
}

pub(crate) async fn render_project(
    app: &AppState,
    ctx: &RequestContext,
    staff: &Staff,
    project: Project,
    access: ProjectAccess,
    extras: ProjectExtras,
) -> Result<String, AppError> {
    let lang = ctx.lang;
    let manage = access == ProjectAccess::Manage;
    let users = app.store.users().await?;
    let name_of = |id: &UserId| {
        users
            .iter()
            .find(|u| &u.id == id)
            .map_or_else(|| id.0.clone(), |u| u.display_name.clone())
    };
    let forms = app
        .store
        .forms(&project.id)
        .await?
        .into_iter()
        .map(|f| FormRow {
            href: form_href(&project.id, &f.xml_form_id),
            title: f
                .current
                .as_ref()
                .or(f.draft.as_ref())
                .map(|v| v.title.clone())
                .unwrap_or_default(),
            version: f
                .current
                .as_ref()
                .map(|v| v.version.clone())
                .unwrap_or_default(),
            state: i18n::text(lang, f.state.message_id()),
            has_draft: f.draft.is_some(),
            xml_form_id: f.xml_form_id,
        })
        .collect();
    // App users are listed to those who manage them; a monitor sees their own.
    let app_users = app
        .store
        .app_users(&project.id)
        .await?
        .into_iter()
        .filter(|a| manage || a.user_id.as_ref() == Some(&staff.user.id))
        .map(|a| AppUserRow {
            id: a.id.0.clone(),
            name: a.display_name.clone(),
            monitor: a.user_id.as_ref().map(&name_of).unwrap_or_default(),
            created: datetime(a.created_at),
            revoked: a.revoked_at.map(datetime),
        })
        .collect();
    let staff_rows = app
        .store
        .project_staff(&project.id)
        .await?
        .iter()
        .map(|s| StaffRow {
            name: name_of(&s.user_id),
            role: i18n::text(lang, s.role.message_id()),
        })
        .collect();
    let active = users.iter().filter(|u| !u.disabled);
    let people = active
        .clone()
        .filter(|u| !u.roles.iter().all(|r| r == Role::Viewer))
        .map(|u| Choice::new(&u.id.0, &u.display_name, false))
        .collect();
    let monitors = active
        .filter(|u| u.roles.contains(Role::Monitor))
        .map(|u| Choice::new(&u.id.0, &u.display_name, false))
        .collect();
    let roles = ProjectRole::ALL
        .iter()
        .map(|r| Choice::new(r.as_str(), i18n::text(lang, r.message_id()), false))
        .collect();
    let page = ProjectPage {
        page: Page::new(app, ctx, "clm-project-title"),
        project,
        manage,
        may_name_staff: staff.user.may(Action::CreateClmProjects),
        forms,
        app_users,
        staff_rows,
        people,
        monitors,
        roles,
        extras,
    };
    Ok(page.render()?)
}

async fn project_page(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let (project, access) = project_for(&app, &staff, &id, ProjectAccess::OwnSubmissions).await?;
    Ok(Html(
        render_project(
            &app,
            &ctx,
            &staff,
            project,
            access,
            ProjectExtras::default(),
        )
        .await?,
    ))
}

#[derive(Deserialize)]
struct StaffForm {
    #[serde(default)]
    user: String,
    /// A `ProjectRole`, or `none` to take the person off the project.
    #[serde(default)]
    role: String,
}

async fn set_staff(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
    FormBody(form): FormBody<StaffForm>,
) -> Result<Response, AppError> {
    let (project, _) = project_for(&app, &staff, &id, ProjectAccess::Manage).await?;
    let user = app
        .store
        .users()
        .await?
        .into_iter()
        .find(|u| u.id.0 == form.user)
        .ok_or(AppError::BadRequest("clm-staff-unknown"))?;
    let role = match form.role.as_str() {
        "none" => None,
        other => Some(ProjectRole::parse(other).ok_or(AppError::BadRequest("clm-staff-unknown"))?),
    };
    app.store
        .set_project_staff(&project.id, &user.id, role)
        .await?;
    app.audit(
        &ctx,
        "clm.project.staff",
        &format!("clm_project:{}", project.id),
        serde_json::json!({ "user": user.id.0, "role": role.map(ProjectRole::as_str) }),
    )
    .await?;
    Ok(Redirect::to(&format!("/clm/projects/{}#staff", project.id)).into_response())
}
