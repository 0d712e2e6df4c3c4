//! The templates of the question bank: the form that creates and edits one
//! (its check is shared), and editing and deleting. An event's tests copy
//! the template's questions when they are set up, so editing or deleting a
//! template never changes an event already set up from it.

use askama::Template as _;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use kolo_core::StoreError;
use kolo_core::auth::Action;
use kolo_core::lang::Lang;
use kolo_core::outcomes::{Question, Template};

use crate::app::AppState;
use crate::events::Choice;
use crate::web::forms::{FieldErrors, trimmed_field};
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, i18n};

pub fn routes() -> RouteTable {
    let manage = Access::Staff(Action::ManageQuestionBank);
    RouteTable::new()
        .get("/outcomes/templates/{id}", manage, edit_form)
        .post("/outcomes/templates/{id}", manage, update)
        .post("/outcomes/templates/{id}/delete", manage, delete)
}

/// The longest name kept, in characters (the form says so too).
const MAX_NAME_CHARS: usize = 200;

/// The template form as typed.
#[derive(Default)]
pub(super) struct TemplateForm {
    pub name_uk: String,
    pub name_en: String,
    pub weeks: String,
    pub chosen: Vec<String>,
}

impl TemplateForm {
    pub(super) fn from_pairs(pairs: &[(String, String)]) -> TemplateForm {
        let value = |name: &str| trimmed_field(pairs, name);
        TemplateForm {
            name_uk: value("name_uk"),
            name_en: value("name_en"),
            weeks: value("weeks"),
            chosen: pairs
                .iter()
                .filter(|(k, _)| k == "question")
                .map(|(_, v)| v.clone())
                .collect(),
        }
    }

    fn from_template(template: &Template) -> TemplateForm {
        TemplateForm {
            name_uk: template.name_uk.clone(),
            name_en: template.name_en.clone(),
            weeks: template.follow_up_weeks.to_string(),
            chosen: template.question_ids.clone(),
        }
    }

    /// The follow-up weeks and the questions, or every problem by field.
    /// Questions are live ones of the bank, or (when editing) ones the
    /// template already has; anything else in the post is refused with a
    /// message, never stored.
    pub(super) fn check(
        &self,
        lang: Lang,
        bank: &[Question],
        kept: &[String],
    ) -> Result<(u32, Vec<String>), FieldErrors> {
        let mut errors = FieldErrors::default();
        if self.name_uk.is_empty() && self.name_en.is_empty() {
            errors.add("name_uk", i18n::text(lang, "bank-template-name-missing"));
        }
        for (field, name) in [("name_uk", &self.name_uk), ("name_en", &self.name_en)] {
            if name.chars().count() > MAX_NAME_CHARS {
                errors.add(
                    field,
                    i18n::text_with(
                        lang,
                        "bank-template-name-too-long",
                        &[("max", MAX_NAME_CHARS.to_string())],
                    ),
                );
            }
        }
        let weeks = self
            .weeks
            .parse::<u32>()
            .ok()
            .filter(|w| (1..=52).contains(w));
        if weeks.is_none() {
            errors.add("weeks", i18n::text(lang, "bank-template-weeks-invalid"));
        }
        let mut questions: Vec<String> = Vec::new();
        for id in &self.chosen {
            let allowed = kept.contains(id) || bank.iter().any(|q| &q.id == id && !q.retired);
            if allowed && !questions.contains(id) {
                questions.push(id.clone());
            }
        }
        if questions.is_empty() || questions.len() != self.chosen.len() {
            errors.add("question", i18n::text(lang, "bank-template-no-questions"));
        }
        match weeks {
            Some(weeks) if errors.is_empty() => Ok((weeks, questions)),
            _ => Err(errors),
        }
    }

    /// The questions to choose from: live ones, and retired ones the
    /// template already has (marked).
    pub(super) fn choices(&self, lang: Lang, bank: &[Question], kept: &[String]) -> Vec<Choice> {
        bank.iter()
            .filter(|q| !q.retired || kept.contains(&q.id))
            .map(|q| {
                let mut label = format!("{} — {}", q.topic, q.text(lang));
                if q.retired {
                    label.push_str(&format!(" ({})", i18n::text(lang, "bank-retired-short")));
                }
                Choice::new(&q.id, label, self.chosen.contains(&q.id))
            })
            .collect()
    }
}

#[derive(askama::Template)]
#[template(path = "outcomes_template.html")]
struct EditPage {
    page: Page,
    id: String,
    choices: Vec<Choice>,
    template_errors: FieldErrors,
    name_uk: String,
    name_en: String,
    weeks: String,
}

async fn template_of(app: &AppState, id: &str) -> Result<Template, AppError> {
    app.store
        .templates()
        .await?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or(AppError::NotFound)
}

async fn render_edit(
    app: &AppState,
    ctx: &RequestContext,
    template: &Template,
    form: &TemplateForm,
    errors: FieldErrors,
) -> Result<Html<String>, AppError> {
    let bank = app.store.questions().await?;
    let page = EditPage {
        page: Page::new(app, ctx, "bank-template-edit"),
        id: template.id.clone(),
        choices: form.choices(ctx.lang, &bank, &template.question_ids),
        template_errors: errors,
        name_uk: form.name_uk.clone(),
        name_en: form.name_en.clone(),
        weeks: form.weeks.clone(),
    };
    Ok(Html(page.render()?))
}

async fn edit_form(
    State(app): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let template = template_of(&app, &id).await?;
    let form = TemplateForm::from_template(&template);
    render_edit(&app, &ctx, &template, &form, FieldErrors::default()).await
}

async fn update(
    State(app): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let template = template_of(&app, &id).await?;
    let form = TemplateForm::from_pairs(&pairs);
    let bank = app.store.questions().await?;
    let (weeks, questions) = match form.check(ctx.lang, &bank, &template.question_ids) {
        Ok(checked) => checked,
        Err(errors) => {
            return Ok(render_edit(&app, &ctx, &template, &form, errors)
                .await?
                .into_response());
        }
    };
    let updated = Template {
        name_uk: form.name_uk.clone(),
        name_en: form.name_en.clone(),
        question_ids: questions,
        follow_up_weeks: weeks,
        ..template
    };
    app.store.save_template(&updated).await?;
    app.audit(
        &ctx,
        "outcomes.template_update",
        &format!("template:{}", updated.id),
        serde_json::json!({ "questions": updated.question_ids.len(), "follow_up_weeks": weeks }),
    )
    .await?;
    Ok(Redirect::to("/outcomes/questions?notice=template").into_response())
}

async fn delete(
    State(app): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    match app.store.delete_template(&id).await {
        Ok(()) => {}
        Err(StoreError::NotFound(_)) => return Err(AppError::NotFound),
        Err(other) => return Err(other.into()),
    }
    app.audit(
        &ctx,
        "outcomes.template_delete",
        &format!("template:{id}"),
        serde_json::json!({}),
    )
    .await?;
    Ok(Redirect::to("/outcomes/questions?notice=template-deleted").into_response())
}
