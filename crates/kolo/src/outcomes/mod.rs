//! Learning outcomes on pages: an event's tests and forms with their codes
//! (set up from a template, opened and closed, shown on a projector, printed),
//! the public pages where participants answer without an account, the event's
//! results, the question bank and the evidence across events.

mod bank;
mod charts;
pub mod evidence;
mod import;
mod paper;
mod public;
mod results;
mod setup;
mod templates;
mod xlsx;

use axum::http::{HeaderMap, header};
use kolo_core::events::{Event, EventAccess, EventFormat};
use kolo_core::ids::fill_random;
use kolo_core::lang::Lang;
use kolo_core::outcomes::{
    FormColumn, Instrument, InstrumentKind, PaperProblem, Question, Scored, Sheet,
};
use kolo_core::participants::Sealed;
use vault::FieldContext;

use crate::app::AppState;
use crate::events::event_for;
use crate::web::{AppError, RequestContext, RouteTable, Staff, i18n};

pub fn routes() -> RouteTable {
    setup::routes()
        .merge(public::routes())
        .merge(paper::routes())
        .merge(import::routes())
        .merge(results::routes())
        .merge(bank::routes())
        .merge(evidence::routes())
}

/// The public path where participants type a code.
pub const ANSWER_PATH: &str = "/t";

/// The event and its instruments, if the person's access is at least `needed`.
pub(crate) async fn event_instruments(
    app: &AppState,
    staff: &Staff,
    id: &str,
    needed: EventAccess,
) -> Result<(Event, Vec<Instrument>), AppError> {
    let (event, _) = event_for(app, staff, id, needed).await?;
    let instruments = app.store.instruments(&event.id).await?;
    Ok((event, instruments))
}

/// One instrument of an event by its kind in the URL, or 404.
pub(crate) fn instrument_of(
    instruments: &[Instrument],
    kind: &str,
) -> Result<Instrument, AppError> {
    let kind = InstrumentKind::parse(kind).ok_or(AppError::NotFound)?;
    instruments
        .iter()
        .find(|i| i.kind == kind)
        .cloned()
        .ok_or(AppError::NotFound)
}

/// The instrument's questions in its order (questions missing from the bank
/// are skipped: the bank never deletes, so this does not happen in practice).
pub(crate) fn questions_of(bank: &[Question], instrument: &Instrument) -> Vec<Question> {
    instrument
        .question_ids
        .iter()
        .filter_map(|id| bank.iter().find(|q| &q.id == id).cloned())
        .collect()
}

/// The instrument as a row of cells for paper entry and imports: a test's
/// questions in its order, or a form's items (no venue at online events).
pub(crate) async fn sheet_of(
    app: &AppState,
    event: &Event,
    instrument: &Instrument,
) -> Result<Sheet, AppError> {
    let questions = if instrument.kind.is_test() {
        questions_of(&app.store.questions().await?, instrument)
    } else {
        Vec::new()
    };
    Ok(Sheet::of(
        instrument.kind,
        questions,
        event.details.format != EventFormat::Online,
    ))
}

/// A cell of a sheet as messages name it: "question 3", "Trainer".
pub(crate) fn sheet_column(lang: Lang, sheet: &Sheet, n: usize) -> String {
    match sheet {
        Sheet::Test(_) => i18n::text_with(lang, "paper-question", &[("n", (n + 1).to_string())]),
        Sheet::Form(columns) => columns.get(n).map_or_else(String::new, |c| {
            i18n::text(lang, &format!("paper-form-column-{}", c.key()))
        }),
    }
}

/// The message id of an option of a form's choice, as its pages and paper
/// form print it: `follow-up-yes`, `follow-up-action-shared`, ...
pub(crate) fn option_message(column: FormColumn, option: &str) -> String {
    match column {
        FormColumn::Actions => format!("follow-up-action-{option}"),
        FormColumn::Barriers => format!("follow-up-barrier-{option}"),
        _ => format!("follow-up-{option}"),
    }
}

/// What is wrong with a typed or imported cell, in the person's language.
pub(crate) fn cell_problem(lang: Lang, problem: &PaperProblem) -> String {
    i18n::text_with(lang, problem.message_id(), &problem.message_args())
}

/// What a checked row holds, as the trainer sees it before or after saving:
/// a test's score, or how many items of a form were answered.
pub(crate) fn row_summary(lang: Lang, scored: &Scored) -> String {
    match scored.points.zip(scored.max_points) {
        Some((points, max)) => i18n::text_with(
            lang,
            "answer-score",
            &[("points", points.to_string()), ("max", max.to_string())],
        ),
        None => i18n::text_with(
            lang,
            "paper-form-answers",
            &[
                ("count", scored.answers.len().to_string()),
                (
                    "comment",
                    i18n::text(
                        lang,
                        if scored.comment.is_some() {
                            "paper-form-with-comment"
                        } else {
                            "paper-form-no-comment"
                        },
                    ),
                ),
            ],
        ),
    }
}

/// A response's free text, encrypted and bound to the response's id: it may
/// say who the person is.
pub(crate) fn seal_comment(
    app: &AppState,
    response_id: &str,
    comment: Option<&str>,
) -> Result<Option<Sealed>, AppError> {
    let Some(text) = comment else {
        return Ok(None);
    };
    let cipher = app.vault.cipher().map_err(|_| AppError::Locked)?;
    Ok(Some(Sealed(cipher.encrypt_str(
        text,
        &FieldContext::new("outcome_responses", "comment", response_id),
    ))))
}

/// The address people type, as the browser reached Kolo: `https://host/t`.
pub(crate) fn answer_address(ctx: &RequestContext, headers: &HeaderMap) -> String {
    let host = headers
        .get("x-forwarded-host")
        .filter(|_| ctx.secure)
        .or_else(|| headers.get(header::HOST))
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    let scheme = if ctx.secure { "https" } else { "http" };
    format!("{scheme}://{host}{ANSWER_PATH}")
}

/// A random permutation, so the pre-test and post-test show the same
/// questions in different orders.
pub(crate) fn shuffled<T: Clone>(items: &[T]) -> Vec<T> {
    let mut out = items.to_vec();
    for i in (1..out.len()).rev() {
        let mut bytes = [0u8; 4];
        fill_random(&mut bytes);
        let j = (u32::from_le_bytes(bytes) as usize) % (i + 1);
        out.swap(i, j);
    }
    out
}

/// `72.5` with at most one decimal, `—` for nothing.
pub(crate) fn one_decimal(value: f64) -> String {
    let text = format!("{value:.1}");
    text.strip_suffix(".0").map_or(text.clone(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use kolo_core::outcomes::form_columns;

    use super::*;

    #[test]
    fn every_column_option_and_hint_of_the_forms_has_its_words_in_both_languages() {
        let mut ids = vec![
            "paper-out-of-range".to_owned(),
            "paper-too-long".to_owned(),
            "import-results-nothing-mapped".to_owned(),
        ];
        for kind in [InstrumentKind::Feedback, InstrumentKind::FollowUp] {
            ids.push(format!("outcomes-paper-hint-{}", kind.as_str()));
            for column in form_columns(kind, true) {
                ids.push(format!("paper-form-column-{}", column.key()));
                ids.extend(column.options().iter().map(|o| option_message(column, o)));
            }
        }
        // Parity of the two languages is the locale files' own test.
        let args = [("min", "1".to_owned()), ("max", "5".to_owned())];
        for lang in [Lang::Uk, Lang::En] {
            for id in &ids {
                assert_ne!(&i18n::text_with(lang, id, &args), id, "in {lang:?}");
            }
        }
    }
}
