//! The pages participants answer on, without an account: type a code (or
//! scan it), answer the code questions (Kolo builds the UIC, so a person's
//! pre-test and post-test pair up), then the instrument. No script; the page
//! is a few kilobytes. Every check is on the server: a wrong or closed code,
//! an unanswered item and a tampered form each get a clear message and store
//! nothing. Addresses are throttled; the form carries the visitor's CSRF
//! token like the login page.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use kolo_core::events::{EventFormat, parse_day};
use kolo_core::ids::{new_id, token_hash};
use kolo_core::lang::Lang;
use kolo_core::outcomes::{
    ACTIONS, BARRIERS, FEEDBACK_ITEMS, Instrument, InstrumentKind, InstrumentState, NewResponse,
    QuestionKind, ResponseSource, SaveOutcome, ShortCode, SubmissionProblem, check_for,
    likert_field, question_field,
};
use kolo_core::participants::{Sex, Uic, UicAnswers};
use kolo_core::time::Timestamp;
use serde::Deserialize;

use super::{ANSWER_PATH, questions_of, seal_comment};
use crate::app::AppState;
use crate::events::{Choice, today};
use crate::web::forms::{FieldErrors, trimmed_field};
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, i18n};

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get(ANSWER_PATH, Access::Public, enter_code)
        .get("/t/{code}", Access::Public, form)
        .post("/t/{code}", Access::Public, submit)
}

/// Limits per network address within the login throttle's window (15 min).
/// Wrong codes are few in honest use; submissions are many when a whole
/// training room shares one Wi-Fi address.
const MAX_WRONG_CODES: i64 = 30;
const MAX_SUBMISSIONS: i64 = 300;

fn wrong_code_key(address: &str) -> String {
    token_hash(&format!("answer-code:{address}"))
}

fn submission_key(address: &str) -> String {
    token_hash(&format!("answer-post:{address}"))
}

/// Whether the address used up a limit (counted like failed logins, in the
/// same table, pruned by the same upkeep).
async fn throttled(app: &AppState, key: &str, max: i64) -> Result<bool, AppError> {
    let since = Timestamp::now().minus_seconds(app.config.login_throttle.window_secs);
    Ok(app.store.login_failures_since(key, since).await? >= max)
}

async fn count(app: &AppState, key: &str) -> Result<(), AppError> {
    app.store
        .record_login_failure(&[key], Timestamp::now())
        .await?;
    Ok(())
}

#[derive(Template)]
#[template(path = "answer_code.html")]
struct CodePage {
    page: Page,
    code: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CodeQuery {
    code: String,
}

fn code_page(
    app: &AppState,
    ctx: &RequestContext,
    status: StatusCode,
    code: &str,
    error_id: Option<&str>,
) -> Result<Response, AppError> {
    let page = CodePage {
        page: Page::new(app, ctx, "answer-title"),
        code: code.chars().take(12).collect(),
        error: error_id.map(|id| i18n::text(ctx.lang, id)),
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /t`: the code form; with `?code=` (the form sent), the instrument.
async fn enter_code(
    State(app): State<AppState>,
    ctx: RequestContext,
    Query(query): Query<CodeQuery>,
) -> Result<Response, AppError> {
    if query.code.trim().is_empty() {
        return code_page(&app, &ctx, StatusCode::OK, "", None);
    }
    match find(&app, &ctx, &query.code).await? {
        Ok(instrument) => {
            Ok(Redirect::to(&format!("{ANSWER_PATH}/{}", instrument.code)).into_response())
        }
        Err(response) => Ok(response),
    }
}

/// The open instrument of a typed code, or the page that says why not.
async fn find(
    app: &AppState,
    ctx: &RequestContext,
    typed: &str,
) -> Result<Result<Instrument, Response>, AppError> {
    let key = wrong_code_key(&ctx.client_addr);
    if throttled(app, &key, MAX_WRONG_CODES).await? {
        return Ok(Err(code_page(
            app,
            ctx,
            StatusCode::TOO_MANY_REQUESTS,
            typed,
            Some("answer-throttled"),
        )?));
    }
    let found = match ShortCode::parse(typed) {
        Some(code) => app.store.instrument_by_code(&code).await?,
        None => None,
    };
    let Some(instrument) = found else {
        count(app, &key).await?;
        return Ok(Err(code_page(
            app,
            ctx,
            StatusCode::NOT_FOUND,
            typed,
            Some("answer-code-unknown"),
        )?));
    };
    let why = match instrument.state(today()) {
        InstrumentState::Open => return Ok(Ok(instrument)),
        InstrumentState::Closed => "answer-code-closed",
        InstrumentState::NotYetOpen => "answer-code-not-yet",
    };
    Ok(Err(code_page(
        app,
        ctx,
        StatusCode::GONE,
        typed,
        Some(why),
    )?))
}

/// One question or rating as the form shows it.
struct Item {
    field: String,
    label: String,
    /// Radio buttons or checkboxes; empty for a number or text.
    choices: Vec<Choice>,
    multiple: bool,
    number: bool,
    value: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "answer_form.html")]
struct FormPage {
    page: Page,
    code: String,
    title: String,
    form_name: String,
    scheme_hint: String,
    uic: UicForm,
    sexes: Vec<Choice>,
    uic_errors: FieldErrors,
    items: Vec<Item>,
    likert_hint: bool,
    error: Option<String>,
}

/// The code questions as typed.
#[derive(Default, Clone)]
struct UicForm {
    mother_name: String,
    mother_unknown: bool,
    father_name: String,
    father_unknown: bool,
    sex: String,
    birth_date: String,
}

const UIC_FIELDS: [&str; 6] = [
    "mother_name",
    "mother_unknown",
    "father_name",
    "father_unknown",
    "sex",
    "birth_date",
];

async fn form(
    State(app): State<AppState>,
    ctx: RequestContext,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let instrument = match find(&app, &ctx, &code).await? {
        Ok(instrument) => instrument,
        Err(response) => return Ok(response),
    };
    render_form(
        &app,
        &ctx,
        &instrument,
        &UicForm::default(),
        FieldErrors::default(),
        &[],
        &[],
        None,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn render_form(
    app: &AppState,
    ctx: &RequestContext,
    instrument: &Instrument,
    uic: &UicForm,
    uic_errors: FieldErrors,
    answers: &[(String, String)],
    problems: &[SubmissionProblem],
    error: Option<String>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let event = app
        .store
        .event(&instrument.event_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let given = |field: &str| -> Vec<&str> {
        answers
            .iter()
            .filter(|(k, _)| k == field)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    let problem = |field: &str| {
        problems
            .iter()
            .find(|p| p.item() == Some(field))
            .map(|p| i18n::text(lang, p.message_id()))
    };
    let scale = |field: &str, range: std::ops::RangeInclusive<u8>| -> Vec<Choice> {
        let chosen = given(field);
        range
            .map(|n| {
                Choice::new(
                    n.to_string(),
                    n.to_string(),
                    chosen.contains(&n.to_string().as_str()),
                )
            })
            .collect()
    };
    let mut items = Vec::new();
    match instrument.kind {
        InstrumentKind::PreTest | InstrumentKind::PostTest => {
            let bank = app.store.questions().await?;
            for (n, question) in questions_of(&bank, instrument).iter().enumerate() {
                let field = question_field(&question.id);
                let chosen = given(&field);
                let choices = match question.kind {
                    QuestionKind::Numeric => Vec::new(),
                    _ => question
                        .options
                        .iter()
                        .enumerate()
                        .map(|(i, o)| {
                            Choice::new(
                                i.to_string(),
                                o.text(lang),
                                chosen.contains(&i.to_string().as_str()),
                            )
                        })
                        .collect(),
                };
                items.push(Item {
                    label: format!("{}. {}", n + 1, question.text(lang)),
                    choices,
                    multiple: question.kind == QuestionKind::Multiple,
                    number: question.kind == QuestionKind::Numeric,
                    value: chosen.first().map(|s| (*s).to_owned()).unwrap_or_default(),
                    error: problem(&field),
                    field,
                });
            }
        }
        InstrumentKind::Feedback => {
            for item in FEEDBACK_ITEMS {
                if item == "venue" && event.details.format == EventFormat::Online {
                    continue;
                }
                let field = likert_field(item);
                items.push(Item {
                    label: i18n::text(lang, &format!("feedback-{item}")),
                    choices: scale(&field, 1..=5),
                    multiple: false,
                    number: false,
                    value: String::new(),
                    error: problem(&field),
                    field,
                });
            }
            items.push(Item {
                label: i18n::text(lang, "feedback-recommend"),
                choices: scale("recommend", 0..=10),
                multiple: false,
                number: false,
                value: String::new(),
                error: problem("recommend"),
                field: "recommend".into(),
            });
            items.push(text_item(
                lang,
                "feedback-comment",
                &given("comment"),
                problem("comment"),
            ));
        }
        InstrumentKind::FollowUp => {
            let used = given("used");
            items.push(Item {
                field: "used".into(),
                label: i18n::text(lang, "follow-up-used"),
                choices: ["yes", "no"]
                    .iter()
                    .map(|v| {
                        Choice::new(
                            *v,
                            i18n::text(lang, &format!("follow-up-{v}")),
                            used.contains(v),
                        )
                    })
                    .collect(),
                multiple: false,
                number: false,
                value: String::new(),
                error: problem("used"),
            });
            for (field, list, prefix, label) in [
                (
                    "action",
                    &ACTIONS[..],
                    "follow-up-action-",
                    "follow-up-actions",
                ),
                (
                    "barrier",
                    &BARRIERS[..],
                    "follow-up-barrier-",
                    "follow-up-barriers",
                ),
            ] {
                let chosen = given(field);
                items.push(Item {
                    field: field.into(),
                    label: i18n::text(lang, label),
                    choices: list
                        .iter()
                        .map(|v| {
                            Choice::new(
                                *v,
                                i18n::text(lang, &format!("{prefix}{v}")),
                                chosen.contains(v),
                            )
                        })
                        .collect(),
                    multiple: true,
                    number: false,
                    value: String::new(),
                    error: problem(field),
                });
            }
            items.push(text_item(
                lang,
                "follow-up-comment",
                &given("comment"),
                problem("comment"),
            ));
        }
    }
    let scheme = crate::participants::scheme(app).await?;
    let status = if error.is_some() || !uic_errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = FormPage {
        page: Page::new(app, ctx, instrument.kind.message_id()),
        code: instrument.code.to_string(),
        title: event.details.title.clone(),
        form_name: i18n::text(lang, instrument.kind.message_id()),
        scheme_hint: crate::participants::describe_scheme(lang, &scheme),
        sexes: Sex::ALL
            .iter()
            .map(|s| {
                Choice::new(
                    s.as_str(),
                    i18n::text(lang, s.message_id()),
                    uic.sex == s.as_str(),
                )
            })
            .collect(),
        uic: uic.clone(),
        uic_errors,
        items,
        likert_hint: instrument.kind == InstrumentKind::Feedback,
        error,
    };
    Ok((status, Html(page.render()?)).into_response())
}

fn text_item(lang: Lang, label: &str, given: &[&str], error: Option<String>) -> Item {
    Item {
        field: "comment".into(),
        label: i18n::text(lang, label),
        choices: Vec::new(),
        multiple: false,
        number: false,
        value: given.first().map(|s| (*s).to_owned()).unwrap_or_default(),
        error,
    }
}

#[derive(Template)]
#[template(path = "answer_done.html")]
struct DonePage {
    page: Page,
    message: String,
    score: Option<String>,
}

async fn submit(
    State(app): State<AppState>,
    ctx: RequestContext,
    Path(code): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let post_key = submission_key(&ctx.client_addr);
    if throttled(&app, &post_key, MAX_SUBMISSIONS).await? {
        return code_page(
            &app,
            &ctx,
            StatusCode::TOO_MANY_REQUESTS,
            &code,
            Some("answer-throttled"),
        );
    }
    count(&app, &post_key).await?;
    let instrument = match find(&app, &ctx, &code).await? {
        Ok(instrument) => instrument,
        Err(response) => return Ok(response),
    };
    let value = |name: &str| trimmed_field(&pairs, name);
    let uic_form = UicForm {
        mother_name: value("mother_name"),
        mother_unknown: !value("mother_unknown").is_empty(),
        father_name: value("father_name"),
        father_unknown: !value("father_unknown").is_empty(),
        sex: value("sex"),
        birth_date: value("birth_date"),
    };
    let answers: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "_csrf" && !UIC_FIELDS.contains(&k.as_str()))
        .cloned()
        .collect();
    let (uic, uic_errors) = build_uic(&app, lang, &uic_form).await?;
    let event = app
        .store
        .event(&instrument.event_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let bank = app.store.questions().await?;
    let questions = questions_of(&bank, &instrument);
    let checked = check_for(
        instrument.kind,
        &questions,
        &answers,
        event.details.format != EventFormat::Online,
    );
    let (uic, scored) = match (uic, checked) {
        (Some(uic), Ok(scored)) => (uic, scored),
        (_, checked) => {
            let problems = checked.err().unwrap_or_default();
            let id = if problems.iter().any(SubmissionProblem::tampered) {
                "answer-tampered"
            } else {
                "answer-problems"
            };
            // A tampered value is not shown back: the person answers afresh.
            let keep: Vec<(String, String)> = if problems.iter().any(SubmissionProblem::tampered) {
                Vec::new()
            } else {
                answers
            };
            return render_form(
                &app,
                &ctx,
                &instrument,
                &uic_form,
                uic_errors,
                &keep,
                &problems,
                Some(i18n::text(lang, id)),
            )
            .await;
        }
    };
    let id = new_id();
    let comment = seal_comment(&app, &id, scored.comment.as_deref())?;
    let response = NewResponse {
        id,
        instrument_id: instrument.id.clone(),
        uic,
        source: ResponseSource::Online,
        answers: scored.answers,
        points: scored.points,
        max_points: scored.max_points,
        comment,
        recorded_by: None,
        submitted_at: Timestamp::now(),
    };
    let outcome = app.store.save_response(&response).await?;
    // Like every other change, a participant's answer leaves an audit entry;
    // it names the event and the instrument, never the person: no code, no
    // answers (the address is cut to its network, as for every anonymous entry).
    app.audit(
        &ctx,
        "outcomes.response",
        &format!("event:{}", instrument.event_id),
        serde_json::json!({
            "instrument": instrument.kind.as_str(),
            "saved": outcome == SaveOutcome::Saved,
        }),
    )
    .await?;
    let (message, score) = match outcome {
        SaveOutcome::Saved => (
            i18n::text(lang, "answer-thanks"),
            scored.points.zip(scored.max_points).map(|(points, max)| {
                i18n::text_with(
                    lang,
                    "answer-score",
                    &[("points", points.to_string()), ("max", max.to_string())],
                )
            }),
        ),
        SaveOutcome::AlreadyAnswered => (i18n::text(lang, "answer-already"), None),
    };
    let page = DonePage {
        page: Page::new(&app, &ctx, "answer-thanks-title"),
        message,
        score,
    };
    Ok(Html(page.render()?).into_response())
}

/// The person's code from their answers, as the register computes it.
async fn build_uic(
    app: &AppState,
    lang: Lang,
    form: &UicForm,
) -> Result<(Option<Uic>, FieldErrors), AppError> {
    let scheme = crate::participants::scheme(app).await?;
    let mut errors = FieldErrors::default();
    let birth_date = parse_day(&form.birth_date);
    if birth_date.is_none() && !form.birth_date.is_empty() {
        errors.add("birth_date", i18n::text(lang, "event-date-invalid"));
    }
    let answers = UicAnswers {
        mother_name: (!form.mother_unknown).then(|| form.mother_name.clone()),
        father_name: (!form.father_unknown).then(|| form.father_name.clone()),
        sex: Sex::parse(&form.sex),
        birth_date,
    };
    match scheme.compute(&answers, today()) {
        Ok(uic) if errors.is_empty() => Ok((Some(uic), errors)),
        Ok(_) => Ok((None, errors)),
        Err(problems) => {
            for (field, problem) in problems {
                if errors.get(field).is_none() {
                    errors.add(field, i18n::text(lang, problem.message_id()));
                }
            }
            Ok((None, errors))
        }
    }
}
