//! Events, registrations, attendance and event figures over the JSON API,
//! with the same permissions and row-level rules as the pages.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kolo_core::StoreError;
use kolo_core::auth::{Action, User};
use kolo_core::events::{
    AttendanceUpdate, Event, EventAccess, EventDetails, EventInput, EventListItem, EventRefs,
    Registration, RegistrationId, Trainer, check_event, parse_day,
};
use kolo_core::lang::Lang;
use kolo_core::participants::ParticipantId;
use kolo_core::time::Timestamp;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use stats::suppression::Cell;

use super::changes::{self, AttendanceSource};
use super::event_for;
use super::web::FilterForm;
use crate::app::AppState;
use crate::web::{Access, ApiDoc, AppError, RequestContext, RouteTable, Staff, i18n};

pub fn routes() -> RouteTable {
    let view = Access::Staff(Action::ViewEvents);
    let manage = Access::Staff(Action::ManageEvents);
    RouteTable::new()
        .api_get(
            "/api/v1/events",
            view,
            ApiDoc {
                summary: "Events the token's account may see, latest first; filters as on the list page",
                response: "EventList",
            },
            list,
        )
        .api_post(
            "/api/v1/events",
            Access::Staff(Action::CreateEvents),
            ApiDoc {
                summary: "Create an event",
                response: "Event",
            },
            "EventInput",
            create,
        )
        .api_get(
            "/api/v1/events/{id}",
            view,
            ApiDoc {
                summary: "One event",
                response: "Event",
            },
            one,
        )
        .api_put(
            "/api/v1/events/{id}",
            manage,
            ApiDoc {
                summary: "Replace an event's details (a status of `cancelled` cancels it); days with attendance cannot be dropped",
                response: "Event",
            },
            "EventInput",
            update,
        )
        .api_get(
            "/api/v1/events/{id}/registrations",
            view,
            ApiDoc {
                summary: "Who is registered to an event, with the days present",
                response: "RegistrationList",
            },
            registrations,
        )
        .api_post(
            "/api/v1/events/{id}/registrations",
            manage,
            ApiDoc {
                summary: "Register a participant to an event",
                response: "Registration",
            },
            "RegistrationInput",
            register,
        )
        .api_delete(
            "/api/v1/events/{id}/registrations/{registration}",
            manage,
            ApiDoc {
                summary: "Remove a registration and its attendance",
                response: "Removed",
            },
            unregister,
        )
        .api_get(
            "/api/v1/events/{id}/attendance",
            view,
            ApiDoc {
                summary: "The attendance grid of an event",
                response: "Attendance",
            },
            attendance,
        )
        .api_post(
            "/api/v1/events/{id}/attendance",
            manage,
            ApiDoc {
                summary: "Mark participants present or absent on event days, all or nothing",
                response: "Attendance",
            },
            "AttendanceInput",
            mark_attendance,
        )
        .api_get(
            "/api/v1/figures/events",
            Access::Staff(Action::ViewEventFigures),
            ApiDoc {
                summary: "Events held and participations by type and format, small counts suppressed",
                response: "EventFigures",
            },
            figures,
        )
}

/// A JSON error with each faulty field named.
pub(crate) fn invalid(
    lang: Lang,
    status: StatusCode,
    code: &str,
    fields: Vec<(String, String)>,
) -> Response {
    let fields: serde_json::Map<String, Value> = fields
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    (
        status,
        Json(json!({
            "error": code,
            "message": i18n::text(lang, "api-invalid"),
            "fields": fields,
        })),
    )
        .into_response()
}

/// The body as `T`, or the 422 that says what is wrong with it.
pub(crate) fn parse_body<T: DeserializeOwned>(
    lang: Lang,
    body: &Bytes,
) -> Result<T, Box<Response>> {
    serde_json::from_slice(body).map_err(|e| {
        Box::new(invalid(
            lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            vec![(
                "body".to_owned(),
                format!("{}: {e}", i18n::text(lang, "api-body-invalid")),
            )],
        ))
    })
}

pub(crate) fn cell_json(cell: Cell) -> Value {
    match cell {
        Cell::Shown(n) => json!(n),
        Cell::Suppressed => json!("suppressed"),
    }
}

fn item_json(item: &EventListItem) -> Value {
    json!({
        "id": item.id.0,
        "title": item.title,
        "type": item.type_id,
        "format": item.format.as_str(),
        "start": item.start.to_string(),
        "end": item.end.to_string(),
        "oblast": item.oblast.map(|o| o.code()),
        "city": item.city,
        "status": item.status.as_str(),
        "registered": item.registered,
        "attended": item.attended,
    })
}

fn event_json(event: &Event) -> Value {
    let d = &event.details;
    json!({
        "id": event.id.0,
        "title": d.title,
        "type": d.type_id,
        "topics": d.topics,
        "format": d.format.as_str(),
        "start": d.start.to_string(),
        "end": d.end.to_string(),
        "days": d.days.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "oblast": d.oblast.map(|o| o.code()),
        "city": d.city,
        "venue": d.venue,
        "trainers": d.trainers.iter().map(|t| match t {
            Trainer::Staff(id) => json!({ "staff": id.0 }),
            Trainer::External(name) => json!({ "external": name }),
        }).collect::<Vec<_>>(),
        "funders": d.funder_ids,
        "budget": d.budget.map(|b| json!({ "amount": b.plain(), "currency": b.currency.as_str() })),
        "agenda": d.agenda,
        "planned_participants": d.planned_participants,
        "actual_participants": d.actual_participants,
        "status": d.status.as_str(),
        "notes": d.notes,
    })
}

fn registration_json(r: &Registration) -> Value {
    json!({
        "id": r.id.0,
        "participant_id": r.participant_id.0,
        "uic": r.uic.as_str(),
        "nickname": r.nickname,
        "present": r.present.iter().map(ToString::to_string).collect::<Vec<_>>(),
    })
}

async fn list(
    State(app): State<AppState>,
    staff: Staff,
    Query(form): Query<FilterForm>,
) -> Result<Json<Value>, AppError> {
    let items = match form.to_filter(&staff) {
        Some(filter) => app.store.events(&filter).await?,
        None => Vec::new(),
    };
    Ok(Json(
        json!({ "events": items.iter().map(item_json).collect::<Vec<_>>() }),
    ))
}

/// The event's fields as JSON; lists are arrays, numbers may be numbers.
#[derive(Deserialize, Default)]
#[serde(default)]
struct EventBody {
    title: String,
    #[serde(rename = "type")]
    type_id: String,
    topics: Vec<String>,
    format: String,
    start: String,
    end: String,
    days: Vec<String>,
    oblast: Option<String>,
    city: String,
    venue: String,
    staff_trainers: Vec<String>,
    external_trainers: Vec<String>,
    funders: Vec<String>,
    budget_amount: Option<Value>,
    budget_currency: Option<String>,
    agenda: String,
    planned_participants: Option<Value>,
    actual_participants: Option<Value>,
    status: Option<String>,
    notes: String,
}

fn text_of(value: &Option<Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

impl EventBody {
    fn into_input(self) -> EventInput {
        EventInput {
            title: self.title,
            type_id: self.type_id,
            topics: self.topics.join(", "),
            format: self.format,
            start_date: self.start,
            end_date: self.end,
            days: self.days.join(","),
            oblast: self.oblast.unwrap_or_default(),
            city: self.city,
            venue: self.venue,
            staff_trainers: self.staff_trainers,
            external_trainers: self.external_trainers.join("\n"),
            funder_ids: self.funders,
            budget_amount: text_of(&self.budget_amount),
            budget_currency: self.budget_currency.unwrap_or_default(),
            agenda: self.agenda,
            planned_participants: text_of(&self.planned_participants),
            actual_participants: text_of(&self.actual_participants),
            status: self.status.unwrap_or_default(),
            notes: self.notes,
        }
    }
}

/// API field names for the form's.
fn api_field(field: &str) -> &str {
    match field {
        "type_id" => "type",
        "start_date" => "start",
        "end_date" => "end",
        "funder_ids" => "funders",
        other => other,
    }
}

async fn create(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    body: Bytes,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let body: EventBody = match parse_body(lang, &body) {
        Ok(body) => body,
        Err(response) => return Ok(*response),
    };
    let details = match checked(&app, lang, body).await? {
        Ok(details) => details,
        Err(response) => return Ok(*response),
    };
    let id = changes::create_event(&app, &ctx, &staff, &details).await?;
    let event = app.store.event(&id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(event_json(&event)).into_response())
}

/// The body checked against the organisation's lists, or the 422 naming
/// every faulty field.
async fn checked(
    app: &AppState,
    lang: Lang,
    body: EventBody,
) -> Result<Result<EventDetails, Box<Response>>, AppError> {
    let input = body.into_input();
    let types = app.store.event_types().await?;
    let funders = app.store.funders().await?;
    let users: Vec<User> = app.store.users().await?;
    let refs = EventRefs {
        types: &types,
        funders: &funders,
        staff: &users,
    };
    Ok(check_event(&input, &refs).map_err(|problems| {
        Box::new(invalid(
            lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            problems
                .into_iter()
                .map(|(field, p)| {
                    (
                        api_field(field).to_owned(),
                        i18n::text(lang, p.message_id()),
                    )
                })
                .collect(),
        ))
    }))
}

async fn update(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let (event, _) = event_for(&app, &staff, &id, EventAccess::Manage).await?;
    let body: EventBody = match parse_body(lang, &body) {
        Ok(body) => body,
        Err(response) => return Ok(*response),
    };
    let details = match checked(&app, lang, body).await? {
        Ok(details) => details,
        Err(response) => return Ok(*response),
    };
    let registrations = app.store.registrations(&event.id).await?;
    let lost = changes::days_losing_attendance(&registrations, &details);
    if !lost.is_empty() {
        let days: Vec<String> = lost.iter().map(ToString::to_string).collect();
        return Ok(invalid(
            lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            vec![(
                "days".to_owned(),
                i18n::text_with(
                    lang,
                    "event-days-have-attendance",
                    &[("days", days.join(", "))],
                ),
            )],
        ));
    }
    changes::update_event(&app, &ctx, &event, &details).await?;
    let event = app
        .store
        .event(&event.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(event_json(&event)).into_response())
}

async fn one(
    State(app): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let (event, _) = event_for(&app, &staff, &id, EventAccess::Details).await?;
    Ok(Json(event_json(&event)))
}

async fn registrations(
    State(app): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let (event, _) = event_for(&app, &staff, &id, EventAccess::Participants).await?;
    let list = app.store.registrations(&event.id).await?;
    Ok(Json(
        json!({ "registrations": list.iter().map(registration_json).collect::<Vec<_>>() }),
    ))
}

#[derive(Deserialize)]
struct RegistrationBody {
    participant_id: String,
}

async fn register(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let (event, _) = event_for(&app, &staff, &id, EventAccess::Manage).await?;
    let body: RegistrationBody = match parse_body(lang, &body) {
        Ok(body) => body,
        Err(response) => return Ok(*response),
    };
    let Some(mut participant) = app
        .store
        .participant(&ParticipantId(body.participant_id.clone()))
        .await?
    else {
        return Ok(invalid(
            lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            vec![(
                "participant_id".into(),
                i18n::text(lang, "api-participant-unknown"),
            )],
        ));
    };
    if let Some(target) = participant.merged_into.clone() {
        participant = app
            .store
            .participant(&target)
            .await?
            .ok_or(AppError::NotFound)?;
    }
    let registration =
        changes::new_registration(&event.id, &participant.id, &staff, Timestamp::now());
    match app.store.register(&registration).await {
        Ok(()) => changes::audit_registered(&app, &ctx, &registration).await?,
        Err(StoreError::Conflict(_)) => {
            return Ok(invalid(
                lang,
                StatusCode::CONFLICT,
                "conflict",
                vec![(
                    "participant_id".into(),
                    i18n::text_with(
                        lang,
                        "registration-duplicate",
                        &[("code", participant.uic.to_string())],
                    ),
                )],
            ));
        }
        Err(error) => return Err(error.into()),
    }
    let list = app.store.registrations(&event.id).await?;
    let created = list
        .iter()
        .find(|r| r.id == registration.id)
        .ok_or(AppError::NotFound)?;
    Ok(Json(registration_json(created)).into_response())
}

async fn unregister(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path((id, registration)): Path<(String, String)>,
) -> Result<Json<Value>, AppError> {
    let (event, _) = event_for(&app, &staff, &id, EventAccess::Manage).await?;
    let registration = RegistrationId(registration);
    changes::unregister(&app, &ctx, &event.id, &registration).await?;
    Ok(Json(json!({ "removed": registration.0 })))
}

fn attendance_json(event: &Event, list: &[Registration]) -> Value {
    json!({
        "days": event.details.days.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "rows": list.iter().map(|r| json!({
            "registration_id": r.id.0,
            "uic": r.uic.as_str(),
            "present": r.present.iter().map(ToString::to_string).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

async fn attendance(
    State(app): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let (event, _) = event_for(&app, &staff, &id, EventAccess::Participants).await?;
    let list = app.store.registrations(&event.id).await?;
    Ok(Json(attendance_json(&event, &list)))
}

#[derive(Deserialize)]
struct Mark {
    registration_id: String,
    day: String,
    present: bool,
}

#[derive(Deserialize)]
struct AttendanceBody {
    marks: Vec<Mark>,
}

async fn mark_attendance(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let (event, _) = event_for(&app, &staff, &id, EventAccess::Manage).await?;
    let body: AttendanceBody = match parse_body(lang, &body) {
        Ok(body) => body,
        Err(response) => return Ok(*response),
    };
    let list = app.store.registrations(&event.id).await?;
    let mut problems = Vec::new();
    let mut update = AttendanceUpdate::default();
    // Start from what is recorded for the rows the marks touch.
    for (i, mark) in body.marks.iter().enumerate() {
        let Some(registration) = list.iter().find(|r| r.id.0 == mark.registration_id) else {
            problems.push((
                format!("marks[{i}].registration_id"),
                i18n::text_with(
                    lang,
                    "attendance-unknown-registration",
                    &[("value", mark.registration_id.clone())],
                ),
            ));
            continue;
        };
        match parse_day(&mark.day) {
            Some(day) if event.has_day(day) => {
                if !update.rows.contains(&registration.id) {
                    update.rows.push(registration.id.clone());
                    update.present.extend(
                        registration
                            .present
                            .iter()
                            .map(|d| (registration.id.clone(), *d)),
                    );
                }
                update
                    .present
                    .retain(|(r, d)| !(r == &registration.id && *d == day));
                if mark.present {
                    update.present.push((registration.id.clone(), day));
                }
            }
            Some(_) => problems.push((
                format!("marks[{i}].day"),
                i18n::text_with(
                    lang,
                    "attendance-day-outside",
                    &[("value", mark.day.clone())],
                ),
            )),
            None => problems.push((
                format!("marks[{i}].day"),
                i18n::text(lang, "event-day-invalid"),
            )),
        }
    }
    if !problems.is_empty() {
        return Ok(invalid(
            lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            problems,
        ));
    }
    changes::save_attendance(
        &app,
        &ctx,
        &staff,
        &event.id,
        &[],
        &update,
        AttendanceSource::Api,
    )
    .await?;
    let list = app.store.registrations(&event.id).await?;
    Ok(Json(attendance_json(&event, &list)).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct YearQuery {
    year: String,
}

async fn figures(
    State(app): State<AppState>,
    ctx: RequestContext,
    Query(query): Query<YearQuery>,
) -> Result<Json<Value>, AppError> {
    let (filter, year) = super::figures::year_filter(&query.year);
    let figures = super::figures::compute(&app, ctx.lang, &filter).await?;
    let formats = kolo_core::events::EventFormat::ALL;
    let mut by_type = Vec::new();
    for (t, (id, _)) in figures.types.iter().enumerate() {
        for (f, format) in formats.iter().enumerate() {
            by_type.push(json!({
                "type": id,
                "format": format.as_str(),
                "events_held": figures.held.get(t).and_then(|row| row.get(f)).copied().unwrap_or(0),
                "participations": figures
                    .participations
                    .cells
                    .get(t)
                    .and_then(|row| row.get(f))
                    .copied()
                    .map_or(json!("suppressed"), cell_json),
            }));
        }
    }
    Ok(Json(json!({
        "year": year,
        "unique_people": cell_json(figures.unique_people),
        "participations_total": cell_json(figures.participations.grand_total),
        "by_type_and_format": by_type,
        "events": figures.events.iter().map(|(e, people)| json!({
            "id": e.id.0,
            "title": e.title,
            "start": e.start.to_string(),
            "end": e.end.to_string(),
            "type": e.type_id,
            "format": e.format.as_str(),
            "people": cell_json(*people),
        })).collect::<Vec<_>>(),
    })))
}

/// The schemas of the events API, for the OpenAPI document.
pub fn schemas() -> Value {
    let day = json!({ "type": "string", "format": "date" });
    let count = json!({ "oneOf": [{ "type": "integer" }, { "const": "suppressed" }], "description": "A count, or `suppressed` when it is 1 to 4" });
    let mut all = json!({
        "EventSummary": {
            "type": "object",
            "required": ["id", "title", "type", "format", "start", "end", "status", "registered", "attended"],
            "properties": {
                "id": { "type": "string" }, "title": { "type": "string" }, "type": { "type": "string" },
                "format": { "type": "string", "enum": ["in_person", "online", "hybrid"] },
                "start": day, "end": day,
                "oblast": { "type": ["string", "null"], "description": "ISO 3166-2:UA code" },
                "city": { "type": "string" },
                "status": { "type": "string", "enum": ["planned", "held", "cancelled"] },
                "registered": { "type": "integer" }, "attended": { "type": "integer" }
            }
        },
        "EventList": {
            "type": "object", "required": ["events"],
            "properties": { "events": { "type": "array", "items": { "$ref": "#/components/schemas/EventSummary" } } }
        },
        "Event": {
            "type": "object",
            "required": ["id", "title", "type", "format", "start", "end", "days", "status"],
            "properties": {
                "id": { "type": "string" }, "title": { "type": "string" }, "type": { "type": "string" },
                "topics": { "type": "array", "items": { "type": "string" } },
                "format": { "type": "string", "enum": ["in_person", "online", "hybrid"] },
                "start": day, "end": day, "days": { "type": "array", "items": day },
                "oblast": { "type": ["string", "null"] }, "city": { "type": "string" }, "venue": { "type": "string" },
                "trainers": { "type": "array", "items": { "type": "object", "properties": { "staff": { "type": "string" }, "external": { "type": "string" } } } },
                "funders": { "type": "array", "items": { "type": "string" } },
                "budget": { "type": ["object", "null"], "properties": { "amount": { "type": "string" }, "currency": { "type": "string", "enum": ["UAH", "USD", "EUR"] } } },
                "agenda": { "type": "string" },
                "planned_participants": { "type": ["integer", "null"] }, "actual_participants": { "type": ["integer", "null"] },
                "status": { "type": "string", "enum": ["planned", "held", "cancelled"] },
                "notes": { "type": "string" }
            }
        },
        "EventInput": {
            "type": "object",
            "required": ["title", "type", "format", "start", "end"],
            "properties": {
                "title": { "type": "string", "maxLength": 200 }, "type": { "type": "string", "description": "An event type id" },
                "topics": { "type": "array", "items": { "type": "string" } },
                "format": { "type": "string", "enum": ["in_person", "online", "hybrid"] },
                "start": day, "end": day,
                "days": { "type": "array", "items": day, "description": "Days within start..end; every day when absent" },
                "oblast": { "type": ["string", "null"], "description": "Required in person and hybrid" },
                "city": { "type": "string" }, "venue": { "type": "string" },
                "staff_trainers": { "type": "array", "items": { "type": "string" }, "description": "Staff account ids" },
                "external_trainers": { "type": "array", "items": { "type": "string" } },
                "funders": { "type": "array", "items": { "type": "string" }, "description": "Funder ids" },
                "budget_amount": { "type": ["string", "number", "null"] },
                "budget_currency": { "type": ["string", "null"], "enum": ["UAH", "USD", "EUR", null] },
                "agenda": { "type": "string" },
                "planned_participants": { "type": ["integer", "null"] }, "actual_participants": { "type": ["integer", "null"] },
                "status": { "type": "string", "enum": ["planned", "held", "cancelled"] },
                "notes": { "type": "string" }
            }
        },
        "Registration": {
            "type": "object",
            "required": ["id", "participant_id", "uic", "nickname", "present"],
            "properties": {
                "id": { "type": "string" }, "participant_id": { "type": "string" },
                "uic": { "type": "string" }, "nickname": { "type": "string" },
                "present": { "type": "array", "items": day }
            }
        },
        "RegistrationList": {
            "type": "object", "required": ["registrations"],
            "properties": { "registrations": { "type": "array", "items": { "$ref": "#/components/schemas/Registration" } } }
        },
        "Removed": {
            "type": "object", "required": ["removed"],
            "properties": { "removed": { "type": "string", "description": "The id of what was removed" } }
        },
        "RegistrationInput": {
            "type": "object", "required": ["participant_id"],
            "properties": { "participant_id": { "type": "string" } }
        },
        "Attendance": {
            "type": "object", "required": ["days", "rows"],
            "properties": {
                "days": { "type": "array", "items": day },
                "rows": { "type": "array", "items": { "type": "object", "properties": {
                    "registration_id": { "type": "string" }, "uic": { "type": "string" },
                    "present": { "type": "array", "items": day } } } }
            }
        },
        "AttendanceInput": {
            "type": "object", "required": ["marks"],
            "properties": { "marks": { "type": "array", "items": { "type": "object",
                "required": ["registration_id", "day", "present"],
                "properties": { "registration_id": { "type": "string" }, "day": day, "present": { "type": "boolean" } } } } }
        },
        "EventFigures": {
            "type": "object", "required": ["year", "unique_people", "by_type_and_format", "events"],
            "properties": {
                "year": { "type": "string" },
                "unique_people": count, "participations_total": count,
                "by_type_and_format": { "type": "array", "items": { "type": "object", "properties": {
                    "type": { "type": "string" }, "format": { "type": "string" },
                    "events_held": { "type": "integer" }, "participations": count } } },
                "events": { "type": "array", "items": { "type": "object", "properties": {
                    "id": { "type": "string" }, "title": { "type": "string" }, "start": day, "end": day,
                    "type": { "type": "string" }, "format": { "type": "string" }, "people": count } } }
            }
        }
    });
    if let (Value::Object(all), Value::Object(participants)) =
        (&mut all, crate::participants::api_schemas())
    {
        all.extend(participants);
    }
    all
}
