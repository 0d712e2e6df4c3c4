//! Form upload (XLSForm or XForm) with every diagnostic at its sheet, row and
//! column; the form page with its draft to try (the XForm to download, the
//! fields as devices will ask them), publishing under a new version string,
//! the files the form references, and its open/closing/closed switch.

use askama::Template;
use axum::extract::multipart::{Field, Multipart};
use axum::extract::{DefaultBodyLimit, Form as FormBody, Path, Query, State};
use axum::handler::Handler;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use kolo_core::auth::Action;
use kolo_core::clm::{
    BlobRef, Form, FormState, FormVersion, FormVersionId, Project, ProjectAccess, VersionState,
    check_file_name,
};
use kolo_core::lang::Lang;
use odk_data::{DataType, FieldKind, FormSchema};
use serde::Deserialize;
use xlsform::{Diagnostic, Severity};

use super::projects::{ProjectExtras, render_project};
use super::{Choice, form_href, form_language, form_of, project_for, schema_of, xlsform_lang};
use crate::app::AppState;
use crate::clm::commands::{draft_server_url, settings_payload};
use crate::clm::publish::{self, MAX_FORM_BYTES, MAX_FORM_FILE_BYTES, PublishError};
use crate::web::format::datetime;
use crate::web::upload::{Capped, read_capped};
use crate::web::url::encode_component;
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, Staff, i18n, qr};

pub fn routes() -> RouteTable {
    let manage = Access::Staff(Action::ManageClmForms);
    RouteTable::new()
        .post(
            "/clm/projects/{project}/forms",
            manage,
            upload.layer(DefaultBodyLimit::max(MAX_FORM_BYTES + 64 * 1024)),
        )
        .get(
            "/clm/projects/{project}/forms/{form}",
            Access::Staff(Action::ViewClmProjects),
            form_page,
        )
        .get(
            "/clm/projects/{project}/forms/{form}/draft.xml",
            manage,
            draft_xml,
        )
        .post(
            "/clm/projects/{project}/forms/{form}/publish",
            manage,
            publish_draft,
        )
        .post(
            "/clm/projects/{project}/forms/{form}/state",
            manage,
            set_state,
        )
        .post(
            "/clm/projects/{project}/forms/{form}/attachments",
            manage,
            // The file streams to the blob store, which enforces the size
            // limit itself; the body limit only keeps framing bounded.
            upload_attachment.layer(DefaultBodyLimit::max(
                usize::try_from(MAX_FORM_FILE_BYTES).unwrap_or(usize::MAX) + 64 * 1024,
            )),
        )
}

/// A compiler diagnostic as the page shows it.
pub(crate) struct DiagnosticRow {
    pub error: bool,
    pub severity: String,
    pub sheet: String,
    pub row: String,
    pub column: String,
    pub message: String,
}

pub(crate) fn diagnostic_rows(lang: Lang, diagnostics: &[&Diagnostic]) -> Vec<DiagnosticRow> {
    diagnostics
        .iter()
        .map(|d| {
            let location = d.location.as_ref();
            DiagnosticRow {
                error: d.severity == Severity::Error,
                severity: i18n::text(
                    lang,
                    if d.severity == Severity::Error {
                        "clm-diagnostic-error"
                    } else {
                        "clm-diagnostic-warning"
                    },
                ),
                sheet: location.map(|l| l.sheet.clone()).unwrap_or_default(),
                row: location
                    .and_then(|l| l.row)
                    .map(|r| r.to_string())
                    .unwrap_or_default(),
                column: location.and_then(|l| l.column.clone()).unwrap_or_default(),
                message: d.message(xlsform_lang(lang)),
            }
        })
        .collect()
}

/// The first file part of a multipart body, read whole up to `limit` bytes.
/// `Err` names the problem's message id.
async fn read_form_file(
    multipart: &mut Multipart,
    limit: usize,
) -> Result<(String, Vec<u8>), &'static str> {
    if let Some(mut field) = next_file(multipart).await? {
        let name = field.file_name().unwrap_or_default().to_owned();
        let bytes = match read_capped(&mut field, limit).await {
            Capped::Whole(bytes) => bytes,
            Capped::TooLarge => return Err("clm-upload-too-large"),
            Capped::Broken => return Err("clm-upload-broken"),
        };
        if bytes.is_empty() {
            return Err("clm-upload-empty");
        }
        return Ok((name, bytes));
    }
    Err("clm-upload-empty")
}

/// The upload's first part, which must be the `file` field (the pages' upload
/// forms carry nothing else; the CSRF token is in the query).
async fn next_file(multipart: &mut Multipart) -> Result<Option<Field<'_>>, &'static str> {
    match multipart.next_field().await {
        Ok(Some(field)) if field.name() == Some("file") => Ok(Some(field)),
        Ok(_) => Ok(None),
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err("clm-upload-too-large"),
        Err(_) => Err("clm-upload-broken"),
    }
}

/// Why an upload or a publication failed, as a sentence for the person.
pub(crate) fn publish_problem(lang: Lang, error: &PublishError) -> Result<String, AppError> {
    Ok(match error {
        PublishError::Form(errors, _) => i18n::text_with(
            lang,
            "clm-upload-has-errors",
            &[("count", errors.len().to_string())],
        ),
        PublishError::XForm(problem) => i18n::text_with(
            lang,
            "clm-upload-xform-bad",
            &[("detail", problem.to_string())],
        ),
        PublishError::TooLarge => i18n::text(lang, "clm-upload-too-large"),
        PublishError::VersionTaken(version) => i18n::text_with(
            lang,
            "clm-publish-version-taken",
            &[("version", version.clone())],
        ),
        PublishError::NoDraft => i18n::text(lang, "clm-publish-no-draft"),
        PublishError::UnexpectedFile(name) => {
            i18n::text_with(lang, "clm-attachment-unexpected", &[("name", name.clone())])
        }
        PublishError::BadFileName(name, _) => {
            i18n::text_with(lang, "clm-attachment-bad-name", &[("name", name.clone())])
        }
        PublishError::BadVersion(version, _) => i18n::text_with(
            lang,
            "clm-publish-version-bad",
            &[("version", version.clone())],
        ),
        PublishError::UnknownProject(_) => return Err(AppError::NotFound),
        PublishError::Blob(e) => return Err(AppError::Internal(e.to_string())),
        PublishError::Store(e) => return Err(AppError::Internal(e.to_string())),
        PublishError::Read(what, e) => return Err(AppError::Internal(format!("{what}: {e}"))),
    })
}

async fn upload(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    headers: HeaderMap,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let (project, access) = project_for(&app, &staff, &id, ProjectAccess::Manage).await?;
    let lang = ctx.lang;
    let (file_name, bytes) = match read_form_file(&mut multipart, MAX_FORM_BYTES).await {
        Ok(file) => file,
        Err(message_id) => {
            let extras = ProjectExtras {
                upload_problem: Some(i18n::text(lang, message_id)),
                ..ProjectExtras::default()
            };
            let body = render_project(&app, &ctx, &staff, project, access, extras).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(body)).into_response());
        }
    };
    let saved = publish::save_draft(
        &*app.store,
        &app.blobs,
        &project.id,
        &file_name,
        &bytes,
        Some(&staff.user.id),
    )
    .await;
    match saved {
        Ok(draft) => {
            app.audit(
                &ctx,
                "clm.form.draft",
                &format!("clm_form:{}", draft.form_id),
                serde_json::json!({
                    "project": project.id.0,
                    "form": draft.definition.xml_form_id,
                    "version": draft.definition.version,
                    "warnings": draft.warnings.len(),
                }),
            )
            .await?;
            let form = form_of(&app, &project, &draft.definition.xml_form_id).await?;
            let warnings: Vec<&Diagnostic> = draft.warnings.iter().collect();
            let view = FormView {
                warnings: diagnostic_rows(lang, &warnings),
                notice: Some(i18n::text(lang, "clm-draft-saved")),
                ..FormView::default()
            };
            let body = render_form(&app, &ctx, &headers, project, access, form, view).await?;
            Ok(Html(body).into_response())
        }
        Err(error) => {
            let upload_errors = match &error {
                PublishError::Form(errors, warnings) => {
                    let all: Vec<&Diagnostic> = errors.iter().chain(warnings).collect();
                    diagnostic_rows(lang, &all)
                }
                _ => Vec::new(),
            };
            let extras = ProjectExtras {
                upload_problem: Some(publish_problem(lang, &error)?),
                upload_errors,
                ..ProjectExtras::default()
            };
            let body = render_project(&app, &ctx, &staff, project, access, extras).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(body)).into_response())
        }
    }
}

/// One field of a form as devices will ask it.
pub(crate) struct FieldRow {
    pub depth: usize,
    pub name: String,
    pub label: String,
    pub kind: String,
    pub choices: String,
}

/// The fields of a form, in document order, without its metadata.
pub(crate) fn field_rows(schema: &FormSchema, lang: Lang) -> Vec<FieldRow> {
    let language = form_language(schema, lang);
    let language = language.as_deref();
    schema
        .walk()
        .skip(1)
        .filter(|(id, _)| !schema.field(*id).is_metadata && schema.field(*id).name != "meta")
        .map(|(id, depth)| {
            let field = schema.field(id);
            let kind = match field.kind {
                FieldKind::Group => i18n::text(lang, "clm-field-group"),
                FieldKind::Repeat => i18n::text(lang, "clm-field-repeat"),
                _ if field.is_select_multiple() => i18n::text(lang, "clm-field-select-multiple"),
                _ if !field.choices.is_empty() => i18n::text(lang, "clm-field-select-one"),
                _ => type_name(&field.data_type).to_owned(),
            };
            let default = schema.default_language.as_deref();
            let choices = field
                .choices
                .iter()
                .map(|c| {
                    c.label
                        .get(language, default)
                        .unwrap_or(&c.value)
                        .to_owned()
                })
                .collect::<Vec<_>>()
                .join(" · ");
            FieldRow {
                depth: depth.saturating_sub(1),
                name: field.name.clone(),
                label: schema.label(id, language).to_owned(),
                kind,
                choices,
            }
        })
        .collect()
}

fn type_name(data_type: &DataType) -> &str {
    match data_type {
        DataType::String => "text",
        DataType::Int => "integer",
        DataType::Decimal => "decimal",
        DataType::Date => "date",
        DataType::Time => "time",
        DataType::DateTime => "dateTime",
        DataType::Boolean => "boolean",
        DataType::Geopoint => "geopoint",
        DataType::Geotrace => "geotrace",
        DataType::Geoshape => "geoshape",
        DataType::Binary => "file",
        DataType::Barcode => "barcode",
        DataType::Rank => "rank",
        DataType::Structure => "group",
        DataType::Unknown => "note",
        DataType::Other(name) => name,
    }
}

pub(crate) struct AttachmentRow {
    pub name: String,
    pub present: bool,
    pub size: String,
}

pub(crate) struct VersionRow {
    pub version: String,
    pub title: String,
    pub state: String,
    pub published: String,
}

/// What a POST adds to the form page it renders.
#[derive(Default)]
pub(crate) struct FormView {
    pub warnings: Vec<DiagnosticRow>,
    pub notice: Option<String>,
    pub problem: Option<String>,
}

#[derive(Template)]
#[template(path = "clm_form.html")]
struct FormPage {
    page: Page,
    project: Project,
    href: String,
    xml_form_id: String,
    title: String,
    state: String,
    states: Vec<Choice>,
    manage: bool,
    data: bool,
    current: Option<FormVersion>,
    versions: Vec<VersionRow>,
    draft: Option<FormVersion>,
    draft_version_taken: bool,
    draft_fields: Vec<FieldRow>,
    draft_trial: Option<DraftTrial>,
    attachments: Vec<AttachmentRow>,
    missing: Vec<String>,
    view: FormView,
}

fn attachment_rows(files: &[kolo_core::clm::FormAttachment]) -> Vec<AttachmentRow> {
    files
        .iter()
        .map(|f| AttachmentRow {
            name: f.name.clone(),
            present: f.blob.is_some(),
            size: f
                .blob
                .as_ref()
                .map(|b: &BlobRef| format!("{:.1} KB", b.size as f64 / 1024.0))
                .unwrap_or_default(),
        })
        .collect()
}

/// The version attachments go to: the draft while there is one, else the
/// current version.
fn working_version(form: &Form) -> Option<&FormVersion> {
    form.draft.as_ref().or(form.current.as_ref())
}

pub(crate) async fn render_form(
    app: &AppState,
    ctx: &RequestContext,
    headers: &HeaderMap,
    project: Project,
    access: ProjectAccess,
    form: Form,
    view: FormView,
) -> Result<String, AppError> {
    let lang = ctx.lang;
    let manage = access == ProjectAccess::Manage;
    let versions = app.store.form_versions(&form.id).await?;
    let draft_version_taken = form.draft.as_ref().is_some_and(|d| {
        versions
            .iter()
            .any(|v| v.state != VersionState::Draft && v.version == d.version)
    });
    let draft_trial = match (&form.draft, manage) {
        (Some(draft), true) => {
            draft_trial(app, headers, lang, &project, &form.xml_form_id, draft).await?
        }
        _ => None,
    };
    let (draft_fields, attachments) = if manage {
        let fields = match &form.draft {
            Some(draft) => field_rows(schema_of(app, &draft.id).await?.as_ref(), lang),
            None => Vec::new(),
        };
        let files = match working_version(&form) {
            Some(v) => app.store.form_attachments(&v.id).await?,
            None => Vec::new(),
        };
        (fields, attachment_rows(&files))
    } else {
        (Vec::new(), Vec::new())
    };
    let missing = attachments
        .iter()
        .filter(|a| !a.present)
        .map(|a| a.name.clone())
        .collect();
    let versions = versions
        .iter()
        .filter(|v| v.state != VersionState::Draft)
        .rev()
        .map(|v| VersionRow {
            version: v.version.clone(),
            title: v.title.clone(),
            state: i18n::text(
                lang,
                match v.state {
                    VersionState::Current => "clm-version-current",
                    _ => "clm-version-previous",
                },
            ),
            published: v.published_at.map(datetime).unwrap_or_default(),
        })
        .collect();
    let page = FormPage {
        page: Page::new(app, ctx, "clm-form-title"),
        href: form_href(&project.id, &form.xml_form_id),
        project,
        title: working_version(&form)
            .map(|v| v.title.clone())
            .unwrap_or_default(),
        state: i18n::text(lang, form.state.message_id()),
        states: FormState::ALL
            .iter()
            .map(|s| {
                Choice::new(
                    s.as_str(),
                    i18n::text(lang, s.message_id()),
                    *s == form.state,
                )
            })
            .collect(),
        manage,
        data: access >= ProjectAccess::OwnSubmissions,
        current: form.current.clone(),
        versions,
        draft: form.draft.clone(),
        draft_version_taken,
        draft_fields,
        draft_trial,
        attachments,
        missing,
        view,
        xml_form_id: form.xml_form_id,
    };
    Ok(page.render()?)
}

/// What the form page offers for trying the draft on a phone before
/// publishing it: the draft's server URL for Collect, as a QR code too, and
/// what phones have sent to it so far.
pub(crate) struct DraftTrial {
    pub server_url: String,
    pub qr_svg: String,
    pub submissions: Vec<DraftSubmissionRow>,
}

pub(crate) struct DraftSubmissionRow {
    pub instance_id: String,
    pub received: String,
    pub files: String,
}

async fn draft_trial(
    app: &AppState,
    headers: &HeaderMap,
    lang: Lang,
    project: &Project,
    xml_form_id: &str,
    draft: &FormVersion,
) -> Result<Option<DraftTrial>, AppError> {
    let Some(token) = app.store.draft_token(&draft.id).await? else {
        return Ok(None);
    };
    let server_url = draft_server_url(
        &crate::clm::openrosa::origin(app, headers),
        &token,
        &project.id,
        xml_form_id,
    );
    let name = i18n::text_with(
        lang,
        "clm-draft-collect-project",
        &[("title", draft.title.clone())],
    );
    let payload = settings_payload(&server_url, &name);
    let qr_svg = qr::svg(&payload, 240, &i18n::text(lang, "clm-draft-qr-label"))
        .ok_or_else(|| AppError::Internal("the draft's settings do not fit a QR code".into()))?;
    let submissions = app
        .store
        .draft_submissions(&draft.id)
        .await?
        .into_iter()
        .map(|s| DraftSubmissionRow {
            instance_id: s.instance_id,
            received: datetime(s.received_at),
            files: format!("{}/{}", s.files_present, s.files_expected),
        })
        .collect();
    Ok(Some(DraftTrial {
        server_url,
        qr_svg,
        submissions,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Notice {
    notice: String,
}

async fn form_page(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    headers: HeaderMap,
    Path((id, xml_form_id)): Path<(String, String)>,
    Query(query): Query<Notice>,
) -> Result<Html<String>, AppError> {
    let (project, access) = project_for(&app, &staff, &id, ProjectAccess::OwnSubmissions).await?;
    let form = form_of(&app, &project, &xml_form_id).await?;
    let notice = match query.notice.as_str() {
        "published" => Some(i18n::text(ctx.lang, "clm-published")),
        "attached" => Some(i18n::text(ctx.lang, "clm-attachment-saved")),
        "state" => Some(i18n::text(ctx.lang, "clm-state-saved")),
        _ => None,
    };
    let view = FormView {
        notice,
        ..FormView::default()
    };
    Ok(Html(
        render_form(&app, &ctx, &headers, project, access, form, view).await?,
    ))
}

/// The draft's XForm, to open in a validator or try on a device by hand.
async fn draft_xml(
    State(app): State<AppState>,
    staff: Staff,
    Path((id, xml_form_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (project, _) = project_for(&app, &staff, &id, ProjectAccess::Manage).await?;
    let form = form_of(&app, &project, &xml_form_id).await?;
    let draft = form.draft.ok_or(AppError::NotFound)?;
    let xml = app
        .store
        .form_version_xml(&draft.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let disposition = format!(
        "attachment; filename=\"draft.xml\"; filename*=UTF-8''{}-draft.xml",
        encode_component(&form.xml_form_id)
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/xml; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        xml,
    )
        .into_response())
}

async fn publish_draft(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    headers: HeaderMap,
    Path((id, xml_form_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (project, access) = project_for(&app, &staff, &id, ProjectAccess::Manage).await?;
    let form = form_of(&app, &project, &xml_form_id).await?;
    match publish::publish(&*app.store, &app.blobs, &form.id).await {
        Ok(version) => {
            let files = app.store.form_attachments(&version.id).await?;
            let missing = files.iter().filter(|f| f.blob.is_none()).count();
            app.audit(
                &ctx,
                "clm.form.publish",
                &format!("clm_form:{}", form.id),
                serde_json::json!({
                    "version": version.version,
                    "files": files.len() - missing,
                    "missing": missing,
                }),
            )
            .await?;
            Ok(Redirect::to(&format!(
                "{}?notice=published",
                form_href(&project.id, &form.xml_form_id)
            ))
            .into_response())
        }
        Err(error) => {
            let view = FormView {
                problem: Some(publish_problem(ctx.lang, &error)?),
                ..FormView::default()
            };
            let body = render_form(&app, &ctx, &headers, project, access, form, view).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(body)).into_response())
        }
    }
}

#[derive(Deserialize)]
struct StateForm {
    #[serde(default)]
    state: String,
}

async fn set_state(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path((id, xml_form_id)): Path<(String, String)>,
    FormBody(body): FormBody<StateForm>,
) -> Result<Response, AppError> {
    let (project, _) = project_for(&app, &staff, &id, ProjectAccess::Manage).await?;
    let form = form_of(&app, &project, &xml_form_id).await?;
    let state = FormState::parse(&body.state).ok_or(AppError::BadRequest("clm-state-unknown"))?;
    app.store.set_form_state(&form.id, state).await?;
    app.audit(
        &ctx,
        "clm.form.state",
        &format!("clm_form:{}", form.id),
        serde_json::json!({ "state": state.as_str() }),
    )
    .await?;
    Ok(Redirect::to(&format!(
        "{}?notice=state",
        form_href(&project.id, &form.xml_form_id)
    ))
    .into_response())
}

/// Streams an uploaded file into the blob store; the message id of the problem
/// otherwise.
async fn stage_upload(
    app: &AppState,
    multipart: &mut Multipart,
) -> Result<(String, crate::clm::blobs::StagedBlob), String> {
    let Some(mut field) = next_file(multipart).await.map_err(str::to_owned)? else {
        return Err("clm-upload-empty".to_owned());
    };
    let name = field.file_name().unwrap_or_default().to_owned();
    if check_file_name(&name).is_err() {
        return Err("clm-attachment-bad-name".to_owned());
    }
    let mut writer = app
        .blobs
        .writer(MAX_FORM_FILE_BYTES)
        .await
        .map_err(|e| format!("!{e}"))?;
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                if writer.write(&chunk).await.is_err() {
                    writer.abort().await;
                    return Err("clm-upload-too-large".to_owned());
                }
            }
            Ok(None) => break,
            Err(_) => {
                writer.abort().await;
                return Err("clm-upload-broken".to_owned());
            }
        }
    }
    if writer.size() == 0 {
        writer.abort().await;
        return Err("clm-upload-empty".to_owned());
    }
    let staged = writer.finish().await.map_err(|e| format!("!{e}"))?;
    Ok((name, staged))
}

async fn upload_attachment(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    headers: HeaderMap,
    Path((id, xml_form_id)): Path<(String, String)>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let (project, access) = project_for(&app, &staff, &id, ProjectAccess::Manage).await?;
    let form = form_of(&app, &project, &xml_form_id).await?;
    let lang = ctx.lang;
    let version: Option<FormVersionId> = working_version(&form).map(|v| v.id.clone());
    let problem = match (version, stage_upload(&app, &mut multipart).await) {
        (_, Err(id)) if id.starts_with('!') => return Err(AppError::Internal(id)),
        (_, Err(id)) => i18n::text_with(lang, &id, &[("name", String::new())]),
        (None, Ok((_, staged))) => {
            app.blobs.discard(staged).await;
            i18n::text(lang, "clm-publish-no-draft")
        }
        (Some(version), Ok((name, staged))) => {
            match publish::attach_staged(&*app.store, &app.blobs, &version, &name, staged).await {
                Ok(blob) => {
                    audit_attachment(&app, &ctx, &form, &name, &blob).await?;
                    return Ok(Redirect::to(&format!(
                        "{}?notice=attached#attachments",
                        form_href(&project.id, &form.xml_form_id)
                    ))
                    .into_response());
                }
                Err(error) => publish_problem(lang, &error)?,
            }
        }
    };
    let view = FormView {
        problem: Some(problem),
        ..FormView::default()
    };
    let body = render_form(&app, &ctx, &headers, project, access, form, view).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(body)).into_response())
}

/// Records a form file's upload; the file's name is the form's, not a
/// person's, so it may be kept.
pub(crate) async fn audit_attachment(
    app: &AppState,
    ctx: &RequestContext,
    form: &Form,
    name: &str,
    blob: &BlobRef,
) -> Result<(), AppError> {
    app.audit(
        ctx,
        "clm.form.attachment",
        &format!("clm_form:{}", form.id),
        serde_json::json!({ "name": name, "bytes": blob.size }),
    )
    .await
}
