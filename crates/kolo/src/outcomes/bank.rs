//! The question bank and the templates: trainers and coordinators write
//! questions by topic in both languages, and group them into templates that
//! set up an event's tests in one step.

use askama::Template as _;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use kolo_core::auth::Action;
use kolo_core::ids::new_id;
use kolo_core::lang::Lang;
use kolo_core::outcomes::{
    MAX_OPTIONS, Question, QuestionInput, QuestionKind, Template, check_question, option_letter,
};
use kolo_core::time::Timestamp;
use serde::Deserialize;

use super::templates::TemplateForm;
use crate::app::AppState;
use crate::events::Choice;
use crate::web::forms::FieldErrors;
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, i18n};

pub fn routes() -> RouteTable {
    let manage = Access::Staff(Action::ManageQuestionBank);
    RouteTable::new()
        .get("/outcomes/questions", manage, list)
        .get("/outcomes/questions/new", manage, new_form)
        .post("/outcomes/questions/new", manage, create)
        .get("/outcomes/questions/{id}", manage, edit_form)
        .post("/outcomes/questions/{id}", manage, update)
        .post("/outcomes/templates", manage, create_template)
        .merge(super::templates::routes())
}

struct QuestionLine {
    id: String,
    topic: String,
    text: String,
    kind: String,
    points: u32,
    retired: bool,
}

struct TemplateLine {
    id: String,
    name: String,
    questions: usize,
    weeks: u32,
}

#[derive(askama::Template)]
#[template(path = "outcomes_bank.html")]
struct ListPage {
    page: Page,
    questions: Vec<QuestionLine>,
    templates: Vec<TemplateLine>,
    choices: Vec<Choice>,
    template_errors: FieldErrors,
    name_uk: String,
    name_en: String,
    weeks: String,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NoticeQuery {
    notice: String,
}

async fn list(
    State(app): State<AppState>,
    ctx: RequestContext,
    Query(query): Query<NoticeQuery>,
) -> Result<Html<String>, AppError> {
    let notice = match query.notice.as_str() {
        "saved" => Some(i18n::text(ctx.lang, "bank-saved")),
        "template" => Some(i18n::text(ctx.lang, "bank-template-saved")),
        "template-deleted" => Some(i18n::text(ctx.lang, "bank-template-deleted")),
        _ => None,
    };
    render_list(
        &app,
        &ctx,
        &TemplateForm::default(),
        FieldErrors::default(),
        notice,
    )
    .await
}

async fn render_list(
    app: &AppState,
    ctx: &RequestContext,
    form: &TemplateForm,
    template_errors: FieldErrors,
    notice: Option<String>,
) -> Result<Html<String>, AppError> {
    let lang = ctx.lang;
    let questions = app.store.questions().await?;
    let templates = app.store.templates().await?;
    let page = ListPage {
        page: Page::new(app, ctx, "bank-title"),
        choices: form.choices(lang, &questions, &[]),
        questions: questions
            .iter()
            .map(|q| QuestionLine {
                id: q.id.clone(),
                topic: q.topic.clone(),
                text: q.text(lang).to_owned(),
                kind: i18n::text(lang, q.kind.message_id()),
                points: q.points,
                retired: q.retired,
            })
            .collect(),
        templates: templates
            .iter()
            .map(|t| TemplateLine {
                id: t.id.clone(),
                name: t.name(lang).to_owned(),
                questions: t.question_ids.len(),
                weeks: t.follow_up_weeks,
            })
            .collect(),
        template_errors,
        name_uk: form.name_uk.clone(),
        name_en: form.name_en.clone(),
        weeks: if form.weeks.is_empty() {
            "6".into()
        } else {
            form.weeks.clone()
        },
        notice,
    };
    Ok(Html(page.render()?))
}

async fn create_template(
    State(app): State<AppState>,
    ctx: RequestContext,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let form = TemplateForm::from_pairs(&pairs);
    let bank = app.store.questions().await?;
    let (weeks, questions) = match form.check(ctx.lang, &bank, &[]) {
        Ok(checked) => checked,
        Err(errors) => {
            return Ok(render_list(&app, &ctx, &form, errors, None)
                .await?
                .into_response());
        }
    };
    let template = Template {
        id: new_id(),
        name_uk: form.name_uk.clone(),
        name_en: form.name_en.clone(),
        question_ids: questions,
        follow_up_weeks: weeks,
        created_at: Timestamp::now(),
    };
    app.store.save_template(&template).await?;
    app.audit(
        &ctx,
        "outcomes.template",
        &format!("template:{}", template.id),
        serde_json::json!({ "questions": template.question_ids.len() }),
    )
    .await?;
    Ok(Redirect::to("/outcomes/questions?notice=template").into_response())
}

struct OptionRow {
    index: usize,
    letter_label_uk: String,
    letter_label_en: String,
    text_uk: String,
    text_en: String,
    correct: bool,
}

#[derive(askama::Template)]
#[template(path = "outcomes_question.html")]
struct QuestionPage {
    page: Page,
    action: String,
    topic: String,
    kinds: Vec<Choice>,
    text_uk: String,
    text_en: String,
    options: Vec<OptionRow>,
    true_correct: bool,
    false_correct: bool,
    numeric_answer: String,
    points: String,
    retired: bool,
    editing: bool,
    errors: FieldErrors,
}

/// The question form as typed.
#[derive(Default)]
struct QuestionForm {
    input: QuestionInput,
    retired: bool,
}

impl QuestionForm {
    fn from_pairs(pairs: &[(String, String)]) -> QuestionForm {
        let value = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let kind = value("kind");
        let options = if kind == QuestionKind::TrueFalse.as_str() {
            let answer = value("tf_answer");
            vec![
                (String::new(), String::new(), answer == "true"),
                (String::new(), String::new(), answer == "false"),
            ]
        } else {
            (0..MAX_OPTIONS)
                .map(|i| {
                    (
                        value(&format!("option_uk_{i}")),
                        value(&format!("option_en_{i}")),
                        !value(&format!("correct_{i}")).is_empty(),
                    )
                })
                .collect()
        };
        QuestionForm {
            input: QuestionInput {
                topic: value("topic"),
                kind,
                text_uk: value("text_uk"),
                text_en: value("text_en"),
                options,
                numeric_answer: value("numeric_answer"),
                points: value("points"),
            },
            retired: !value("retired").is_empty(),
        }
    }

    fn from_question(q: &Question) -> QuestionForm {
        QuestionForm {
            input: QuestionInput {
                topic: q.topic.clone(),
                kind: q.kind.as_str().to_owned(),
                text_uk: q.text_uk.clone(),
                text_en: q.text_en.clone(),
                options: q
                    .options
                    .iter()
                    .map(|o| (o.text_uk.clone(), o.text_en.clone(), o.correct))
                    .collect(),
                numeric_answer: q.numeric_answer.clone().unwrap_or_default(),
                points: q.points.to_string(),
            },
            retired: q.retired,
        }
    }
}

fn question_page(
    app: &AppState,
    ctx: &RequestContext,
    action: String,
    form: &QuestionForm,
    editing: bool,
    errors: FieldErrors,
) -> Result<Html<String>, AppError> {
    let lang: Lang = ctx.lang;
    let input = &form.input;
    let true_false = input.kind == QuestionKind::TrueFalse.as_str();
    let page = QuestionPage {
        page: Page::new(app, ctx, if editing { "bank-edit" } else { "bank-new" }),
        action,
        topic: input.topic.clone(),
        kinds: QuestionKind::ALL
            .iter()
            .map(|k| {
                Choice::new(
                    k.as_str(),
                    i18n::text(lang, k.message_id()),
                    k.as_str() == input.kind,
                )
            })
            .collect(),
        text_uk: input.text_uk.clone(),
        text_en: input.text_en.clone(),
        options: (0..MAX_OPTIONS)
            .map(|i| {
                let (uk, en, correct) = if true_false {
                    (String::new(), String::new(), false)
                } else {
                    input.options.get(i).cloned().unwrap_or_default()
                };
                let letter = option_letter(i).to_string();
                OptionRow {
                    index: i,
                    letter_label_uk: i18n::text_with(
                        lang,
                        "bank-option-uk",
                        &[("letter", letter.clone())],
                    ),
                    letter_label_en: i18n::text_with(lang, "bank-option-en", &[("letter", letter)]),
                    text_uk: uk,
                    text_en: en,
                    correct,
                }
            })
            .collect(),
        true_correct: true_false && input.options.first().is_some_and(|o| o.2),
        false_correct: true_false && input.options.get(1).is_some_and(|o| o.2),
        numeric_answer: input.numeric_answer.clone(),
        points: if input.points.is_empty() {
            "1".into()
        } else {
            input.points.clone()
        },
        retired: form.retired,
        editing,
        errors,
    };
    Ok(Html(page.render()?))
}

async fn new_form(
    State(app): State<AppState>,
    ctx: RequestContext,
) -> Result<Html<String>, AppError> {
    let form = QuestionForm {
        input: QuestionInput {
            kind: QuestionKind::Single.as_str().into(),
            ..QuestionInput::default()
        },
        retired: false,
    };
    question_page(
        &app,
        &ctx,
        "/outcomes/questions/new".into(),
        &form,
        false,
        FieldErrors::default(),
    )
}

async fn edit_form(
    State(app): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let bank = app.store.questions().await?;
    let question = bank.iter().find(|q| q.id == id).ok_or(AppError::NotFound)?;
    question_page(
        &app,
        &ctx,
        format!("/outcomes/questions/{id}"),
        &QuestionForm::from_question(question),
        true,
        FieldErrors::default(),
    )
}

async fn create(
    State(app): State<AppState>,
    ctx: RequestContext,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    save(
        &app,
        &ctx,
        new_id(),
        "/outcomes/questions/new".into(),
        &pairs,
        false,
    )
    .await
}

async fn update(
    State(app): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let bank = app.store.questions().await?;
    if !bank.iter().any(|q| q.id == id) {
        return Err(AppError::NotFound);
    }
    save(
        &app,
        &ctx,
        id.clone(),
        format!("/outcomes/questions/{id}"),
        &pairs,
        true,
    )
    .await
}

/// Checks and stores a question. Scores already given keep the points and
/// correctness they were given: each answer stores whether it was right.
async fn save(
    app: &AppState,
    ctx: &RequestContext,
    id: String,
    action: String,
    pairs: &[(String, String)],
    editing: bool,
) -> Result<Response, AppError> {
    let form = QuestionForm::from_pairs(pairs);
    match check_question(&id, &form.input, Timestamp::now()) {
        Ok(mut question) => {
            question.retired = form.retired;
            app.store.save_question(&question).await?;
            app.audit(
                ctx,
                "outcomes.question",
                &format!("question:{id}"),
                serde_json::json!({ "kind": question.kind.as_str() }),
            )
            .await?;
            Ok(Redirect::to("/outcomes/questions?notice=saved").into_response())
        }
        Err(problems) => {
            let mut errors = FieldErrors::default();
            for problem in problems {
                if errors.get(problem.field()).is_none() {
                    errors.add(problem.field(), i18n::text(ctx.lang, problem.message_id()));
                }
            }
            Ok(question_page(app, ctx, action, &form, editing, errors)?.into_response())
        }
    }
}
