//! Results of an online event exported by another survey tool (CSV or XLSX),
//! for a test, the feedback form or the follow-up: upload, map the columns
//! (the code or its answers, one column per question or item), preview every
//! problem by row and column, exclude rows, and import all the remaining rows
//! in one transaction, or nothing.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::Form;
use axum::extract::multipart::Multipart;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::handler::Handler;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use kolo_core::auth::Action;
use kolo_core::events::{EventAccess, clean_file_name};
use kolo_core::ids::new_id;
use kolo_core::lang::Lang;
use kolo_core::outcomes::{
    FormColumn, Instrument, NewResponse, ResponseSource, ResultsContext, ResultsMapping,
    ResultsProblem, ResultsRow, Sheet, StagedResults, check_mapping, check_results,
};
use kolo_core::participants::Sealed;
use kolo_core::time::Timestamp;
use vault::FieldContext;

use super::xlsx::column_name;
use super::{
    cell_problem, event_instruments, instrument_of, option_message, row_summary, seal_comment,
    sheet_column, sheet_of,
};
use crate::app::AppState;
use crate::participants::read_table;
use crate::web::upload::{Capped, read_capped};
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, Staff, i18n};

pub fn routes() -> RouteTable {
    let manage = Access::Staff(Action::ManageOutcomes);
    RouteTable::new()
        .get("/events/{id}/outcomes/{kind}/import", manage, upload_page)
        .post(
            "/events/{id}/outcomes/{kind}/import",
            manage,
            upload.layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024)),
        )
        .get(
            "/events/{id}/outcomes/{kind}/import/{file}",
            manage,
            preview,
        )
        .post(
            "/events/{id}/outcomes/{kind}/import/{file}",
            manage,
            confirm,
        )
}

const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// Staged files older than a day are deleted at the next upload.
const STAGED_FOR_SECONDS: i64 = 24 * 3600;
const TABLE: &str = "outcome_imports";

/// The event's instrument named in the URL with its sheet, if the person
/// manages the event.
async fn instrument_for(
    app: &AppState,
    staff: &Staff,
    id: &str,
    kind: &str,
) -> Result<(String, Instrument, Sheet), AppError> {
    let (event, instruments) = event_instruments(app, staff, id, EventAccess::Manage).await?;
    let instrument = instrument_of(&instruments, kind)?;
    let sheet = sheet_of(app, &event, &instrument).await?;
    Ok((event.details.title, instrument, sheet))
}

/// What a column of the file may be called, for the first guess: a test
/// question's text, or a form item's key and question in either language.
fn item_names(sheet: &Sheet) -> Vec<Vec<String>> {
    match sheet {
        Sheet::Test(questions) => questions
            .iter()
            .map(|q| vec![q.text_uk.clone(), q.text_en.clone()])
            .collect(),
        Sheet::Form(columns) => columns
            .iter()
            .map(|&column| {
                let ids: Vec<String> = match column {
                    FormColumn::Likert(item) => vec![format!("feedback-{item}")],
                    FormColumn::Recommend => vec!["feedback-recommend".into()],
                    FormColumn::Used => vec!["follow-up-used".into()],
                    FormColumn::Actions => vec!["follow-up-actions".into()],
                    FormColumn::Barriers => vec!["follow-up-barriers".into()],
                    FormColumn::Comment => {
                        vec!["feedback-comment".into(), "follow-up-comment".into()]
                    }
                };
                let mut names = vec![column.key().to_owned()];
                for lang in [Lang::Uk, Lang::En] {
                    names.extend(ids.iter().map(|id| i18n::text(lang, id)));
                }
                names
            })
            .collect(),
    }
}

/// The names of a form's options in both languages, lower case, with the
/// option each stands for: a survey tool exports what people chose as text.
fn option_names(sheet: &Sheet) -> HashMap<String, String> {
    let Sheet::Form(columns) = sheet else {
        return HashMap::new();
    };
    let mut names = HashMap::new();
    for &column in columns {
        for option in column.options() {
            for lang in [Lang::Uk, Lang::En] {
                let name = i18n::text(lang, &option_message(column, option)).to_lowercase();
                names.insert(name, (*option).to_owned());
            }
        }
    }
    names
}

#[derive(Template)]
#[template(path = "outcomes_import.html")]
struct UploadPage {
    page: Page,
    id: String,
    kind: String,
    form_name: String,
    title: String,
    intro: String,
    error: Option<String>,
}

/// What the upload page says the file must hold.
fn intro(lang: Lang, instrument: &Instrument) -> String {
    i18n::text(
        lang,
        if instrument.kind.is_test() {
            "import-results-intro"
        } else {
            "import-results-intro-form"
        },
    )
}

async fn upload_page(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path((id, kind)): Path<(String, String)>,
) -> Result<Html<String>, AppError> {
    let (title, instrument, _) = instrument_for(&app, &staff, &id, &kind).await?;
    let page = UploadPage {
        page: Page::new(&app, &ctx, "import-results-title"),
        id,
        kind: instrument.kind.as_str().to_owned(),
        form_name: i18n::text(ctx.lang, instrument.kind.message_id()),
        intro: intro(ctx.lang, &instrument),
        title,
        error: None,
    };
    Ok(Html(page.render()?))
}

async fn upload(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path((id, kind)): Path<(String, String)>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let (title, instrument, _) = instrument_for(&app, &staff, &id, &kind).await?;
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
            .delete_staged_results(None, now.minus_seconds(STAGED_FOR_SECONDS))
            .await?;
        let file_id = new_id();
        let cipher = app.vault.cipher()?;
        app.store
            .stage_results(&StagedResults {
                content: Sealed(
                    cipher.encrypt(&bytes, &FieldContext::new(TABLE, "content", &file_id)),
                ),
                id: file_id.clone(),
                instrument_id: instrument.id.clone(),
                created_by: Some(staff.user.id.clone()),
                created_at: now,
                file_name: name,
            })
            .await?;
        return Ok(
            Redirect::to(&format!("/events/{id}/outcomes/{kind}/import/{file_id}")).into_response(),
        );
    }
    let page = UploadPage {
        page: Page::new(&app, &ctx, "import-results-title"),
        id,
        kind: instrument.kind.as_str().to_owned(),
        form_name: i18n::text(ctx.lang, instrument.kind.message_id()),
        intro: intro(ctx.lang, &instrument),
        title,
        error: problem,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
}

/// The staged file of this person for this test: headers and rows.
async fn staged_table(
    app: &AppState,
    staff: &Staff,
    instrument: &Instrument,
    file_id: &str,
) -> Result<(StagedResults, Vec<String>, Vec<Vec<String>>), AppError> {
    let staged = app
        .store
        .staged_results(file_id)
        .await?
        .filter(|s| {
            s.created_by.as_ref() == Some(&staff.user.id) && s.instrument_id == instrument.id
        })
        .ok_or(AppError::NotFound)?;
    let bytes = app
        .vault
        .cipher()?
        .decrypt(
            &staged.content.0,
            &FieldContext::new(TABLE, "content", &staged.id),
        )
        .map_err(|e| AppError::Internal(format!("a staged results file does not decrypt: {e}")))?
        .to_vec();
    let table = read_table(&bytes)
        .map_err(|p| AppError::Internal(format!("a staged results file no longer reads: {p:?}")))?;
    Ok((staged, table.headers, table.rows))
}

/// The mapping as the form sends it: column numbers, empty for none.
fn mapping_from(pairs: &[(String, String)], items: usize) -> ResultsMapping {
    let column = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.trim().parse::<usize>().ok())
    };
    ResultsMapping {
        code: column("code"),
        mother: column("mother"),
        father: column("father"),
        sex: column("sex"),
        birth: column("birth"),
        items: (0..items).map(|n| column(&format!("q{n}"))).collect(),
    }
}

struct Select {
    name: String,
    label: String,
    /// `(column index, header, chosen)`.
    options: Vec<(usize, String, bool)>,
}

struct RowLine {
    line: usize,
    valid: bool,
    excluded: bool,
    code: String,
    score: String,
}

#[derive(Template)]
#[template(path = "outcomes_import_preview.html")]
struct PreviewPage {
    page: Page,
    action: String,
    file_name: String,
    selects: Vec<Select>,
    /// The mapping again, as hidden fields of the confirmation.
    hidden: Vec<(String, String)>,
    mapping_problems: Vec<String>,
    problems: Vec<String>,
    rows: Vec<RowLine>,
    /// The header of a row's summary: points of a test, answers of a form.
    summary_header: String,
    ready: bool,
    valid: usize,
}

fn describe(
    lang: Lang,
    headers: &[String],
    line: usize,
    column: Option<usize>,
    problem: &ResultsProblem,
) -> String {
    let message = match problem {
        ResultsProblem::NoCode => i18n::text(lang, "import-results-no-code"),
        ResultsProblem::QuestionUnmapped(n) => i18n::text_with(
            lang,
            "import-results-question-unmapped",
            &[("n", (n + 1).to_string())],
        ),
        ResultsProblem::NothingMapped => i18n::text(lang, "import-results-nothing-mapped"),
        ResultsProblem::Code(p) => i18n::text(lang, p.message_id()),
        ResultsProblem::UnknownAnswer(text) => i18n::text_with(
            lang,
            "import-results-unknown-answer",
            &[("answer", text.clone())],
        ),
        ResultsProblem::Paper(p) => cell_problem(lang, p),
        ResultsProblem::Duplicate(code) => {
            i18n::text_with(lang, "paper-already", &[("code", code.clone())])
        }
    };
    let column = column
        .and_then(|c| headers.get(c).map(|h| format!("{} «{h}»", column_name(c))))
        .unwrap_or_else(|| "—".into());
    i18n::text_with(
        lang,
        "import-results-problem",
        &[
            ("row", line.to_string()),
            ("column", column),
            ("problem", message),
        ],
    )
}

struct Checked {
    mapping: ResultsMapping,
    mapping_problems: Vec<ResultsProblem>,
    rows: Vec<ResultsRow>,
}

async fn check(
    app: &AppState,
    instrument: &Instrument,
    sheet: &Sheet,
    rows: &[Vec<String>],
    mapping: ResultsMapping,
) -> Result<Checked, AppError> {
    let mapping_problems = check_mapping(&mapping, sheet);
    if !mapping_problems.is_empty() {
        return Ok(Checked {
            mapping,
            mapping_problems,
            rows: Vec::new(),
        });
    }
    let scheme = crate::participants::scheme(app).await?;
    let answered: HashSet<String> = app
        .store
        .responses(&instrument.id)
        .await?
        .into_iter()
        .map(|r| r.uic.to_string())
        .collect();
    let option_names = option_names(sheet);
    let context = ResultsContext {
        scheme: &scheme,
        today: crate::events::today(),
        sheet,
        option_names: &option_names,
        answered: &answered,
    };
    let checked = check_results(&context, &mapping, rows);
    Ok(Checked {
        mapping,
        mapping_problems,
        rows: checked,
    })
}

#[allow(clippy::too_many_arguments)]
fn preview_page(
    app: &AppState,
    ctx: &RequestContext,
    action: String,
    file_name: &str,
    headers: &[String],
    sheet: &Sheet,
    checked: &Checked,
    excluded: &HashSet<usize>,
) -> Result<Html<String>, AppError> {
    let lang = ctx.lang;
    let m = &checked.mapping;
    let mut selects = Vec::new();
    let mut hidden = Vec::new();
    let mut add = |name: String, label: String, chosen: Option<usize>| {
        hidden.push((
            name.clone(),
            chosen.map(|c| c.to_string()).unwrap_or_default(),
        ));
        selects.push(Select {
            name,
            label,
            options: headers
                .iter()
                .enumerate()
                .map(|(i, h)| (i, format!("{} «{h}»", column_name(i)), chosen == Some(i)))
                .collect(),
        });
    };
    for (name, chosen) in [
        ("code", m.code),
        ("mother", m.mother),
        ("father", m.father),
        ("sex", m.sex),
        ("birth", m.birth),
    ] {
        add(
            name.to_owned(),
            i18n::text(lang, &format!("paper-column-{name}")),
            chosen,
        );
    }
    for n in 0..sheet.len() {
        let label = match sheet {
            Sheet::Test(questions) => format!("{}. {}", n + 1, questions[n].text(lang)),
            Sheet::Form(_) => sheet_column(lang, sheet, n),
        };
        add(format!("q{n}"), label, m.items.get(n).copied().flatten());
    }
    let mut problems = Vec::new();
    for row in &checked.rows {
        for (column, problem) in &row.problems {
            problems.push(describe(lang, headers, row.line, *column, problem));
        }
    }
    let rows: Vec<RowLine> = checked
        .rows
        .iter()
        .map(|r| RowLine {
            line: r.line,
            valid: r.checked.is_some(),
            excluded: excluded.contains(&r.line),
            code: r
                .checked
                .as_ref()
                .map(|(u, _)| u.to_string())
                .unwrap_or_default(),
            score: r
                .checked
                .as_ref()
                .map(|(_, s)| row_summary(lang, s))
                .unwrap_or_default(),
        })
        .collect();
    let valid = rows.iter().filter(|r| r.valid && !r.excluded).count();
    let page = PreviewPage {
        page: Page::new(app, ctx, "import-results-title"),
        action,
        file_name: file_name.to_owned(),
        selects,
        hidden,
        mapping_problems: checked
            .mapping_problems
            .iter()
            .map(|p| describe(lang, headers, 1, None, p))
            .collect(),
        problems,
        ready: checked.mapping_problems.is_empty()
            && valid > 0
            && rows.iter().all(|r| r.valid || r.excluded),
        rows,
        summary_header: i18n::text(
            lang,
            if matches!(sheet, Sheet::Test(_)) {
                "bank-points"
            } else {
                "outcomes-responses"
            },
        ),
        valid,
    };
    Ok(Html(page.render()?))
}

async fn preview(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path((id, kind, file_id)): Path<(String, String, String)>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Html<String>, AppError> {
    let (_, instrument, sheet) = instrument_for(&app, &staff, &id, &kind).await?;
    let (staged, headers, rows) = staged_table(&app, &staff, &instrument, &file_id).await?;
    let mapping = if pairs.iter().any(|(k, _)| k == "mapped") {
        mapping_from(&pairs, sheet.len())
    } else {
        ResultsMapping::guess(&headers, &item_names(&sheet))
    };
    let checked = check(&app, &instrument, &sheet, &rows, mapping).await?;
    preview_page(
        &app,
        &ctx,
        format!("/events/{id}/outcomes/{kind}/import/{file_id}"),
        &staged.file_name,
        &headers,
        &sheet,
        &checked,
        &HashSet::new(),
    )
}

async fn confirm(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path((id, kind, file_id)): Path<(String, String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (_, instrument, sheet) = instrument_for(&app, &staff, &id, &kind).await?;
    let (staged, headers, rows) = staged_table(&app, &staff, &instrument, &file_id).await?;
    let excluded: HashSet<usize> = pairs
        .iter()
        .filter(|(k, _)| k == "exclude")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let checked = check(
        &app,
        &instrument,
        &sheet,
        &rows,
        mapping_from(&pairs, sheet.len()),
    )
    .await?;
    let blocked = !checked.mapping_problems.is_empty()
        || checked
            .rows
            .iter()
            .any(|r| r.checked.is_none() && !excluded.contains(&r.line));
    let now = Timestamp::now();
    let mut responses: Vec<NewResponse> = Vec::new();
    for (uic, scored) in checked
        .rows
        .iter()
        .filter(|r| !excluded.contains(&r.line))
        .filter_map(|r| r.checked.clone())
    {
        let response_id = new_id();
        responses.push(NewResponse {
            comment: seal_comment(&app, &response_id, scored.comment.as_deref())?,
            id: response_id,
            instrument_id: instrument.id.clone(),
            uic,
            source: ResponseSource::Import,
            answers: scored.answers,
            points: scored.points,
            max_points: scored.max_points,
            recorded_by: Some(staff.user.id.clone()),
            submitted_at: now,
        });
    }
    if blocked || responses.is_empty() {
        let page = preview_page(
            &app,
            &ctx,
            format!("/events/{id}/outcomes/{kind}/import/{file_id}"),
            &staged.file_name,
            &headers,
            &sheet,
            &checked,
            &excluded,
        )?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    app.store.save_responses(&responses).await?;
    app.store
        .delete_staged_results(Some(&staged.id), now.minus_seconds(STAGED_FOR_SECONDS))
        .await?;
    app.audit(
        &ctx,
        "outcomes.import",
        &format!("event:{id}"),
        serde_json::json!({ "instrument": instrument.kind.as_str(), "responses": responses.len(), "excluded": excluded.len() }),
    )
    .await?;
    Ok(Redirect::to(&format!("/events/{id}/outcomes?notice=imported")).into_response())
}
