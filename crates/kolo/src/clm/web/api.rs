//! The monitoring part of the JSON API under `/api/v1/clm`: projects, forms
//! (upload a draft, publish it) and submissions, with the same permissions and
//! row-level rules as the pages.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::handler::Handler;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use kolo_core::auth::Action;
use kolo_core::clm::{Form, ProjectAccess};
use odk_data::Submission;
use serde::Deserialize;
use serde_json::{Value, json};
use xlsform::Diagnostic;

use super::forms::{diagnostic_rows, publish_problem};
use super::submissions::{Filters, app_user_names};
use super::{access_to, form_of, project_for, schema_of, visible_app_users};
use crate::app::AppState;
use crate::clm::publish::{self, MAX_FORM_BYTES, PublishError};
use crate::events::api_helpers::{invalid, parse_body};
use crate::web::{Access, ApiDoc, AppError, RequestContext, RouteTable, Staff};

pub fn routes() -> RouteTable {
    RouteTable::new()
        .api_get(
            "/api/v1/clm/projects",
            Access::Staff(Action::ViewClmProjects),
            ApiDoc {
                summary: "Monitoring projects the token's account works on",
                response: "ClmProjectList",
            },
            projects,
        )
        .api_get(
            "/api/v1/clm/projects/{project}/forms",
            Access::Staff(Action::ViewClmProjects),
            ApiDoc {
                summary: "A project's forms with their current and draft versions",
                response: "ClmFormList",
            },
            forms,
        )
        .api_post(
            "/api/v1/clm/projects/{project}/forms",
            Access::Staff(Action::ManageClmForms),
            ApiDoc {
                summary: "Upload an XLSForm or XForm as its form's draft; errors and warnings name sheet, row and column",
                response: "ClmDraft",
            },
            "ClmFormUpload",
            // Base64 makes the file a third larger.
            upload.layer(DefaultBodyLimit::max(MAX_FORM_BYTES / 3 * 4 + 64 * 1024)),
        )
        .api_post(
            "/api/v1/clm/projects/{project}/forms/{form}/publish",
            Access::Staff(Action::ManageClmForms),
            ApiDoc {
                summary: "Publish the form's draft; its version string must be new",
                response: "ClmForm",
            },
            "ClmPublish",
            publish_form,
        )
        .api_get(
            "/api/v1/clm/projects/{project}/forms/{form}/submissions",
            Access::Staff(Action::ViewClmSubmissions),
            ApiDoc {
                summary: "A page of a form's submissions (50 per page) with their values; filters as on the table page",
                response: "ClmSubmissionList",
            },
            submissions,
        )
}

async fn projects(State(app): State<AppState>, staff: Staff) -> Result<Json<Value>, AppError> {
    let mut list = Vec::new();
    for project in app.store.projects().await? {
        let access = access_to(&app, &staff.user, &project.id).await?;
        if access >= ProjectAccess::Data {
            list.push(json!({ "id": project.id.0, "name": project.name, "description": project.description }));
        }
    }
    Ok(Json(json!({ "projects": list })))
}

fn form_json(form: &Form) -> Value {
    let version = |v: &kolo_core::clm::FormVersion| json!({ "version": v.version, "title": v.title, "md5": v.xml_md5 });
    json!({
        "xml_form_id": form.xml_form_id,
        "state": form.state.as_str(),
        "current": form.current.as_ref().map(version),
        "draft": form.draft.as_ref().map(version),
    })
}

async fn forms(
    State(app): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let (project, _) = project_for(&app, &staff, &id, ProjectAccess::OwnSubmissions).await?;
    let forms = app.store.forms(&project.id).await?;
    Ok(Json(
        json!({ "forms": forms.iter().map(form_json).collect::<Vec<_>>() }),
    ))
}

#[derive(Deserialize)]
struct UploadBody {
    /// The file's name; its stem is the default form id of an XLSForm.
    file_name: String,
    /// The file's bytes, base64 (standard alphabet).
    content_base64: String,
}

fn diagnostics_json(ctx: &RequestContext, diagnostics: &[&Diagnostic]) -> Vec<Value> {
    diagnostic_rows(ctx.lang, diagnostics)
        .into_iter()
        .map(|d| {
            json!({
                "severity": if d.error { "error" } else { "warning" },
                "sheet": d.sheet, "row": d.row, "column": d.column, "message": d.message,
            })
        })
        .collect()
}

async fn upload(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let (project, _) = project_for(&app, &staff, &id, ProjectAccess::Manage).await?;
    let input: UploadBody = match parse_body(ctx.lang, &body) {
        Ok(input) => input,
        Err(response) => return Ok(*response),
    };
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(input.content_base64.trim())
    else {
        return Ok(invalid(
            ctx.lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            vec![(
                "content_base64".into(),
                crate::web::i18n::text(ctx.lang, "clm-api-base64"),
            )],
        ));
    };
    match publish::save_draft(
        &*app.store,
        &app.blobs,
        &project.id,
        &input.file_name,
        &bytes,
        Some(&staff.user.id),
    )
    .await
    {
        Ok(draft) => {
            app.audit(
                &ctx,
                "clm.form.draft",
                &format!("clm_form:{}", draft.form_id),
                json!({
                    "project": project.id.0,
                    "form": draft.definition.xml_form_id,
                    "version": draft.definition.version,
                    "warnings": draft.warnings.len(),
                }),
            )
            .await?;
            let files = app.store.form_attachments(&draft.version_id).await?;
            let warnings: Vec<&Diagnostic> = draft.warnings.iter().collect();
            Ok(Json(json!({
                "xml_form_id": draft.definition.xml_form_id,
                "version": draft.definition.version,
                "title": draft.definition.title,
                "warnings": diagnostics_json(&ctx, &warnings),
                "missing_attachments": files.iter().filter(|f| f.blob.is_none()).map(|f| f.name.clone()).collect::<Vec<_>>(),
            }))
            .into_response())
        }
        Err(error) => {
            let diagnostics = match &error {
                PublishError::Form(errors, warnings) => {
                    let all: Vec<&Diagnostic> = errors.iter().chain(warnings).collect();
                    diagnostics_json(&ctx, &all)
                }
                _ => Vec::new(),
            };
            let message = publish_problem(ctx.lang, &error)?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(json!({ "error": "form_invalid", "message": message, "diagnostics": diagnostics })),
            )
                .into_response())
        }
    }
}

async fn publish_form(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path((id, xml_form_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (project, _) = project_for(&app, &staff, &id, ProjectAccess::Manage).await?;
    let form = form_of(&app, &project, &xml_form_id).await?;
    match publish::publish(&*app.store, &form.id).await {
        Ok(version) => {
            let files = app.store.form_attachments(&version.id).await?;
            let missing: Vec<String> = files
                .iter()
                .filter(|f| f.blob.is_none())
                .map(|f| f.name.clone())
                .collect();
            app.audit(
                &ctx,
                "clm.form.publish",
                &format!("clm_form:{}", form.id),
                json!({ "version": version.version, "files": files.len() - missing.len(), "missing": missing.len() }),
            )
            .await?;
            let form = form_of(&app, &project, &xml_form_id).await?;
            let mut body = form_json(&form);
            body["missing_attachments"] = json!(missing);
            Ok(Json(body).into_response())
        }
        Err(error) => {
            let status = match error {
                PublishError::VersionTaken(_) => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let message = publish_problem(ctx.lang, &error)?;
            Ok((
                status,
                Json(json!({ "error": "not_published", "message": message })),
            )
                .into_response())
        }
    }
}

async fn submissions(
    State(app): State<AppState>,
    staff: Staff,
    Path((id, xml_form_id)): Path<(String, String)>,
    Query(mut filters): Query<Filters>,
) -> Result<Json<Value>, AppError> {
    let (project, access) = project_for(&app, &staff, &id, ProjectAccess::OwnSubmissions).await?;
    let form = form_of(&app, &project, &xml_form_id).await?;
    filters.page = filters.page.max(1);
    let allowed = visible_app_users(&app, &staff.user, &project.id, access).await?;
    let schema = match &form.current {
        Some(v) => Some(schema_of(&app, &v.id).await?),
        None => None,
    };
    // A sort the table does not have gives the date order, as on the page.
    let (filter, _) = filters
        .sorted_filter(&app, &form, schema.as_deref(), allowed)
        .await?;
    let total = app.store.count_submissions(&filter).await?;
    let list = app.store.submissions(&filter).await?;
    let names = app_user_names(&app.store.app_users(&project.id).await?);
    let mut out = Vec::with_capacity(list.len());
    for s in &list {
        let mut values = serde_json::Map::new();
        if let (Some(schema), false) = (&schema, s.encrypted) {
            let xml = app
                .store
                .submission_xml(&s.current_version_id)
                .await?
                .unwrap_or_default();
            if let Ok(parsed) = Submission::parse(schema, &String::from_utf8_lossy(&xml)) {
                for (path, _, value) in parsed.values(schema) {
                    values.insert(path, Value::String(value.to_owned()));
                }
            }
        }
        out.push(json!({
            "id": s.id.0,
            "instance_id": s.instance_id,
            "form_version": s.form_version,
            "received_at": s.created_at.seconds(),
            "app_user": s.app_user_id.as_ref().and_then(|a| names.get(a)),
            "review_state": s.review_state.as_str(),
            "edits": s.edits,
            "encrypted": s.encrypted,
            "values": values,
        }));
    }
    Ok(Json(json!({ "total": total, "submissions": out })))
}

/// The schemas of these endpoints, for the OpenAPI document.
pub fn schemas() -> Value {
    let diagnostic = json!({
        "type": "object",
        "properties": {
            "severity": { "type": "string", "enum": ["error", "warning"] },
            "sheet": { "type": "string" }, "row": { "type": "string" }, "column": { "type": "string" },
            "message": { "type": "string", "description": "In the requested language" }
        }
    });
    let version = json!({ "type": ["object", "null"], "properties": {
        "version": { "type": "string" }, "title": { "type": "string" }, "md5": { "type": "string" } } });
    json!({
        "ClmProjectList": { "type": "object", "required": ["projects"], "properties": { "projects": { "type": "array", "items": {
            "type": "object", "properties": { "id": { "type": "string" }, "name": { "type": "string" }, "description": { "type": "string" } } } } } },
        "ClmForm": { "type": "object", "required": ["xml_form_id", "state"], "properties": {
            "xml_form_id": { "type": "string" },
            "state": { "type": "string", "enum": ["open", "closing", "closed"] },
            "current": version, "draft": version,
            "missing_attachments": { "type": "array", "items": { "type": "string" } } } },
        "ClmFormList": { "type": "object", "required": ["forms"], "properties": { "forms": { "type": "array", "items": { "$ref": "#/components/schemas/ClmForm" } } } },
        "ClmFormUpload": { "type": "object", "required": ["file_name", "content_base64"], "properties": {
            "file_name": { "type": "string", "description": "e.g. `clm_2024.xlsx`; the stem is the default form id" },
            "content_base64": { "type": "string", "description": "The XLSForm (xlsx, xls, csv, markdown) or XForm, base64" } } },
        "ClmDraft": { "type": "object", "properties": {
            "xml_form_id": { "type": "string" }, "version": { "type": "string" }, "title": { "type": "string" },
            "warnings": { "type": "array", "items": diagnostic },
            "diagnostics": { "type": "array", "items": diagnostic, "description": "On 422: every error and warning" },
            "missing_attachments": { "type": "array", "items": { "type": "string" } } } },
        "ClmPublish": { "type": "object", "description": "No fields: send `{}`" },
        "ClmSubmissionList": { "type": "object", "required": ["total", "submissions"], "properties": {
            "total": { "type": "integer" },
            "submissions": { "type": "array", "items": { "type": "object", "properties": {
                "id": { "type": "string" }, "instance_id": { "type": "string" }, "form_version": { "type": "string" },
                "received_at": { "type": "integer", "description": "Seconds since 1970 (UTC)" },
                "app_user": { "type": ["string", "null"] },
                "review_state": { "type": "string", "enum": ["received", "has_issues", "approved", "rejected"] },
                "edits": { "type": "integer" }, "encrypted": { "type": "boolean" },
                "values": { "type": "object", "additionalProperties": { "type": "string" }, "description": "By path, repeat instances indexed from 1" } } } } } }
    })
}
