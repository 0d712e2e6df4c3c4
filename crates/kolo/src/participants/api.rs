//! The participant register over the JSON API. Personal details never leave
//! through the API: it says whether they are stored, and the audited contact
//! page shows them.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kolo_core::auth::Action;
use kolo_core::events::{ParticipantAccess, register_scope};
use kolo_core::org::Oblast;
use kolo_core::participants::{Group, Participant, ParticipantQuery, ParticipantSummary};
use serde::Deserialize;
use serde_json::{Value, json};

use super::form::{Added, EditForm, NewForm, add_participant, edit_participant};
use super::participant_for;
use crate::app::AppState;
use crate::events::api_helpers::{invalid, parse_body};
use crate::web::{Access, ApiDoc, AppError, RequestContext, RouteTable, Staff, i18n};

pub fn routes() -> RouteTable {
    RouteTable::new()
        .api_get(
            "/api/v1/participants",
            Access::Staff(Action::ViewParticipants),
            ApiDoc {
                summary: "The register as the token's account may see it; `q` searches codes and nicknames",
                response: "ParticipantList",
            },
            list,
        )
        .api_post(
            "/api/v1/participants",
            Access::Staff(Action::ManageParticipants),
            ApiDoc {
                summary: "Add a participant: the code is computed from the answers; near-duplicates are refused unless confirmed",
                response: "Participant",
            },
            "ParticipantInput",
            create,
        )
        .api_get(
            "/api/v1/participants/{id}",
            Access::Staff(Action::ViewParticipants),
            ApiDoc {
                summary: "One participant (without personal details)",
                response: "Participant",
            },
            one,
        )
        .api_put(
            "/api/v1/participants/{id}",
            Access::Staff(Action::ManageParticipants),
            ApiDoc {
                summary: "Replace a participant's profile and consents; set or erase the personal details the consents allow",
                response: "Participant",
            },
            "ParticipantEdit",
            edit,
        )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    q: String,
    oblast: String,
    group: String,
    offset: u32,
}

fn summary_json(p: &ParticipantSummary) -> Value {
    json!({
        "id": p.id.0,
        "uic": p.uic.as_str(),
        "nickname": p.nickname,
        "oblast": p.oblast.map(|o| o.code()),
        "group": p.group.map(|g| g.as_str()),
        "events": p.events,
    })
}

fn participant_json(p: &Participant, full: bool) -> Value {
    let mut value = json!({
        "id": p.id.0,
        "uic": p.uic.as_str(),
        "nickname": p.profile.nickname.as_str(),
        "oblast": p.profile.oblast.map(|o| o.code()),
        "merged_into": p.merged_into.as_ref().map(|m| m.0.clone()),
    });
    if full {
        value["group"] = json!(p.profile.group.map(|g| g.as_str()));
        value["gender"] = json!(p.profile.gender.map(|g| g.as_str()));
        value["age_band"] = json!(p.profile.age_band.map(|a| a.as_str()));
        value["consents"] =
            json!({ "contact": p.consents.contact, "certificate": p.consents.certificate });
        value["personal_stored"] = json!({
            "real_name": p.personal.real_name.is_some(),
            "phone": p.personal.phone.is_some(),
            "messenger": p.personal.messenger.is_some(),
        });
    }
    value
}

async fn list(
    State(app): State<AppState>,
    staff: Staff,
    Query(query): Query<ListQuery>,
) -> Result<Json<Value>, AppError> {
    let search = ParticipantQuery {
        text: (!query.q.trim().is_empty()).then(|| query.q.trim().to_owned()),
        oblast: Oblast::from_code(&query.oblast),
        group: Group::parse(&query.group),
        scope: register_scope(&staff.user),
        include_merged: false,
        merged_into: None,
        limit: 200,
        offset: query.offset,
    };
    let found = app.store.find_participants(&search).await?;
    let total = app.store.count_participants(&search).await?;
    Ok(Json(json!({
        "participants": found.iter().map(summary_json).collect::<Vec<_>>(),
        "total": total,
    })))
}

async fn one(
    State(app): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let (participant, access) = participant_for(&app, &staff, &id, ParticipantAccess::Find).await?;
    Ok(Json(participant_json(
        &participant,
        access >= ParticipantAccess::Manage,
    )))
}

/// The new participant's answers and details as JSON.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ParticipantBody {
    mother_name: Option<String>,
    father_name: Option<String>,
    sex: String,
    birth_date: String,
    suffix: Option<u8>,
    nickname: String,
    oblast: Option<String>,
    group: Option<String>,
    gender: Option<String>,
    age_band: Option<String>,
    consent_contact: bool,
    consent_certificate: bool,
    real_name: Option<String>,
    phone: Option<String>,
    messenger: Option<String>,
    confirm_new: bool,
    event_id: Option<String>,
}

impl ParticipantBody {
    /// `null` for a parent's name means "does not know".
    fn into_form(self) -> NewForm {
        let on = |flag: bool| flag.then(|| "on".to_owned());
        NewForm {
            mother_unknown: on(self.mother_name.is_none()),
            mother_name: self.mother_name.unwrap_or_default(),
            father_unknown: on(self.father_name.is_none()),
            father_name: self.father_name.unwrap_or_default(),
            sex: self.sex,
            birth_date: self.birth_date,
            suffix: self.suffix.map(|s| s.to_string()).unwrap_or_default(),
            nickname: self.nickname,
            oblast: self.oblast.unwrap_or_default(),
            group: self.group.unwrap_or_default(),
            gender: self.gender.unwrap_or_default(),
            age_band: self.age_band.unwrap_or_default(),
            consent_contact: on(self.consent_contact),
            consent_certificate: on(self.consent_certificate),
            real_name: self.real_name.unwrap_or_default(),
            phone: self.phone.unwrap_or_default(),
            messenger: self.messenger.unwrap_or_default(),
            confirm_new: on(self.confirm_new),
            event: self.event_id.unwrap_or_default(),
        }
    }
}

async fn create(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    body: Bytes,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let body: ParticipantBody = match parse_body(lang, &body) {
        Ok(body) => body,
        Err(response) => return Ok(*response),
    };
    let form = body.into_form();
    match add_participant(&app, &ctx, &staff, &form).await? {
        Added::Done(id) => {
            let participant = super::load(&app, &id.0).await?;
            Ok(Json(participant_json(&participant, true)).into_response())
        }
        Added::Invalid(errors) => Ok(invalid(
            lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            errors
                .entries()
                .map(|(field, message)| {
                    let field = if field == "event" { "event_id" } else { field };
                    (field.to_owned(), message.to_owned())
                })
                .collect(),
        )),
        Added::Duplicates {
            computed,
            candidates,
            taken,
        } => {
            let code = if taken {
                "code_taken"
            } else {
                "possible_duplicate"
            };
            let message = if taken {
                "participant-code-taken"
            } else {
                "duplicates-title"
            };
            Ok((
                StatusCode::CONFLICT,
                Json(json!({
                    "error": code,
                    "message": i18n::text(lang, message),
                    "uic": computed.as_str(),
                    "candidates": candidates.iter().map(|c| json!({
                        "id": c.id.0,
                        "uic": c.uic.as_str(),
                        "nickname": c.nickname,
                        "reasons": c.reasons.iter().map(|r| r.message_id().trim_start_matches("duplicate-")).collect::<Vec<_>>(),
                    })).collect::<Vec<_>>(),
                })),
            )
                .into_response())
        }
    }
}

/// An edit of a record as JSON. Absent personal details are kept; those named
/// in `erase` are erased; withdrawing a consent erases what it covered.
#[derive(Deserialize, Default)]
#[serde(default)]
struct EditBody {
    nickname: String,
    oblast: Option<String>,
    group: Option<String>,
    gender: Option<String>,
    age_band: Option<String>,
    consent_contact: bool,
    consent_certificate: bool,
    real_name: Option<String>,
    phone: Option<String>,
    messenger: Option<String>,
    erase: Vec<String>,
}

impl EditBody {
    fn into_form(self) -> EditForm {
        let on = |flag: bool| flag.then(|| "on".to_owned());
        let erase = |field: &str| on(self.erase.iter().any(|e| e == field));
        EditForm {
            erase_real_name: erase("real_name"),
            erase_phone: erase("phone"),
            erase_messenger: erase("messenger"),
            nickname: self.nickname,
            oblast: self.oblast.unwrap_or_default(),
            group: self.group.unwrap_or_default(),
            gender: self.gender.unwrap_or_default(),
            age_band: self.age_band.unwrap_or_default(),
            consent_contact: on(self.consent_contact),
            consent_certificate: on(self.consent_certificate),
            real_name: self.real_name.unwrap_or_default(),
            phone: self.phone.unwrap_or_default(),
            messenger: self.messenger.unwrap_or_default(),
        }
    }
}

async fn edit(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let (participant, _) = participant_for(&app, &staff, &id, ParticipantAccess::Manage).await?;
    let body: EditBody = match parse_body(lang, &body) {
        Ok(body) => body,
        Err(response) => return Ok(*response),
    };
    if participant.merged_into.is_some() {
        return Ok(invalid(
            lang,
            StatusCode::CONFLICT,
            "merged",
            vec![(
                "id".to_owned(),
                i18n::text(lang, "participant-merged-readonly"),
            )],
        ));
    }
    if let Some(unknown) = body
        .erase
        .iter()
        .find(|e| !matches!(e.as_str(), "real_name" | "phone" | "messenger"))
    {
        return Ok(invalid(
            lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            vec![(
                "erase".to_owned(),
                format!("{}: {unknown}", i18n::text(lang, "api-body-invalid")),
            )],
        ));
    }
    match edit_participant(&app, &ctx, &staff, &participant, &body.into_form()).await? {
        Ok(()) => {
            let participant = super::load(&app, &id).await?;
            Ok(Json(participant_json(&participant, true)).into_response())
        }
        Err(errors) => Ok(invalid(
            lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            errors
                .entries()
                .map(|(field, message)| (field.to_owned(), message.to_owned()))
                .collect(),
        )),
    }
}

/// The schemas of the participants API, for the OpenAPI document.
pub fn schemas() -> Value {
    json!({
        "ParticipantSummary": {
            "type": "object", "required": ["id", "uic", "nickname", "events"],
            "properties": {
                "id": { "type": "string" }, "uic": { "type": "string" }, "nickname": { "type": "string" },
                "oblast": { "type": ["string", "null"] }, "group": { "type": ["string", "null"] },
                "events": { "type": "integer" }
            }
        },
        "ParticipantList": {
            "type": "object", "required": ["participants", "total"],
            "properties": {
                "participants": { "type": "array", "items": { "$ref": "#/components/schemas/ParticipantSummary" } },
                "total": { "type": "integer" }
            }
        },
        "Participant": {
            "type": "object", "required": ["id", "uic", "nickname"],
            "description": "Group, gender, age band, consents and which personal details are stored appear only for those who manage the record. Personal details themselves are never sent.",
            "properties": {
                "id": { "type": "string" }, "uic": { "type": "string" }, "nickname": { "type": "string" },
                "oblast": { "type": ["string", "null"] }, "merged_into": { "type": ["string", "null"] },
                "group": { "type": ["string", "null"] }, "gender": { "type": ["string", "null"] },
                "age_band": { "type": ["string", "null"] },
                "consents": { "type": "object", "properties": { "contact": { "type": "boolean" }, "certificate": { "type": "boolean" } } },
                "personal_stored": { "type": "object", "properties": {
                    "real_name": { "type": "boolean" }, "phone": { "type": "boolean" }, "messenger": { "type": "boolean" } } }
            }
        },
        "ParticipantEdit": {
            "type": "object", "required": ["nickname"],
            "description": "Replaces the profile and consents. Personal details left out are kept; those named in `erase` are erased; withdrawing a consent erases the details it covered.",
            "properties": {
                "nickname": { "type": "string" },
                "oblast": { "type": ["string", "null"] }, "group": { "type": ["string", "null"] },
                "gender": { "type": ["string", "null"] }, "age_band": { "type": ["string", "null"] },
                "consent_contact": { "type": "boolean" }, "consent_certificate": { "type": "boolean" },
                "real_name": { "type": ["string", "null"], "description": "A new value, stored encrypted; only with a consent" },
                "phone": { "type": ["string", "null"], "description": "A new value, stored encrypted; only with consent to contact" },
                "messenger": { "type": ["string", "null"], "description": "A new value, stored encrypted; only with consent to contact" },
                "erase": { "type": "array", "items": { "type": "string", "enum": ["real_name", "phone", "messenger"] } }
            }
        },
        "ParticipantInput": {
            "type": "object", "required": ["sex", "birth_date", "nickname"],
            "description": "The answers the code is computed from are used once and not stored. A parent's name of null means the person does not know it.",
            "properties": {
                "mother_name": { "type": ["string", "null"] }, "father_name": { "type": ["string", "null"] },
                "sex": { "type": "string", "enum": ["female", "male", "other"] },
                "birth_date": { "type": "string", "format": "date" },
                "suffix": { "type": ["integer", "null"], "minimum": 2, "maximum": 9, "description": "Tells apart two people with the same answers" },
                "nickname": { "type": "string" },
                "oblast": { "type": ["string", "null"] }, "group": { "type": ["string", "null"] },
                "gender": { "type": ["string", "null"] }, "age_band": { "type": ["string", "null"] },
                "consent_contact": { "type": "boolean" }, "consent_certificate": { "type": "boolean" },
                "real_name": { "type": ["string", "null"], "description": "Only with a consent; stored encrypted" },
                "phone": { "type": ["string", "null"], "description": "Only with consent to contact; stored encrypted" },
                "messenger": { "type": ["string", "null"], "description": "Only with consent to contact; stored encrypted" },
                "confirm_new": { "type": "boolean", "description": "Create even though near-duplicates exist" },
                "event_id": { "type": ["string", "null"], "description": "Also register to this event" }
            }
        }
    })
}
