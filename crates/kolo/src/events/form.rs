//! Creating and editing an event on a page.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use kolo_core::auth::{Action, Role, User};
use kolo_core::events::{
    Currency, Event, EventAccess, EventDetails, EventFormat, EventInput, EventRefs, EventStatus,
    EventType, Funder, Trainer, check_event, days_between,
};
use kolo_core::lang::Lang;

use super::changes;
use super::web::funder_choices;
use super::{Choice, event_for, oblast_choices, short_day};
use crate::app::AppState;
use crate::web::forms::FieldErrors;
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, Staff, i18n};

pub fn routes() -> RouteTable {
    let create = Access::Staff(Action::CreateEvents);
    let manage = Access::Staff(Action::ManageEvents);
    RouteTable::new()
        .get("/events/new", create, new_form)
        .post("/events/new", create, create_event)
        .get("/events/{id}/edit", manage, edit_form)
        .post("/events/{id}/edit", manage, update_event)
}

#[derive(Template)]
#[template(path = "events_form.html")]
struct FormPage {
    page: Page,
    action: String,
    back: String,
    input: EventInput,
    types: Vec<Choice>,
    formats: Vec<Choice>,
    oblasts: Vec<Choice>,
    staff: Vec<Choice>,
    funders: Vec<Choice>,
    currencies: Vec<Choice>,
    statuses: Vec<Choice>,
    errors: FieldErrors,
}

/// The lists the form offers, read once per request.
struct Lists {
    types: Vec<EventType>,
    funders: Vec<Funder>,
    users: Vec<User>,
}

async fn lists(app: &AppState) -> Result<Lists, AppError> {
    Ok(Lists {
        types: app.store.event_types().await?,
        funders: app.store.funders().await?,
        users: app.store.users().await?,
    })
}

impl FormPage {
    fn new(
        app: &AppState,
        ctx: &RequestContext,
        event: Option<&str>,
        input: EventInput,
        lists: &Lists,
        errors: FieldErrors,
    ) -> FormPage {
        let lang = ctx.lang;
        let (title, action, back) = match event {
            Some(id) => (
                "events-edit",
                format!("/events/{id}/edit"),
                format!("/events/{id}"),
            ),
            None => ("events-new", "/events/new".to_owned(), "/events".to_owned()),
        };
        FormPage {
            page: Page::new(app, ctx, title),
            action,
            back,
            types: lists
                .types
                .iter()
                .filter(|t| !t.retired || t.id == input.type_id)
                .map(|t| Choice::new(&t.id, t.name(lang), t.id == input.type_id))
                .collect(),
            formats: EventFormat::ALL
                .iter()
                .map(|f| {
                    Choice::new(
                        f.as_str(),
                        i18n::text(lang, f.message_id()),
                        f.as_str() == input.format,
                    )
                })
                .collect(),
            oblasts: oblast_choices(lang, &input.oblast),
            staff: lists
                .users
                .iter()
                .filter(|u| {
                    input.staff_trainers.contains(&u.id.0)
                        || (!u.disabled
                            && (u.roles.contains(Role::Trainer)
                                || u.roles.contains(Role::Coordinator)))
                })
                .map(|u| {
                    Choice::new(
                        &u.id.0,
                        &u.display_name,
                        input.staff_trainers.contains(&u.id.0),
                    )
                })
                .collect(),
            funders: funder_choices(&lists.funders, |f| input.funder_ids.contains(&f.id)),
            currencies: Currency::ALL
                .iter()
                .map(|c| Choice::new(c.as_str(), c.as_str(), c.as_str() == input.budget_currency))
                .collect(),
            statuses: EventStatus::ALL
                .iter()
                .map(|s| {
                    Choice::new(
                        s.as_str(),
                        i18n::text(lang, s.message_id()),
                        s.as_str() == input.status,
                    )
                })
                .collect(),
            input,
            errors,
        }
    }
}

async fn new_form(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
) -> Result<Html<String>, AppError> {
    let lists = lists(&app).await?;
    let input = EventInput {
        format: EventFormat::InPerson.as_str().to_owned(),
        status: EventStatus::Planned.as_str().to_owned(),
        budget_currency: Currency::Uah.as_str().to_owned(),
        staff_trainers: if staff.user.roles.contains(Role::Trainer) {
            vec![staff.user.id.0.clone()]
        } else {
            Vec::new()
        },
        ..EventInput::default()
    };
    let page = FormPage::new(&app, &ctx, None, input, &lists, FieldErrors::default());
    Ok(Html(page.render()?))
}

/// Reads the posted fields; checkboxes repeat their names.
fn read_input(pairs: &[(String, String)]) -> EventInput {
    let one = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let many = |name: &str| {
        pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>()
    };
    EventInput {
        title: one("title"),
        type_id: one("type_id"),
        topics: one("topics"),
        format: one("format"),
        start_date: one("start_date"),
        end_date: one("end_date"),
        days: one("days"),
        oblast: one("oblast"),
        city: one("city"),
        venue: one("venue"),
        staff_trainers: many("staff_trainers"),
        external_trainers: one("external_trainers"),
        funder_ids: many("funder_ids"),
        budget_amount: one("budget_amount"),
        budget_currency: one("budget_currency"),
        agenda: one("agenda"),
        planned_participants: one("planned_participants"),
        actual_participants: one("actual_participants"),
        status: one("status"),
        notes: one("notes"),
    }
}

/// Checks the input against the organisation's lists, with every problem
/// as a message next to its field.
fn check(lang: Lang, input: &EventInput, lists: &Lists) -> Result<EventDetails, FieldErrors> {
    let refs = EventRefs {
        types: &lists.types,
        funders: &lists.funders,
        staff: &lists.users,
    };
    check_event(input, &refs).map_err(|problems| {
        let mut errors = FieldErrors::default();
        for (field, problem) in problems {
            errors.add(field, i18n::text(lang, problem.message_id()));
        }
        errors
    })
}

async fn create_event(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let lists = lists(&app).await?;
    let input = read_input(&pairs);
    match check(ctx.lang, &input, &lists) {
        Ok(details) => {
            let id = changes::create_event(&app, &ctx, &staff, &details).await?;
            tracing::info!(event = %id, "event created");
            Ok(Redirect::to(&format!("/events/{id}?notice=created")).into_response())
        }
        Err(errors) => {
            let page = FormPage::new(&app, &ctx, None, input, &lists, errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
    }
}

/// The event's details as the form shows them.
fn input_of(event: &Event) -> EventInput {
    let d = &event.details;
    let all_days = d.days == days_between(d.start, d.end);
    EventInput {
        title: d.title.clone(),
        type_id: d.type_id.clone(),
        topics: d.topics.join(", "),
        format: d.format.as_str().to_owned(),
        start_date: d.start.to_string(),
        end_date: d.end.to_string(),
        days: if all_days {
            String::new()
        } else {
            d.days
                .iter()
                .map(|day| day.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        },
        oblast: d.oblast.map(|o| o.code().to_owned()).unwrap_or_default(),
        city: d.city.clone(),
        venue: d.venue.clone(),
        staff_trainers: d
            .trainers
            .iter()
            .filter_map(|t| match t {
                Trainer::Staff(id) => Some(id.0.clone()),
                Trainer::External(_) => None,
            })
            .collect(),
        external_trainers: d
            .trainers
            .iter()
            .filter_map(|t| match t {
                Trainer::External(name) => Some(name.clone()),
                Trainer::Staff(_) => None,
            })
            .collect::<Vec<_>>()
            .join("\n"),
        funder_ids: d.funder_ids.clone(),
        budget_amount: d.budget.map(|b| b.plain()).unwrap_or_default(),
        budget_currency: d
            .budget
            .map_or(Currency::Uah, |b| b.currency)
            .as_str()
            .to_owned(),
        agenda: d.agenda.clone(),
        planned_participants: d
            .planned_participants
            .map(|n| n.to_string())
            .unwrap_or_default(),
        actual_participants: d
            .actual_participants
            .map(|n| n.to_string())
            .unwrap_or_default(),
        status: d.status.as_str().to_owned(),
        notes: d.notes.clone(),
    }
}

async fn edit_form(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let (event, _) = event_for(&app, &staff, &id, EventAccess::Manage).await?;
    let lists = lists(&app).await?;
    let page = FormPage::new(
        &app,
        &ctx,
        Some(&id),
        input_of(&event),
        &lists,
        FieldErrors::default(),
    );
    Ok(Html(page.render()?))
}

async fn update_event(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (event, _) = event_for(&app, &staff, &id, EventAccess::Manage).await?;
    let lists = lists(&app).await?;
    let input = read_input(&pairs);
    let checked = match check(ctx.lang, &input, &lists) {
        Ok(details) => {
            // Days with attendance cannot silently disappear from the event.
            let registrations = app.store.registrations(&event.id).await?;
            let lost = changes::days_losing_attendance(&registrations, &details);
            if lost.is_empty() {
                Ok(details)
            } else {
                let days: Vec<String> = lost.iter().map(|d| short_day(ctx.lang, *d)).collect();
                let mut errors = FieldErrors::default();
                errors.add(
                    "days",
                    i18n::text_with(
                        ctx.lang,
                        "event-days-have-attendance",
                        &[("days", days.join(", "))],
                    ),
                );
                Err(errors)
            }
        }
        Err(errors) => Err(errors),
    };
    match checked {
        Ok(details) => {
            changes::update_event(&app, &ctx, &event, &details).await?;
            Ok(Redirect::to(&format!("/events/{id}?notice=saved")).into_response())
        }
        Err(errors) => {
            let page = FormPage::new(&app, &ctx, Some(&id), input, &lists, errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
    }
}
