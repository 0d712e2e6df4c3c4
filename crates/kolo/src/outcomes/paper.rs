//! Typing paper tests after an event: one row per participant (their code,
//! or the answers the code is built from), one cell per question with the
//! letters circled. Every problem names its row and column; nothing is
//! stored until every row is right, then all rows in one transaction, and
//! each row's score is shown at once.

use std::collections::HashSet;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use kolo_core::StoreError;
use kolo_core::auth::Action;
use kolo_core::events::{EventAccess, parse_day};
use kolo_core::ids::new_id;
use kolo_core::outcomes::{NewResponse, PaperProblem, ResponseSource, check_paper_row};
use kolo_core::participants::{Sex, Uic, UicAnswers};
use kolo_core::time::Timestamp;
use serde::Deserialize;

use super::{event_instruments, instrument_of, questions_of};
use crate::app::AppState;
use crate::events::today;
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
    /// `(field name, value, faulty)` for the code columns then the questions.
    cells: Vec<(String, String, bool)>,
}

#[derive(Template)]
#[template(path = "outcomes_paper.html")]
struct PaperPage {
    page: Page,
    id: String,
    kind: String,
    form_name: String,
    title: String,
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
    if !instrument.kind.is_test() {
        return Err(AppError::NotFound);
    }
    let bank = app.store.questions().await?;
    let questions = questions_of(&bank, &instrument);
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
    headers.extend((1..=questions.len()).map(|n| n.to_string()));
    let columns = UIC_COLUMNS.len() + questions.len();
    let page = PaperPage {
        page: Page::new(app, ctx, "outcomes-paper"),
        id: event.id.0.clone(),
        kind: instrument.kind.as_str().to_owned(),
        form_name: i18n::text(lang, instrument.kind.message_id()),
        title: event.details.title.clone(),
        headers,
        rows: (0..rows)
            .map(|r| RowView {
                number: r + 1,
                cells: (0..columns)
                    .map(|c| {
                        let name = field(r, c);
                        let typed = value(&name);
                        (name, typed, faulty.contains(&(r, c)))
                    })
                    .collect(),
            })
            .collect(),
        row_count: rows,
        more_rows: (rows + 10).min(MAX_ROWS),
        errors,
        saved,
    };
    Ok(Html(page.render()?))
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
    if !instrument.kind.is_test() {
        return Err(AppError::NotFound);
    }
    let bank = app.store.questions().await?;
    let questions = questions_of(&bank, &instrument);
    let scheme = crate::participants::scheme(&app).await?;
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
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
    let mut seen: HashSet<String> = HashSet::new();
    let column_name = |c: usize| {
        if c < UIC_COLUMNS.len() {
            i18n::text(lang, &format!("paper-column-{}", UIC_COLUMNS[c]))
        } else {
            i18n::text_with(
                lang,
                "paper-question",
                &[("n", (c - UIC_COLUMNS.len() + 1).to_string())],
            )
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
        let cells: Vec<String> = (0..UIC_COLUMNS.len() + questions.len())
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
        let scored = match check_paper_row(&questions, &cells[UIC_COLUMNS.len()..]) {
            Ok(scored) => Some(scored),
            Err(problems) => {
                for (column, p) in problems {
                    let message = match &p {
                        PaperProblem::UnknownLetter { letter, last } => i18n::text_with(
                            lang,
                            p.message_id(),
                            &[("letter", letter.to_string()), ("last", last.to_string())],
                        ),
                        other => i18n::text(lang, other.message_id()),
                    };
                    problem(r, UIC_COLUMNS.len() + column, message);
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
        responses.push(NewResponse {
            id: new_id(),
            instrument_id: instrument.id.clone(),
            uic,
            source: ResponseSource::Paper,
            answers: scored.answers,
            points: scored.points,
            max_points: scored.max_points,
            comment: None,
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
    let saved = responses
        .iter()
        .map(|r| {
            (
                r.uic.to_string(),
                i18n::text_with(
                    lang,
                    "answer-score",
                    &[
                        ("points", r.points.unwrap_or(0).to_string()),
                        ("max", r.max_points.unwrap_or(0).to_string()),
                    ],
                ),
            )
        })
        .collect();
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
