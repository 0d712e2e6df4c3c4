//! Importing a participant list: upload (kept encrypted while it waits),
//! a preview that lists every problem by row and column, and an import that
//! starts only when every row is valid or excluded, in one transaction.

use askama::Template;
use axum::Form;
use axum::extract::multipart::Multipart;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::handler::Handler;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use kolo_core::StoreError;
use kolo_core::auth::Action;
use kolo_core::events::clean_file_name;
use kolo_core::ids::new_id;
use kolo_core::participants::import::{
    ImportColumn, ImportContext, ImportPlan, ImportProblem, plan_import,
};
use kolo_core::participants::{NewParticipant, ParticipantId, StagedImport};
use kolo_core::time::Timestamp;
use serde::Deserialize;

use super::import_file::{FileEncoding, read_table};
use super::{crypto, oblast_by_name, scheme};
use crate::app::AppState;
use crate::web::upload::{Capped, read_capped};
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, Staff, i18n};

/// The largest file accepted (a list of 5 000 people is well under 1 MB).
const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// Rows read from a workbook before giving up on it.
pub(crate) const MAX_ROWS_READ: usize = 20_000;
/// How long an upload waits for its confirmation.
const STAGED_FOR_SECONDS: i64 = 24 * 3600;

pub fn routes() -> RouteTable {
    let import = Access::Staff(Action::ImportParticipants);
    RouteTable::new()
        .get("/participants/import", import, upload_page)
        .post(
            "/participants/import",
            import,
            upload.layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024)),
        )
        .get("/participants/import/template.csv", import, template)
        .get("/participants/import/{id}", import, preview)
        .post("/participants/import/{id}", import, confirm)
}

#[derive(Template)]
#[template(path = "participants_import.html")]
struct UploadPage {
    page: Page,
    columns: Vec<&'static str>,
    error: Option<String>,
    done: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UploadQuery {
    done: Option<u32>,
}

async fn upload_page(
    State(app): State<AppState>,
    ctx: RequestContext,
    Query(query): Query<UploadQuery>,
) -> Result<Html<String>, AppError> {
    let page = UploadPage {
        page: Page::new(&app, &ctx, "import-title"),
        columns: ImportColumn::ALL.iter().map(|c| c.name()).collect(),
        error: None,
        done: query
            .done
            .map(|n| i18n::text_with(ctx.lang, "import-done", &[("count", n.to_string())])),
    };
    Ok(Html(page.render()?))
}

/// A CSV with the headers Kolo reads, in UTF-8 with a byte-order mark so that
/// Excel opens the Cyrillic correctly.
async fn template() -> Response {
    let headers: Vec<&str> = ImportColumn::ALL.iter().map(|c| c.name()).collect();
    let body = format!("\u{feff}{}\r\n", headers.join(","));
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"participants.csv\"",
            ),
        ],
        body,
    )
        .into_response()
}

async fn upload(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut too_large = false;
    while let Ok(Some(mut field)) = multipart.next_field().await {
        if field.name() != Some("file") {
            continue;
        }
        let name = clean_file_name(field.file_name().unwrap_or_default());
        match read_capped(&mut field, MAX_FILE_BYTES).await {
            Capped::Whole(bytes) => file = Some((name, bytes)),
            Capped::TooLarge => too_large = true,
            // A broken upload is treated as no file: never a truncated list.
            Capped::Broken => {}
        }
        break;
    }
    let problem = match (&file, too_large) {
        (_, true) => Some(i18n::text_with(
            ctx.lang,
            "import-file-too-large",
            &[("max", format!("{} MB", MAX_FILE_BYTES / (1024 * 1024)))],
        )),
        (None, false) => Some(i18n::text(ctx.lang, "import-file-empty")),
        (Some((_, bytes)), false) => read_table(bytes)
            .err()
            .map(|problem| i18n::text(ctx.lang, problem.message_id())),
    };
    if let (Some((name, bytes)), None) = (file, &problem) {
        let now = Timestamp::now();
        app.store
            .delete_staged_imports(None, now.minus_seconds(STAGED_FOR_SECONDS))
            .await?;
        let id = new_id();
        let staged = StagedImport {
            content: crypto::seal_import(&app.vault, &id, &bytes)?,
            id: id.clone(),
            created_by: Some(staff.user.id.clone()),
            created_at: now,
            file_name: name,
        };
        app.store.stage_import(&staged).await?;
        return Ok(Redirect::to(&format!("/participants/import/{id}")).into_response());
    }
    let page = UploadPage {
        page: Page::new(&app, &ctx, "import-title"),
        columns: ImportColumn::ALL.iter().map(|c| c.name()).collect(),
        error: problem,
        done: None,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
}

struct PreviewRow {
    line: usize,
    cells: Vec<(String, bool)>,
    problems: Vec<String>,
    warnings: Vec<String>,
    valid: bool,
    excluded: bool,
}

#[derive(Template)]
#[template(path = "participants_import_preview.html")]
struct PreviewPage {
    page: Page,
    id: String,
    file_name: String,
    encoding: String,
    cp1251: bool,
    headers: Vec<String>,
    header_problems: Vec<String>,
    rows: Vec<PreviewRow>,
    valid: usize,
    invalid: usize,
    ready: bool,
    error: Option<String>,
}

/// The staged file of this person, read and checked.
async fn load_plan(
    app: &AppState,
    staff: &Staff,
    id: &str,
) -> Result<(StagedImport, FileEncoding, ImportPlan), AppError> {
    let staged = app
        .store
        .staged_import(id)
        .await?
        .filter(|s| s.created_by.as_ref() == Some(&staff.user.id))
        .ok_or(AppError::NotFound)?;
    let bytes = crypto::open_import(&app.vault, &staged.id, &staged.content)?;
    let file = read_table(&bytes)
        .map_err(|p| AppError::Internal(format!("a staged import no longer reads: {p:?}")))?;
    let scheme = scheme(app).await?;
    let register = app.store.participant_codes().await?;
    let lookup = |name: &str| oblast_by_name(name);
    let context = ImportContext {
        scheme: &scheme,
        today: crate::events::today(),
        oblast_by_name: &lookup,
        register: &register,
    };
    let plan = plan_import(&context, &file.headers, &file.rows);
    Ok((staged, file.encoding, plan))
}

fn describe(lang: kolo_core::lang::Lang, problem: &ImportProblem) -> String {
    let message = i18n::text_with(lang, problem.message_id, &problem.args);
    if problem.column.is_empty() {
        message
    } else {
        i18n::text_with(
            lang,
            "import-in-column",
            &[("column", problem.column.clone()), ("message", message)],
        )
    }
}

fn preview_page(
    app: &AppState,
    ctx: &RequestContext,
    staged: &StagedImport,
    encoding: FileEncoding,
    plan: &ImportPlan,
    excluded: &[usize],
    error: Option<String>,
) -> PreviewPage {
    let lang = ctx.lang;
    let rows: Vec<PreviewRow> = plan
        .rows
        .iter()
        .map(|row| PreviewRow {
            line: row.line,
            cells: plan
                .headers
                .iter()
                .enumerate()
                .map(|(i, header)| {
                    let bad = row.problems.iter().any(|p| &p.column == header);
                    (row.cells.get(i).cloned().unwrap_or_default(), bad)
                })
                .collect(),
            problems: row.problems.iter().map(|p| describe(lang, p)).collect(),
            warnings: row.warnings.iter().map(|p| describe(lang, p)).collect(),
            valid: row.participant.is_some(),
            excluded: excluded.contains(&row.line),
        })
        .collect();
    PreviewPage {
        page: Page::new(app, ctx, "import-preview-title"),
        id: staged.id.clone(),
        file_name: staged.file_name.clone(),
        encoding: i18n::text(lang, encoding.message_id()),
        cp1251: encoding == FileEncoding::Windows1251,
        headers: plan.headers.clone(),
        header_problems: plan
            .header_problems
            .iter()
            .map(|p| describe(lang, p))
            .collect(),
        valid: rows.iter().filter(|r| r.valid).count(),
        invalid: rows.iter().filter(|r| !r.valid).count(),
        rows,
        ready: plan.ready(excluded),
        error,
    }
}

async fn preview(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let (staged, encoding, plan) = load_plan(&app, &staff, &id).await?;
    // Rows with problems start excluded only when the person says so.
    let page = preview_page(&app, &ctx, &staged, encoding, &plan, &[], None);
    Ok(Html(page.render()?))
}

async fn confirm(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (staged, encoding, plan) = load_plan(&app, &staff, &id).await?;
    let excluded: Vec<usize> = pairs
        .iter()
        .filter(|(k, _)| k == "exclude")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let wants_import = pairs.iter().any(|(k, v)| k == "action" && v == "import");
    if !wants_import {
        let page = preview_page(&app, &ctx, &staged, encoding, &plan, &excluded, None);
        return Ok(Html(page.render()?).into_response());
    }
    if !plan.ready(&excluded) {
        let error = Some(i18n::text(ctx.lang, "import-not-ready"));
        let page = preview_page(&app, &ctx, &staged, encoding, &plan, &excluded, error);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response());
    }
    let scheme = scheme(&app).await?.encode();
    let mut participants = Vec::new();
    for row in plan.rows.iter().filter(|r| !excluded.contains(&r.line)) {
        let Some(imported) = &row.participant else {
            continue;
        };
        let pid = ParticipantId(new_id());
        participants.push(NewParticipant {
            personal: crypto::seal(&app.vault, &pid, &imported.personal)?,
            id: pid,
            uic: imported.uic.clone(),
            uic_scheme: scheme.clone(),
            profile: imported.profile.clone(),
            consents: imported.consents,
        });
    }
    let now = Timestamp::now();
    match app
        .store
        .create_participants(&participants, &[], Some(&staff.user.id), now)
        .await
    {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            let error = Some(i18n::text(ctx.lang, "import-conflict"));
            let page = preview_page(&app, &ctx, &staged, encoding, &plan, &excluded, error);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response());
        }
        Err(error) => return Err(error.into()),
    }
    app.store
        .delete_staged_imports(Some(&staged.id), now.minus_seconds(STAGED_FOR_SECONDS))
        .await?;
    app.audit(
        &ctx,
        "participant.import",
        &format!("import:{}", staged.id),
        serde_json::json!({ "imported": participants.len(), "excluded": excluded.len() }),
    )
    .await?;
    Ok(Redirect::to(&format!("/participants/import?done={}", participants.len())).into_response())
}
