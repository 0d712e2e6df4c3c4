//! The organisation's lists for events: event types (names in both
//! languages) and the funder registry.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use kolo_core::StoreError;
use kolo_core::auth::Action;
use kolo_core::events::{EventType, Funder, parse_day};
use kolo_core::ids::new_id;
use kolo_core::lang::Lang;
use kolo_core::time::Timestamp;
use serde::Deserialize;

use crate::app::AppState;
use crate::web::forms::FieldErrors;
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, i18n};

pub fn routes() -> RouteTable {
    let settings = Access::Staff(Action::ManageEventSettings);
    RouteTable::new()
        .get("/events/types", settings, types_page)
        .post("/events/types", settings, save_type)
        .get("/funders", settings, funders_page)
        .post("/funders", settings, create_funder)
        .get("/funders/{id}", settings, funder_page)
        .post("/funders/{id}", settings, update_funder)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TypeForm {
    id: String,
    name_uk: String,
    name_en: String,
    position: String,
    retired: Option<String>,
}

#[derive(Template)]
#[template(path = "events_types.html")]
struct TypesPage {
    page: Page,
    types: Vec<EventType>,
    /// The row whose form has errors (`new` for the empty one), with its values.
    failed: Option<TypeForm>,
    /// Whether the failed form is the one for a new type.
    new_failed: bool,
    errors: FieldErrors,
    saved: bool,
}

async fn types_page(
    State(app): State<AppState>,
    ctx: RequestContext,
) -> Result<Html<String>, AppError> {
    let page = TypesPage {
        page: Page::new(&app, &ctx, "event-types-title"),
        types: app.store.event_types().await?,
        failed: None,
        new_failed: false,
        errors: FieldErrors::default(),
        saved: false,
    };
    Ok(Html(page.render()?))
}

async fn save_type(
    State(app): State<AppState>,
    ctx: RequestContext,
    Form(form): Form<TypeForm>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let types = app.store.event_types().await?;
    let mut errors = FieldErrors::default();
    let name = |text: &str, field: &'static str, errors: &mut FieldErrors| {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() || text.chars().count() > 80 {
            errors.add(field, i18n::text(lang, "event-type-name-invalid"));
        }
        text
    };
    let name_uk = name(&form.name_uk, "name_uk", &mut errors);
    let name_en = name(&form.name_en, "name_en", &mut errors);
    let existing = types.iter().find(|t| t.id == form.id);
    if !form.id.is_empty() && existing.is_none() {
        return Err(AppError::NotFound);
    }
    let position = match form.position.trim() {
        "" => existing.map_or_else(
            || types.iter().map(|t| t.position).max().unwrap_or(0) + 1,
            |t| t.position,
        ),
        text => match text.parse::<i64>() {
            Ok(n) if (0..=1000).contains(&n) => n,
            _ => {
                errors.add("position", i18n::text(lang, "event-number-invalid"));
                0
            }
        },
    };
    if !errors.is_empty() {
        let page = TypesPage {
            page: Page::new(&app, &ctx, "event-types-title"),
            types,
            new_failed: form.id.is_empty(),
            failed: Some(form),
            errors,
            saved: false,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response());
    }
    let event_type = EventType {
        id: existing.map_or_else(new_id, |t| t.id.clone()),
        name_uk,
        name_en,
        position,
        retired: form.retired.is_some(),
    };
    app.store.save_event_type(&event_type).await?;
    app.audit(
        &ctx,
        "event_type.save",
        &format!("event_type:{}", event_type.id),
        serde_json::json!({ "new": existing.is_none(), "retired": event_type.retired }),
    )
    .await?;
    let page = TypesPage {
        page: Page::new(&app, &ctx, "event-types-title"),
        types: app.store.event_types().await?,
        failed: None,
        new_failed: false,
        errors: FieldErrors::default(),
        saved: true,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct FunderForm {
    name: String,
    grant_code: String,
    period_start: String,
    period_end: String,
}

impl FunderForm {
    fn of(funder: &Funder) -> FunderForm {
        FunderForm {
            name: funder.name.clone(),
            grant_code: funder.grant_code.clone(),
            period_start: funder
                .period_start
                .map(|d| d.to_string())
                .unwrap_or_default(),
            period_end: funder.period_end.map(|d| d.to_string()).unwrap_or_default(),
        }
    }

    fn check(&self, lang: Lang, id: String) -> Result<Funder, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = self.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() || name.chars().count() > 200 {
            errors.add("name", i18n::text(lang, "funder-name-invalid"));
        }
        let grant_code = self.grant_code.trim().to_owned();
        if grant_code.chars().count() > 80 {
            errors.add("grant_code", i18n::text(lang, "event-text-too-long"));
        }
        let mut day = |text: &str, field: &'static str| {
            if text.trim().is_empty() {
                return None;
            }
            let day = parse_day(text);
            if day.is_none() {
                errors.add(field, i18n::text(lang, "event-date-invalid"));
            }
            day
        };
        let period_start = day(&self.period_start, "period_start");
        let period_end = day(&self.period_end, "period_end");
        if let (Some(start), Some(end)) = (period_start, period_end)
            && end < start
        {
            errors.add("period_end", i18n::text(lang, "event-end-before-start"));
        }
        if errors.is_empty() {
            Ok(Funder {
                id,
                name,
                grant_code,
                period_start,
                period_end,
            })
        } else {
            Err(errors)
        }
    }
}

struct FunderLine {
    id: String,
    name: String,
    grant_code: String,
    period: String,
}

#[derive(Template)]
#[template(path = "events_funders.html")]
struct FundersPage {
    page: Page,
    funders: Vec<FunderLine>,
    form: FunderForm,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "events_funder_form.html")]
struct FunderPage {
    page: Page,
    id: String,
    form: FunderForm,
    errors: FieldErrors,
    saved: bool,
}

async fn funders_list(app: &AppState, lang: Lang) -> Result<Vec<FunderLine>, AppError> {
    Ok(app
        .store
        .funders()
        .await?
        .iter()
        .map(|f| FunderLine {
            id: f.id.clone(),
            name: f.name.clone(),
            grant_code: f.grant_code.clone(),
            period: match (f.period_start, f.period_end) {
                (Some(start), Some(end)) => super::range_label(lang, start, end),
                (Some(start), None) => format!("{} –", super::day_label(lang, start)),
                (None, Some(end)) => format!("– {}", super::day_label(lang, end)),
                (None, None) => String::new(),
            },
        })
        .collect())
}

async fn funders_page(
    State(app): State<AppState>,
    ctx: RequestContext,
) -> Result<Html<String>, AppError> {
    let page = FundersPage {
        page: Page::new(&app, &ctx, "funders-title"),
        funders: funders_list(&app, ctx.lang).await?,
        form: FunderForm::default(),
        errors: FieldErrors::default(),
    };
    Ok(Html(page.render()?))
}

async fn create_funder(
    State(app): State<AppState>,
    ctx: RequestContext,
    Form(form): Form<FunderForm>,
) -> Result<Response, AppError> {
    let mut errors = match form.check(ctx.lang, new_id()) {
        Ok(funder) => match app.store.save_funder(&funder, Timestamp::now()).await {
            Ok(()) => {
                app.audit(
                    &ctx,
                    "funder.create",
                    &format!("funder:{}", funder.id),
                    serde_json::json!({}),
                )
                .await?;
                return Ok(Redirect::to("/funders").into_response());
            }
            Err(StoreError::Conflict(_)) => FieldErrors::default(),
            Err(error) => return Err(error.into()),
        },
        Err(errors) => errors,
    };
    if errors.is_empty() {
        errors.add("name", i18n::text(ctx.lang, "funder-exists"));
    }
    let page = FundersPage {
        page: Page::new(&app, &ctx, "funders-title"),
        funders: funders_list(&app, ctx.lang).await?,
        form,
        errors,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
}

async fn load_funder(app: &AppState, id: &str) -> Result<Funder, AppError> {
    app.store
        .funders()
        .await?
        .into_iter()
        .find(|f| f.id == id)
        .ok_or(AppError::NotFound)
}

async fn funder_page(
    State(app): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let funder = load_funder(&app, &id).await?;
    let page = FunderPage {
        page: Page::new(&app, &ctx, "funder-edit"),
        id,
        form: FunderForm::of(&funder),
        errors: FieldErrors::default(),
        saved: false,
    };
    Ok(Html(page.render()?))
}

async fn update_funder(
    State(app): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<String>,
    Form(form): Form<FunderForm>,
) -> Result<Response, AppError> {
    let funder = load_funder(&app, &id).await?;
    let mut errors = match form.check(ctx.lang, funder.id.clone()) {
        Ok(changed) => match app.store.save_funder(&changed, Timestamp::now()).await {
            Ok(()) => {
                app.audit(
                    &ctx,
                    "funder.edit",
                    &format!("funder:{}", changed.id),
                    serde_json::json!({}),
                )
                .await?;
                let page = FunderPage {
                    page: Page::new(&app, &ctx, "funder-edit"),
                    id,
                    form,
                    errors: FieldErrors::default(),
                    saved: true,
                };
                return Ok(Html(page.render()?).into_response());
            }
            Err(StoreError::Conflict(_)) => FieldErrors::default(),
            Err(error) => return Err(error.into()),
        },
        Err(errors) => errors,
    };
    if errors.is_empty() {
        errors.add("name", i18n::text(ctx.lang, "funder-exists"));
    }
    let page = FunderPage {
        page: Page::new(&app, &ctx, "funder-edit"),
        id,
        form,
        errors,
        saved: false,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
}
