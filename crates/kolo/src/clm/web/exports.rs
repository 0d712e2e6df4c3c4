//! Exports of a form's submissions in ODK Central's shape: a ZIP of CSVs (the
//! main table and one per repeat), the same with the attachments under
//! `media/` and the client audit logs merged (`export_audits`), and an XLSX
//! workbook with one sheet per table.
//!
//! The export runs on a blocking thread and writes into the response body as
//! it goes: submissions are read a page at a time, repeat tables wait in
//! unnamed temporary files, so memory stays flat whatever the number of
//! submissions. Every export is audited before its first byte is sent.
//!
//! As in ODK Central, the columns are the current version's fields; with
//! `deleted_fields=true` (Central's `deletedFields`) they are the union of
//! every published version's, so answers to questions removed since are
//! exported too.

use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use kolo_core::auth::Action;
use kolo_core::clm::{
    AppUserId, Form, ProjectAccess, ReviewState, SubmissionFilter, SubmissionSummary,
    SubmissionVersionId, VersionState, is_client_audit,
};
use odk_data::export::{
    CsvExport, CsvZipExport, ExportError, ExportLayout, ExportOptions, ExportRow,
    ReviewState as ExportReview, RowStatus, XlsxExport,
};
use odk_data::{FormSchema, Submission};
use serde::Deserialize;
use tokio::io::AsyncReadExt;
use tokio::sync::mpsc;

use super::export_audits::AuditSpool;
use super::submissions::{Filters, app_user_names};
use super::{form_of, project_for, schema_of};
use crate::app::AppState;
use crate::web::url::encode_component;
use crate::web::{Access, AppError, RequestContext, RouteTable, Staff};

/// Submissions read from the store per query while exporting.
const BATCH: u32 = 500;

pub fn routes() -> RouteTable {
    let export = Access::Staff(Action::ExportClmSubmissions);
    RouteTable::new()
        .get(
            "/clm/projects/{project}/forms/{form}/export/csv.zip",
            export,
            csv_zip,
        )
        .get(
            "/clm/projects/{project}/forms/{form}/export/attachments.zip",
            export,
            with_attachments,
        )
        .get(
            "/clm/projects/{project}/forms/{form}/export/workbook.xlsx",
            export,
            xlsx,
        )
}

/// The export's options beyond the filters, from the same query string.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Choices {
    /// `true` (or a ticked box's `on`): the columns of every published version.
    /// The API also takes Central's spelling, `deletedFields`.
    #[serde(alias = "deletedFields")]
    deleted_fields: String,
}

impl Choices {
    pub(crate) fn with(self, format: Format) -> Request {
        Request {
            format,
            deleted_fields: matches!(self.deleted_fields.as_str(), "true" | "on" | "1"),
        }
    }
}

/// What kind of export, and how its columns are chosen.
#[derive(Clone, Copy)]
pub(crate) struct Request {
    format: Format,
    deleted_fields: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    CsvZip,
    CsvZipWithMedia,
    Xlsx,
    /// The main table alone, as one CSV (Central's `submissions.csv`).
    RootCsv,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::CsvZip => "csv_zip",
            Format::CsvZipWithMedia => "csv_zip_with_attachments",
            Format::Xlsx => "xlsx",
            Format::RootCsv => "csv",
        }
    }
}

async fn csv_zip(
    state: State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    path: Path<(String, String)>,
    query: Query<Filters>,
    Query(choices): Query<Choices>,
) -> Result<Response, AppError> {
    export(state, ctx, staff, path, query, choices.with(Format::CsvZip)).await
}

async fn with_attachments(
    state: State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    path: Path<(String, String)>,
    query: Query<Filters>,
    Query(choices): Query<Choices>,
) -> Result<Response, AppError> {
    export(
        state,
        ctx,
        staff,
        path,
        query,
        choices.with(Format::CsvZipWithMedia),
    )
    .await
}

async fn xlsx(
    state: State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    path: Path<(String, String)>,
    query: Query<Filters>,
    Query(choices): Query<Choices>,
) -> Result<Response, AppError> {
    export(state, ctx, staff, path, query, choices.with(Format::Xlsx)).await
}

pub(crate) async fn export(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path((id, xml_form_id)): Path<(String, String)>,
    Query(filters): Query<Filters>,
    request: Request,
) -> Result<Response, AppError> {
    let format = request.format;
    let (project, _) = project_for(&app, &staff, &id, ProjectAccess::Data).await?;
    let form = form_of(&app, &project, &xml_form_id).await?;
    let schema = export_schema(&app, &form, request.deleted_fields).await?;
    let mut filter = filters.to_filter(&form, None);
    // Exports page by date, whatever order the table shows.
    filter.sort = None;
    filter.oldest_first = true;
    filter.offset = 0;
    filter.limit = BATCH;
    let count = app.store.count_submissions(&filter).await?;
    app.audit(
        &ctx,
        "clm.export",
        &format!("clm_form:{}", form.id),
        serde_json::json!({
            "format": format.name(),
            "deleted_fields": request.deleted_fields,
            "submissions": count,
            "filtered": filters.from.len() + filters.until.len() + filters.app_user.len()
                + filters.state.len() > 0,
        }),
    )
    .await?;

    let stem = odk_data::export::sanitize_filename(&form.xml_form_id);
    let (content_type, file_name) = match format {
        Format::CsvZip | Format::CsvZipWithMedia => ("application/zip", format!("{stem}.zip")),
        Format::Xlsx => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            format!("{stem}.xlsx"),
        ),
        Format::RootCsv => ("text/csv; charset=utf-8", format!("{stem}.csv")),
    };
    let (sender, receiver) = mpsc::channel::<io::Result<Bytes>>(4);
    let runtime = tokio::runtime::Handle::current();
    let job = ExportJob {
        app: app.clone(),
        schema,
        xml_form_id: form.xml_form_id.clone(),
        filter,
        format,
        runtime,
        names: app_user_names(&app.store.app_users(&project.id).await?),
    };
    tokio::task::spawn_blocking(move || {
        let mut out = ChannelWriter::new(sender.clone());
        let result = job
            .run(&mut out)
            .and_then(|()| out.flush().map_err(Into::into));
        if let Err(error) = result {
            // The client may have gone; if not, the broken body tells it the
            // file is incomplete.
            tracing::warn!(%error, "an export stopped");
            let _ = sender.blocking_send(Err(io::Error::other("the export stopped")));
        }
    });
    let body = Body::from_stream(futures_util::stream::unfold(
        receiver,
        |mut receiver| async move { receiver.recv().await.map(|chunk| (chunk, receiver)) },
    ));
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let disposition = format!(
        "attachment; filename=\"export\"; filename*=UTF-8''{}",
        encode_component(&file_name)
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

/// The schema whose fields are the export's columns: the current version's,
/// or with `deleted_fields` every published version's (newest definitions
/// first).
async fn export_schema(
    app: &AppState,
    form: &Form,
    deleted_fields: bool,
) -> Result<Arc<FormSchema>, AppError> {
    let current = form.current.as_ref().ok_or(AppError::NotFound)?;
    let schema = schema_of(app, &current.id).await?;
    if !deleted_fields {
        return Ok(schema);
    }
    let mut older = Vec::new();
    // Oldest first from the store: newest first for the union.
    for version in app.store.form_versions(&form.id).await?.iter().rev() {
        if version.state == VersionState::Previous {
            older.push(schema_of(app, &version.id).await?);
        }
    }
    Ok(Arc::new(
        schema.with_fields_of(older.iter().map(|s| s.as_ref())),
    ))
}

/// Everything an export needs on its blocking thread.
struct ExportJob {
    app: AppState,
    schema: Arc<FormSchema>,
    xml_form_id: String,
    filter: SubmissionFilter,
    format: Format,
    runtime: tokio::runtime::Handle,
    /// App users' names, for `SubmitterName`.
    names: HashMap<AppUserId, String>,
}

#[derive(Debug, thiserror::Error)]
enum JobError {
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error(transparent)]
    Io(#[from] io::Error),
    #[error(transparent)]
    Store(#[from] kolo_core::StoreError),
}

fn review_of(summary: &SubmissionSummary) -> ExportReview {
    match summary.review_state {
        ReviewState::Received if summary.edits > 0 => ExportReview::Edited,
        ReviewState::Received => ExportReview::Received,
        ReviewState::HasIssues => ExportReview::HasIssues,
        ReviewState::Approved => ExportReview::Approved,
        ReviewState::Rejected => ExportReview::Rejected,
    }
}

/// Receives one row at a time.
trait Sink {
    fn push(&mut self, row: &ExportRow<'_>) -> Result<(), ExportError>;
}

impl<W: Write> Sink for CsvZipExport<W> {
    fn push(&mut self, row: &ExportRow<'_>) -> Result<(), ExportError> {
        CsvZipExport::push(self, row)
    }
}

impl<W: Write> Sink for CsvExport<W> {
    fn push(&mut self, row: &ExportRow<'_>) -> Result<(), ExportError> {
        CsvExport::push(self, row)
    }
}

impl<W: Write> Sink for XlsxExport<W> {
    fn push(&mut self, row: &ExportRow<'_>) -> Result<(), ExportError> {
        XlsxExport::push(self, row)
    }
}

impl ExportJob {
    fn run(&self, out: &mut ChannelWriter) -> Result<(), JobError> {
        let layout = ExportLayout::new(&self.schema, &self.xml_form_id, &ExportOptions::default());
        let mut spools = || tempfile::tempfile();
        match self.format {
            Format::Xlsx => {
                let mut export = XlsxExport::new(&mut *out, layout, &mut spools)?;
                self.rows(&mut export)?;
                export.finish()?;
            }
            Format::CsvZip => {
                let mut export = CsvZipExport::new(&mut *out, layout, &mut spools)?;
                self.rows(&mut export)?;
                export.finish()?;
            }
            Format::RootCsv => {
                let mut export = CsvExport::new(&mut *out, layout)?;
                self.rows(&mut export)?;
                export.finish()?;
            }
            Format::CsvZipWithMedia => {
                let mut export = CsvZipExport::new(&mut *out, layout, &mut spools)?;
                self.rows(&mut export)?;
                let mut media = export.finish_tables()?;
                let mut audits = AuditSpool::default();
                self.each_batch(|job, batch| {
                    for summary in batch.iter().filter(|s| s.files_present > 0) {
                        let files = job.runtime.block_on(
                            job.app
                                .store
                                .submission_attachments(&summary.current_version_id),
                        )?;
                        for file in files {
                            let Some(blob) = file.blob else { continue };
                            let mut content =
                                std::fs::File::open(job.app.blobs.path_of(&blob.sha256))?;
                            // Client audit logs are attachments, but not media: they are
                            // merged into one file (as in Central).
                            if is_client_audit(&file.name) {
                                audits.append(&job.key_of(summary)?, &summary.id, content)?;
                            } else {
                                media.add(&file.name, &mut content)?;
                            }
                        }
                    }
                    Ok(())
                })?;
                audits.finish_into(&mut media, &self.xml_form_id)?;
                media.finish()?;
            }
        }
        Ok(())
    }

    /// Calls `each` with every page of submissions, oldest first. Pages follow
    /// one another by key (received time, id), not by offset, so the last page
    /// costs the database what the first did.
    fn each_batch(
        &self,
        mut each: impl FnMut(&ExportJob, &[SubmissionSummary]) -> Result<(), JobError>,
    ) -> Result<(), JobError> {
        let mut filter = self.filter.clone();
        filter.offset = 0;
        loop {
            let batch = self.runtime.block_on(self.app.store.submissions(&filter))?;
            let Some(last) = batch.last() else {
                return Ok(());
            };
            filter.after = Some((last.created_at, last.id.clone()));
            each(self, &batch)?;
        }
    }

    /// The submission's KEY: the instanceID it was first received with.
    fn key_of(&self, summary: &SubmissionSummary) -> Result<String, JobError> {
        if summary.edits == 0 {
            return Ok(summary.instance_id.clone());
        }
        Ok(self
            .runtime
            .block_on(self.app.store.submission(&summary.id))?
            .and_then(|d| d.versions.first().map(|v| v.instance_id.clone()))
            .unwrap_or_else(|| summary.instance_id.clone()))
    }

    fn rows(&self, sink: &mut dyn Sink) -> Result<(), JobError> {
        self.each_batch(|job, batch| {
            // One query for the page's XML rather than one per submission.
            let wanted: Vec<SubmissionVersionId> = batch
                .iter()
                .filter(|s| !s.encrypted)
                .map(|s| s.current_version_id.clone())
                .collect();
            let mut xmls: HashMap<SubmissionVersionId, Vec<u8>> = job
                .runtime
                .block_on(job.app.store.submission_xmls(&wanted))?
                .into_iter()
                .collect();
            for summary in batch {
                let xml = xmls.remove(&summary.current_version_id);
                let text = xml.as_deref().map(String::from_utf8_lossy);
                let parsed = text
                    .as_deref()
                    .and_then(|t| Submission::parse(&job.schema, t).ok());
                let key = job.key_of(summary)?;
                let submitter_id = summary.app_user_id.as_ref().map(|a| a.0.as_str());
                let submitter_name = summary
                    .app_user_id
                    .as_ref()
                    .and_then(|a| job.names.get(a))
                    .map(String::as_str);
                let row = ExportRow {
                    submission: parsed.as_ref(),
                    submission_date_ms: summary.created_at.seconds().saturating_mul(1000),
                    key: &key,
                    submitter_id,
                    submitter_name,
                    attachments_present: summary.files_present,
                    attachments_expected: summary.files_expected,
                    status: summary.encrypted.then_some(RowStatus::NotDecrypted),
                    review_state: review_of(summary),
                    device_id: summary.device_id.as_deref(),
                    edits: summary.edits,
                    form_version: Some(summary.form_version.as_str()),
                };
                sink.push(&row)?;
            }
            Ok(())
        })
    }
}

/// Hands what an export writes to the response body in 64 KiB chunks; a
/// client that went away stops the export with a broken pipe.
struct ChannelWriter {
    sender: mpsc::Sender<io::Result<Bytes>>,
    buffer: Vec<u8>,
}

const CHUNK: usize = 64 * 1024;

impl ChannelWriter {
    fn new(sender: mpsc::Sender<io::Result<Bytes>>) -> ChannelWriter {
        ChannelWriter {
            sender,
            buffer: Vec::with_capacity(CHUNK),
        }
    }

    fn send(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK),
        ));
        self.sender
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

/// A stored file as a response body, read in 64 KiB chunks.
pub(crate) fn file_body(file: tokio::fs::File) -> Body {
    let chunks = futures_util::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let mut buffer = vec![0u8; CHUNK];
        match file.read(&mut buffer).await {
            Ok(0) => None,
            Ok(n) => {
                buffer.truncate(n);
                Some((Ok::<_, io::Error>(Bytes::from(buffer)), Some(file)))
            }
            Err(e) => Some((Err(e), None)),
        }
    });
    Body::from_stream(chunks)
}
