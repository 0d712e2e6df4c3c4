//! The monitoring part of the JSON API under `/api/v1/clm`: projects, forms
//! (upload a draft as JSON or as the file itself, its attachments, publish it
//! under a version), submissions and their exports, with the same permissions
//! and row-level rules as the pages. Paths and bodies follow ODK Central's API
//! where it has the same thing (`draft/attachments/{name}`,
//! `draft/publish?version=`, `submissions.csv.zip`).

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::handler::Handler;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use futures_util::StreamExt;
use kolo_core::auth::Action;
use kolo_core::clm::{Form, ProjectAccess, check_file_name};
use kolo_core::lang::Lang;
use odk_data::Submission;
use serde::Deserialize;
use serde_json::{Value, json};
use xlsform::Diagnostic;

use super::exports::{Choices, Format, export};
use super::forms::{audit_attachment, diagnostic_rows, publish_problem};
use super::submissions::{Filters, app_user_names};
use super::{access_to, form_of, project_for, schema_of, visible_app_users};
use crate::app::AppState;
use crate::clm::blobs::{BlobError, StagedBlob};
use crate::clm::publish::{self, MAX_FORM_BYTES, MAX_FORM_FILE_BYTES, PublishError};
use crate::events::api_helpers::{invalid, parse_body};
use crate::web::{Access, ApiDoc, AppError, RequestContext, RouteTable, Staff, i18n};

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
        .api_upload(
            "/api/v1/clm/projects/{project}/forms",
            Access::Staff(Action::ManageClmForms),
            ApiDoc {
                summary: "Upload an XLSForm or XForm as its form's draft, as JSON or as the file itself \
                          (header `X-XlsForm-FormId-Fallback`: the form id when the XLSForm names none); \
                          errors and warnings name sheet, row and column",
                response: "ClmDraft",
            },
            Some("ClmFormUpload"),
            FORM_MEDIA_TYPES,
            // Base64 makes the file a third larger.
            upload.layer(DefaultBodyLimit::max(MAX_FORM_BYTES / 3 * 4 + 64 * 1024)),
        )
        .api_upload(
            "/api/v1/clm/projects/{project}/forms/{form}/draft/attachments/{name}",
            Access::Staff(Action::ManageClmForms),
            ApiDoc {
                summary: "Upload a file the draft references (media, CSV), streamed; the name must be one the form expects",
                response: "ClmAttachment",
            },
            None,
            &["*/*"],
            // The file streams to the blob store, which enforces the limit.
            draft_attachment.layer(DefaultBodyLimit::disable()),
        )
        .api_post(
            "/api/v1/clm/projects/{project}/forms/{form}/publish",
            Access::Staff(Action::ManageClmForms),
            ApiDoc {
                summary: "Publish the form's draft; its version string must be new (or give one: `version`)",
                response: "ClmForm",
            },
            "ClmPublish",
            publish_form,
        )
        .api_post(
            "/api/v1/clm/projects/{project}/forms/{form}/draft/publish",
            Access::Staff(Action::ManageClmForms),
            ApiDoc {
                summary: "Publish the form's draft, as Central does: `?version=` sets a new version string first",
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
        .api_download(
            "/api/v1/clm/projects/{project}/forms/{form}/submissions.csv.zip",
            Access::Staff(Action::ExportClmSubmissions),
            ApiDoc {
                summary: "Export as Central does: the main and repeat CSVs, and (unless `attachments=false`) \
                          the files under `media/`; streamed, audited; filters as on the table page",
                response: "ClmExport",
            },
            "application/zip",
            csv_zip,
        )
        .api_download(
            "/api/v1/clm/projects/{project}/forms/{form}/submissions.csv",
            Access::Staff(Action::ExportClmSubmissions),
            ApiDoc {
                summary: "Export the main table alone as one CSV; streamed, audited; filters as on the table page",
                response: "ClmExport",
            },
            "text/csv",
            root_csv,
        )
}

/// What a form file may be sent as, besides JSON.
const FORM_MEDIA_TYPES: &[&str] = &[
    "application/xml",
    "text/xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel",
    "text/csv",
    "text/markdown",
];

/// A JSON error: a stable code and a sentence for people.
fn problem(status: StatusCode, code: &str, message: String) -> Response {
    (status, Json(json!({ "error": code, "message": message }))).into_response()
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

/// The uploaded form's file name and bytes: from JSON (base64), or the body
/// itself as Central takes it, named by `X-XlsForm-FormId-Fallback`.
fn uploaded_form(
    lang: Lang,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<(String, Vec<u8>), Box<Response>> {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if media == "application/json" {
        let input: UploadBody = parse_body(lang, body)?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(input.content_base64.trim())
            .map_err(|_| {
                Box::new(invalid(
                    lang,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid",
                    vec![("content_base64".into(), i18n::text(lang, "clm-api-base64"))],
                ))
            })?;
        return Ok((input.file_name, bytes));
    }
    if !FORM_MEDIA_TYPES.contains(&media.as_str()) {
        let types = std::iter::once("application/json")
            .chain(FORM_MEDIA_TYPES.iter().copied())
            .collect::<Vec<_>>()
            .join(", ");
        return Err(Box::new(problem(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            i18n::text_with(lang, "clm-api-media-type", &[("types", types)]),
        )));
    }
    if body.is_empty() {
        return Err(Box::new(problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty",
            i18n::text(lang, "clm-api-body-empty"),
        )));
    }
    // Only the stem matters: it is the XLSForm's form id when it names none.
    let file_name = headers
        .get("x-xlsform-formid-fallback")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|stem| format!("{stem}.form"))
        .unwrap_or_default();
    Ok((file_name, body.to_vec()))
}

async fn upload(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let (project, _) = project_for(&app, &staff, &id, ProjectAccess::Manage).await?;
    let (file_name, bytes) = match uploaded_form(ctx.lang, &headers, &body) {
        Ok(file) => file,
        Err(response) => return Ok(*response),
    };
    match publish::save_draft(
        &*app.store,
        &app.blobs,
        &project.id,
        &file_name,
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
            let status = match error {
                PublishError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let message = publish_problem(ctx.lang, &error)?;
            Ok((
                status,
                Json(json!({ "error": "form_invalid", "message": message, "diagnostics": diagnostics })),
            )
                .into_response())
        }
    }
}

/// The version to publish under, in the query (Central) or the JSON body.
#[derive(Deserialize, Default)]
#[serde(default)]
struct PublishInput {
    version: Option<String>,
}

async fn publish_form(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path((id, xml_form_id)): Path<(String, String)>,
    Query(query): Query<PublishInput>,
    body: Bytes,
) -> Result<Response, AppError> {
    let (project, _) = project_for(&app, &staff, &id, ProjectAccess::Manage).await?;
    let form = form_of(&app, &project, &xml_form_id).await?;
    let input: PublishInput = if body.iter().all(u8::is_ascii_whitespace) {
        PublishInput::default()
    } else {
        match parse_body(ctx.lang, &body) {
            Ok(input) => input,
            Err(response) => return Ok(*response),
        }
    };
    let published = match query.version.or(input.version) {
        Some(version) => match publish::set_draft_version(&*app.store, &form.id, &version).await {
            Ok(()) => publish::publish(&*app.store, &app.blobs, &form.id).await,
            Err(error) => Err(error),
        },
        None => publish::publish(&*app.store, &app.blobs, &form.id).await,
    };
    match published {
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
                PublishError::NoDraft => StatusCode::NOT_FOUND,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let message = publish_problem(ctx.lang, &error)?;
            Ok(problem(status, "not_published", message))
        }
    }
}

/// `POST …/forms/{form}/draft/attachments/{name}`: the body is the file,
/// streamed to the blob store within the form files' limit.
async fn draft_attachment(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path((id, xml_form_id, name)): Path<(String, String, String)>,
    body: Body,
) -> Result<Response, AppError> {
    let (project, _) = project_for(&app, &staff, &id, ProjectAccess::Manage).await?;
    let form = form_of(&app, &project, &xml_form_id).await?;
    let lang = ctx.lang;
    let Some(draft) = form.draft.clone() else {
        return Ok(problem(
            StatusCode::NOT_FOUND,
            "no_draft",
            i18n::text(lang, "clm-publish-no-draft"),
        ));
    };
    if check_file_name(&name).is_err() {
        return Ok(problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_name",
            i18n::text_with(lang, "clm-attachment-bad-name", &[("name", name)]),
        ));
    }
    let staged = match stage_body(&app, body).await {
        Ok(staged) => staged,
        Err((status, code, message_id)) => {
            return Ok(problem(status, code, i18n::text(lang, message_id)));
        }
    };
    match publish::attach_staged(&*app.store, &app.blobs, &draft.id, &name, staged).await {
        Ok(blob) => {
            audit_attachment(&app, &ctx, &form, &name, &blob).await?;
            let files = app.store.form_attachments(&draft.id).await?;
            Ok(Json(json!({
                "name": name,
                "size": blob.size,
                "md5": blob.md5,
                "missing_attachments": files.iter().filter(|f| f.blob.is_none()).map(|f| f.name.clone()).collect::<Vec<_>>(),
            }))
            .into_response())
        }
        Err(error) => Ok(problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_attached",
            publish_problem(lang, &error)?,
        )),
    }
}

/// Streams a request body into the blob store; the status, code and message
/// id of the problem otherwise.
async fn stage_body(
    app: &AppState,
    body: Body,
) -> Result<StagedBlob, (StatusCode, &'static str, &'static str)> {
    let internal = |_| {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "error-internal",
        )
    };
    let mut writer = app
        .blobs
        .writer(MAX_FORM_FILE_BYTES)
        .await
        .map_err(internal)?;
    let mut chunks = body.into_data_stream();
    while let Some(chunk) = chunks.next().await {
        let written = match chunk {
            Ok(chunk) => writer.write(&chunk).await,
            Err(_) => {
                writer.abort().await;
                return Err((StatusCode::BAD_REQUEST, "broken", "clm-upload-broken"));
            }
        };
        if let Err(error) = written {
            writer.abort().await;
            return Err(match error {
                BlobError::TooLarge { .. } => (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    "clm-upload-too-large",
                ),
                other => internal(other),
            });
        }
    }
    if writer.size() == 0 {
        writer.abort().await;
        return Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty",
            "clm-api-body-empty",
        ));
    }
    writer.finish().await.map_err(internal)
}

/// Central's `attachments=false` leaves the files out of the ZIP.
#[derive(Deserialize)]
#[serde(default)]
struct ZipOptions {
    attachments: bool,
}

impl Default for ZipOptions {
    fn default() -> Self {
        ZipOptions { attachments: true }
    }
}

async fn csv_zip(
    state: State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    path: Path<(String, String)>,
    Query(options): Query<ZipOptions>,
    filters: Query<Filters>,
    Query(choices): Query<Choices>,
) -> Result<Response, AppError> {
    let format = if options.attachments {
        Format::CsvZipWithMedia
    } else {
        Format::CsvZip
    };
    export(state, ctx, staff, path, filters, choices.with(format)).await
}

async fn root_csv(
    state: State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    path: Path<(String, String)>,
    filters: Query<Filters>,
    Query(choices): Query<Choices>,
) -> Result<Response, AppError> {
    export(
        state,
        ctx,
        staff,
        path,
        filters,
        choices.with(Format::RootCsv),
    )
    .await
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
            "device_id": s.device_id,
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
        "ClmPublish": { "type": "object", "description": "Optional: `{}` publishes under the draft's own version",
            "properties": { "version": { "type": "string", "description": "A new version string, written into the XForm (also as `?version=`)" } } },
        "ClmAttachment": { "type": "object", "properties": {
            "name": { "type": "string" }, "size": { "type": "integer" }, "md5": { "type": "string" },
            "missing_attachments": { "type": "array", "items": { "type": "string" } } } },
        "ClmExport": { "type": "string", "format": "binary" },
        "ClmSubmissionList": { "type": "object", "required": ["total", "submissions"], "properties": {
            "total": { "type": "integer" },
            "submissions": { "type": "array", "items": { "type": "object", "properties": {
                "id": { "type": "string" }, "instance_id": { "type": "string" }, "form_version": { "type": "string" },
                "received_at": { "type": "integer", "description": "Seconds since 1970 (UTC)" },
                "app_user": { "type": ["string", "null"] },
                "review_state": { "type": "string", "enum": ["received", "has_issues", "approved", "rejected"] },
                "device_id": { "type": ["string", "null"], "description": "The deviceID ODK Collect sent with the first version" },
                "edits": { "type": "integer" }, "encrypted": { "type": "boolean" },
                "values": { "type": "object", "additionalProperties": { "type": "string" }, "description": "By path, repeat instances indexed from 1" } } } } } }
    })
}
