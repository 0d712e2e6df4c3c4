//! The admin's choice of how participant codes are built. Existing codes stay
//! as they are (each record keeps the scheme that built it); new codes follow
//! the new scheme.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use kolo_core::auth::Action;
use kolo_core::lang::Lang;
use kolo_core::participants::{BirthFormat, Sex, UIC_SCHEME_SETTING, UicAnswers, UicScheme};
use serde::Deserialize;

use super::scheme;
use crate::app::AppState;
use crate::events::Choice;
use crate::web::forms::FieldErrors;
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, i18n};

pub fn routes() -> RouteTable {
    let admin = Access::Staff(Action::ConfigureUic);
    RouteTable::new()
        .get("/admin/uic", admin, page)
        .post("/admin/uic", admin, save)
}

/// The code a fictional person (mother Оксана, father Іван, female, born
/// 15 March 1990) gets under a scheme: the example the pages show.
pub fn example(scheme: &UicScheme) -> String {
    let answers = UicAnswers {
        mother_name: Some("Оксана".to_owned()),
        father_name: Some("Іван".to_owned()),
        sex: Some(Sex::Female),
        birth_date: jiff::civil::Date::new(1990, 3, 15).ok(),
    };
    let today = jiff::civil::Date::new(2024, 1, 1).unwrap_or(jiff::civil::Date::MAX);
    scheme
        .compute(&answers, today)
        .map(|uic| uic.to_string())
        .unwrap_or_default()
}

/// One sentence saying how the code is built, with the example.
pub fn describe(lang: Lang, scheme: &UicScheme) -> String {
    let mut parts = Vec::new();
    if scheme.mother_letters > 0 {
        parts.push(i18n::text_with(
            lang,
            "uic-part-mother",
            &[("n", scheme.mother_letters.to_string())],
        ));
    }
    if scheme.father_letters > 0 {
        parts.push(i18n::text_with(
            lang,
            "uic-part-father",
            &[("n", scheme.father_letters.to_string())],
        ));
    }
    if scheme.sex {
        parts.push(i18n::text(lang, "uic-part-sex"));
    }
    parts.push(i18n::text(
        lang,
        &format!("uic-part-birth-{}", scheme.birth.as_str()),
    ));
    i18n::text_with(
        lang,
        "uic-describe",
        &[("parts", parts.join(" + ")), ("example", example(scheme))],
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SchemeForm {
    mother_letters: String,
    father_letters: String,
    sex: Option<String>,
    birth: String,
}

#[derive(Template)]
#[template(path = "participants_uic.html")]
struct SchemePage {
    page: Page,
    description: String,
    letters: Vec<u8>,
    mother: u8,
    father: u8,
    sex: bool,
    births: Vec<Choice>,
    errors: FieldErrors,
    saved: bool,
}

impl SchemePage {
    fn new(
        app: &AppState,
        ctx: &RequestContext,
        shown: &UicScheme,
        current: &UicScheme,
        errors: FieldErrors,
    ) -> SchemePage {
        SchemePage {
            page: Page::new(app, ctx, "uic-title"),
            description: describe(ctx.lang, current),
            letters: vec![0, 1, 2, 3],
            mother: shown.mother_letters,
            father: shown.father_letters,
            sex: shown.sex,
            births: BirthFormat::ALL
                .iter()
                .map(|b| {
                    Choice::new(
                        b.as_str(),
                        i18n::text(ctx.lang, &format!("uic-part-birth-{}", b.as_str())),
                        *b == shown.birth,
                    )
                })
                .collect(),
            errors,
            saved: false,
        }
    }
}

async fn page(State(app): State<AppState>, ctx: RequestContext) -> Result<Html<String>, AppError> {
    let current = scheme(&app).await?;
    Ok(Html(
        SchemePage::new(&app, &ctx, &current, &current, FieldErrors::default()).render()?,
    ))
}

async fn save(
    State(app): State<AppState>,
    ctx: RequestContext,
    Form(form): Form<SchemeForm>,
) -> Result<Response, AppError> {
    let current = scheme(&app).await?;
    let mut errors = FieldErrors::default();
    let mother = form.mother_letters.trim().parse::<u8>().ok();
    let father = form.father_letters.trim().parse::<u8>().ok();
    let birth = BirthFormat::parse(form.birth.trim());
    if birth.is_none() {
        errors.add("birth", i18n::text(ctx.lang, "uic-scheme-malformed"));
    }
    let chosen = match (mother, father, birth) {
        (Some(m), Some(f), Some(b)) => match UicScheme::new(m, f, form.sex.is_some(), b) {
            Ok(scheme) => Some(scheme),
            Err(problem) => {
                errors.add("letters", i18n::text(ctx.lang, problem.message_id()));
                None
            }
        },
        _ => {
            if errors.is_empty() {
                errors.add("letters", i18n::text(ctx.lang, "uic-scheme-malformed"));
            }
            None
        }
    };
    let Some(chosen) = chosen else {
        let shown = UicScheme {
            mother_letters: mother.unwrap_or(current.mother_letters).min(3),
            father_letters: father.unwrap_or(current.father_letters).min(3),
            sex: form.sex.is_some(),
            birth: birth.unwrap_or(current.birth),
        };
        let page = SchemePage::new(&app, &ctx, &shown, &current, errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response());
    };
    app.store
        .set_setting(UIC_SCHEME_SETTING, &chosen.encode())
        .await?;
    app.audit(
        &ctx,
        "uic.scheme",
        "setting:uic_scheme",
        serde_json::json!({ "scheme": chosen.encode() }),
    )
    .await?;
    let mut page = SchemePage::new(&app, &ctx, &chosen, &chosen, FieldErrors::default());
    page.saved = true;
    Ok(Html(page.render()?).into_response())
}
