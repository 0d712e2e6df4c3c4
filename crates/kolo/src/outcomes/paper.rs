//! Typing paper forms after an event: one row per participant (their code,
//! or the answers the code is built from), then one cell per question of a
//! test (the letters circled), or per item of the feedback form or the
//! follow-up (a digit for a rating, letters for choices, the comment's text).
//! Every problem names its row and column; nothing is stored until every row
//! is right, then all rows in one transaction, and each row's score (or
//! number of answers) is shown at once.

use std::collections::HashSet;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use kolo_core::StoreError;
use kolo_core::auth::Action;
use kolo_core::events::{EventAccess, parse_day};
use kolo_core::ids::new_id;
use kolo_core::lang::Lang;
use kolo_core::outcomes::{FormColumn, NewResponse, ResponseSource, Sheet, option_letter};
use kolo_core::participants::{Sex, Uic, UicAnswers};
use kolo_core::time::Timestamp;
use serde::Deserialize;

use super::{
    cell_problem, event_instruments, instrument_of, option_message, row_summary, seal_comment,
    sheet_column, sheet_of,
};
use crate::app::AppState;
use crate::events::today;
use crate::web::forms::trimmed_field;
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, Staff, i18n};

pub fn routes() -> RouteTable {
    let manage = Access::Staff(Action::ManageOutcomes);
    RouteTable::new()
        .get("/events/{id}/outcomes/{kind}/paper", manage, paper)
        .post("/events/{id}/outcomes/{kind}/paper", manage, save)
}

const DEFAULT_ROWS: usize = 10;
const MAX_ROWS: usize = 60;
/// The code questions' columns, before the questions.
const UIC_COLUMNS: [&str; 5] = ["code", "mother", "father", "sex", "birth"];

struct RowView {
    number: usize,
    /// The code columns, then the questions or items.
    cells: Vec<CellView>,
}

struct CellView {
    name: String,
    value: String,
    faulty: bool,
    /// What a screen reader says: the row and the column.
    label: String,
    /// A comment's cell, wide enough to read what is typed.
    wide: bool,
    /// Where typing starts: the first cell, or the first faulty one, so the
    /// trainer never needs the mouse.
    focus: bool,
}

#[derive(Template)]
#[template(path = "outcomes_paper.html")]
struct PaperPage {
    page: Page,
    id: String,
    kind: String,
    form_name: String,
    title: String,
    hint: String,
    /// For choices: the column and its options with their letters.
    legend: Vec<(String, Vec<String>)>,
    headers: Vec<String>,
    rows: Vec<RowView>,
    row_count: usize,
    more_rows: usize,
    errors: Vec<String>,
    saved: Vec<(String, String)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RowsQuery {
    rows: String,
}

fn row_count(text: &str) -> usize {
    text.parse::<usize>()
        .ok()
        .filter(|n| (1..=MAX_ROWS).contains(n))
        .unwrap_or(DEFAULT_ROWS)
}

async fn paper(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path((id, kind)): Path<(String, String)>,
    Query(query): Query<RowsQuery>,
) -> Result<Html<String>, AppError> {
    render(
        &app,
        &ctx,
        &staff,
        &id,
        &kind,
        row_count(&query.rows),
        &[],
        Vec::new(),
        Vec::new(),
        HashSet::new(),
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn render(
    app: &AppState,
    ctx: &RequestContext,
    staff: &Staff,
    id: &str,
    kind: &str,
    rows: usize,
    typed: &[(String, String)],
    errors: Vec<String>,
    saved: Vec<(String, String)>,
    faulty: HashSet<(usize, usize)>,
) -> Result<Html<String>, AppError> {
    let lang = ctx.lang;
    let (event, instruments) = event_instruments(app, staff, id, EventAccess::Manage).await?;
    let instrument = instrument_of(&instruments, kind)?;
    let sheet = sheet_of(app, &event, &instrument).await?;
    let value = |name: &str| {
        typed
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut headers: Vec<String> = UIC_COLUMNS
        .iter()
        .map(|c| i18n::text(lang, &format!("paper-column-{c}")))
        .collect();
    headers.extend((0..sheet.len()).map(|n| match &sheet {
        Sheet::Test(_) => (n + 1).to_string(),
        Sheet::Form(_) => sheet_column(lang, &sheet, n),
    }));
    let wide = |c: usize| {
        matches!(&sheet, Sheet::Form(columns)
            if c >= UIC_COLUMNS.len()
                && columns.get(c - UIC_COLUMNS.len()) == Some(&FormColumn::Comment))
    };
    let columns = UIC_COLUMNS.len() + sheet.len();
    let focus = faulty.iter().min().copied().unwrap_or((0, 0));
    let row_views: Vec<RowView> = (0..rows)
        .map(|r| RowView {
            number: r + 1,
            cells: (0..columns)
                .map(|c| {
                    let name = field(r, c);
                    CellView {
                        value: value(&name),
                        name,
                        faulty: faulty.contains(&(r, c)),
                        label: format!("{}, {}", r + 1, headers[c]),
                        wide: wide(c),
                        focus: (r, c) == focus,
                    }
                })
                .collect(),
        })
        .collect();
    let page = PaperPage {
        page: Page::new(app, ctx, "outcomes-paper"),
        id: event.id.0.clone(),
        kind: instrument.kind.as_str().to_owned(),
        form_name: i18n::text(lang, instrument.kind.message_id()),
        title: event.details.title.clone(),
        hint: if instrument.kind.is_test() {
            i18n::text(lang, "outcomes-paper-hint")
        } else {
            i18n::text(
                lang,
                &format!("outcomes-paper-hint-{}", instrument.kind.as_str()),
            )
        },
        legend: legend(lang, &sheet),
        headers,
        rows: row_views,
        row_count: rows,
        more_rows: (rows + 10).min(MAX_ROWS),
        errors,
        saved,
    };
    Ok(Html(page.render()?))
}

/// The letters of a form's choices as printed on the paper form, so the
/// trainer types them without the form at hand.
fn legend(lang: Lang, sheet: &Sheet) -> Vec<(String, Vec<String>)> {
    let Sheet::Form(columns) = sheet else {
        return Vec::new();
    };
    columns
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.options().is_empty())
        .map(|(n, &column)| {
            let options = column
                .options()
                .iter()
                .enumerate()
                .map(|(i, option)| {
                    format!(
                        "{}) {}",
                        option_letter(i),
                        i18n::text(lang, &option_message(column, option))
                    )
                })
                .collect();
            (sheet_column(lang, sheet, n), options)
        })
        .collect()
}

/// A cell's field name: `c{row}_{column}`.
fn field(row: usize, column: usize) -> String {
    format!("c{row}_{column}")
}

async fn save(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path((id, kind)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Html<String>, AppError> {
    let lang = ctx.lang;
    let (event, instruments) = event_instruments(&app, &staff, &id, EventAccess::Manage).await?;
    let instrument = instrument_of(&instruments, &kind)?;
    let sheet = sheet_of(&app, &event, &instrument).await?;
    let scheme = crate::participants::scheme(&app).await?;
    let value = |name: &str| trimmed_field(&pairs, name);
    let rows = row_count(&value("rows"));
    let answered: HashSet<String> = app
        .store
        .responses(&instrument.id)
        .await?
        .into_iter()
        .map(|r| r.uic.to_string())
        .collect();
    let mut errors = Vec::new();
    let mut faulty = HashSet::new();
    let mut responses = Vec::new();
    let mut saved = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let column_name = |c: usize| {
        if c < UIC_COLUMNS.len() {
            i18n::text(lang, &format!("paper-column-{}", UIC_COLUMNS[c]))
        } else {
            sheet_column(lang, &sheet, c - UIC_COLUMNS.len())
        }
    };
    let mut problem = |row: usize, column: usize, message: String| {
        faulty.insert((row, column));
        errors.push(i18n::text_with(
            lang,
            "paper-problem",
            &[
                ("row", (row + 1).to_string()),
                ("column", column_name(column)),
                ("problem", message),
            ],
        ));
    };
    for r in 0..rows {
        let cells: Vec<String> = (0..UIC_COLUMNS.len() + sheet.len())
            .map(|c| value(&field(r, c)))
            .collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        // The code: typed as a code, or built from the answers.
        let uic = if !cells[0].is_empty() {
            match scheme.check_shape(&cells[0]) {
                Ok(uic) => Some(uic),
                Err(p) => {
                    problem(r, 0, i18n::text(lang, p.message_id()));
                    None
                }
            }
        } else {
            let birth = parse_day(&cells[4]);
            let answers = UicAnswers {
                mother_name: (cells[1] != "-").then(|| cells[1].clone()),
                father_name: (cells[2] != "-").then(|| cells[2].clone()),
                sex: Sex::parse(&cells[3]),
                birth_date: birth,
            };
            match scheme.compute(&answers, today()) {
                Ok(uic) => Some(uic),
                Err(problems) => {
                    for (field, p) in problems {
                        let column = match field {
                            "mother_name" => 1,
                            "father_name" => 2,
                            "sex" => 3,
                            _ => 4,
                        };
                        problem(r, column, i18n::text(lang, p.message_id()));
                    }
                    None
                }
            }
        };
        let scored = match sheet.check_row(&cells[UIC_COLUMNS.len()..]) {
            Ok(scored) => Some(scored),
            Err(problems) => {
                for (column, p) in problems {
                    problem(r, UIC_COLUMNS.len() + column, cell_problem(lang, &p));
                }
                None
            }
        };
        let (Some(uic), Some(scored)) = (uic, scored) else {
            continue;
        };
        let code: &Uic = &uic;
        if answered.contains(code.as_str()) || !seen.insert(code.to_string()) {
            problem(
                r,
                0,
                i18n::text_with(lang, "paper-already", &[("code", code.to_string())]),
            );
            continue;
        }
        let response_id = new_id();
        saved.push((uic.to_string(), row_summary(lang, &scored)));
        responses.push(NewResponse {
            comment: seal_comment(&app, &response_id, scored.comment.as_deref())?,
            id: response_id,
            instrument_id: instrument.id.clone(),
            uic,
            source: ResponseSource::Paper,
            answers: scored.answers,
            points: scored.points,
            max_points: scored.max_points,
            recorded_by: Some(staff.user.id.clone()),
            submitted_at: Timestamp::now(),
        });
    }
    if !errors.is_empty() || responses.is_empty() {
        if errors.is_empty() {
            errors.push(i18n::text(lang, "paper-nothing"));
        }
        return render(
            &app,
            &ctx,
            &staff,
            &id,
            &kind,
            rows,
            &pairs,
            errors,
            Vec::new(),
            faulty,
        )
        .await;
    }
    match app.store.save_responses(&responses).await {
        Ok(()) => {}
        // Someone answered online meanwhile: say so, store nothing.
        Err(StoreError::Conflict(_)) => {
            let errors = vec![i18n::text(lang, "paper-conflict")];
            return render(
                &app,
                &ctx,
                &staff,
                &id,
                &kind,
                rows,
                &pairs,
                errors,
                Vec::new(),
                faulty,
            )
            .await;
        }
        Err(other) => return Err(other.into()),
    }
    app.audit(
        &ctx,
        "outcomes.paper",
        &format!("event:{}", event.id),
        serde_json::json!({ "instrument": instrument.kind.as_str(), "responses": responses.len() }),
    )
    .await?;
    render(
        &app,
        &ctx,
        &staff,
        &id,
        &kind,
        DEFAULT_ROWS,
        &[],
        Vec::new(),
        saved,
        HashSet::new(),
    )
    .await
}
