//! Changes to events, registrations and attendance that the pages and the API
//! share: the rule that days with attendance stay, and the audit entries.
//!
//! Audit details hold ids, counts and field names only: never a code, a
//! nickname or anything else about a person.

use jiff::civil::Date;
use kolo_core::events::{
    AttendanceUpdate, Event, EventDetails, EventId, EventStatus, NewRegistration, Registration,
    RegistrationId,
};
use kolo_core::ids::new_id;
use kolo_core::participants::ParticipantId;
use kolo_core::time::Timestamp;
use serde_json::json;

use crate::app::AppState;
use crate::web::{AppError, RequestContext, Staff};

/// Stores a new event and records who created it.
pub(crate) async fn create_event(
    app: &AppState,
    ctx: &RequestContext,
    staff: &Staff,
    details: &EventDetails,
) -> Result<EventId, AppError> {
    let id = EventId(new_id());
    app.store
        .create_event(&id, details, Some(&staff.user.id), Timestamp::now())
        .await?;
    app.audit(
        ctx,
        "event.create",
        &format!("event:{id}"),
        json!({ "type": details.type_id, "status": details.status.as_str(), "days": details.days.len() }),
    )
    .await?;
    Ok(id)
}

/// Days on which someone was marked present that the new details drop:
/// an edit must not silently lose attendance.
pub(crate) fn days_losing_attendance(
    registrations: &[Registration],
    details: &EventDetails,
) -> Vec<Date> {
    let mut lost: Vec<Date> = registrations
        .iter()
        .flat_map(|r| r.present.iter())
        .filter(|day| !details.days.contains(day))
        .copied()
        .collect();
    lost.sort();
    lost.dedup();
    lost
}

/// The names of the fields an edit changes.
fn changed_fields(old: &EventDetails, new: &EventDetails) -> Vec<&'static str> {
    let mut fields = Vec::new();
    let mut check = |name: &'static str, changed: bool| {
        if changed {
            fields.push(name);
        }
    };
    check("title", old.title != new.title);
    check("type", old.type_id != new.type_id);
    check("topics", old.topics != new.topics);
    check("format", old.format != new.format);
    check("start", old.start != new.start);
    check("end", old.end != new.end);
    check("days", old.days != new.days);
    check("oblast", old.oblast != new.oblast);
    check("city", old.city != new.city);
    check("venue", old.venue != new.venue);
    check("trainers", old.trainers != new.trainers);
    check("funders", old.funder_ids != new.funder_ids);
    check("budget", old.budget != new.budget);
    check("agenda", old.agenda != new.agenda);
    check(
        "planned_participants",
        old.planned_participants != new.planned_participants,
    );
    check(
        "actual_participants",
        old.actual_participants != new.actual_participants,
    );
    check("status", old.status != new.status);
    check("notes", old.notes != new.notes);
    fields
}

/// Replaces an event's details. Cancelling (the status becoming
/// "cancelled") is recorded as its own action, so it stands out in the log.
pub(crate) async fn update_event(
    app: &AppState,
    ctx: &RequestContext,
    event: &Event,
    details: &EventDetails,
) -> Result<(), AppError> {
    app.store
        .update_event(&event.id, details, Timestamp::now())
        .await?;
    let cancelled =
        details.status == EventStatus::Cancelled && event.details.status != EventStatus::Cancelled;
    app.audit(
        ctx,
        if cancelled {
            "event.cancel"
        } else {
            "event.edit"
        },
        &format!("event:{}", event.id),
        json!({ "fields": changed_fields(&event.details, details), "status": details.status.as_str() }),
    )
    .await
}

/// A registration of `participant` to `event` by the signed-in person, not
/// yet stored.
pub(crate) fn new_registration(
    event: &EventId,
    participant: &ParticipantId,
    staff: &Staff,
    at: Timestamp,
) -> NewRegistration {
    NewRegistration {
        id: RegistrationId(new_id()),
        event_id: event.clone(),
        participant_id: participant.clone(),
        by: Some(staff.user.id.clone()),
        at,
    }
}

pub(crate) async fn audit_registered(
    app: &AppState,
    ctx: &RequestContext,
    registration: &NewRegistration,
) -> Result<(), AppError> {
    app.audit(
        ctx,
        "event.register",
        &format!("event:{}", registration.event_id),
        json!({ "registration": registration.id.0, "participant": registration.participant_id.0 }),
    )
    .await
}

/// Removes a registration (and its attendance) and records it.
pub(crate) async fn unregister(
    app: &AppState,
    ctx: &RequestContext,
    event: &EventId,
    registration: &RegistrationId,
) -> Result<(), AppError> {
    match app.store.unregister(event, registration).await {
        Ok(()) => {}
        Err(kolo_core::StoreError::NotFound(_)) => return Err(AppError::NotFound),
        Err(error) => return Err(error.into()),
    }
    app.audit(
        ctx,
        "event.unregister",
        &format!("event:{event}"),
        json!({ "registration": registration.0 }),
    )
    .await
}

/// Where an attendance change came from, for the audit log.
#[derive(Clone, Copy)]
pub(crate) enum AttendanceSource {
    Grid,
    Paper,
    Api,
}

impl AttendanceSource {
    fn as_str(self) -> &'static str {
        match self {
            AttendanceSource::Grid => "grid",
            AttendanceSource::Paper => "paper",
            AttendanceSource::Api => "api",
        }
    }
}

/// Registers walk-ins and replaces the attendance of the updated rows in one
/// transaction, then records how many rows and marks changed hands.
pub(crate) async fn save_attendance(
    app: &AppState,
    ctx: &RequestContext,
    staff: &Staff,
    event: &EventId,
    new: &[NewRegistration],
    update: &AttendanceUpdate,
    source: AttendanceSource,
) -> Result<(), AppError> {
    app.store
        .save_attendance(event, new, update, Some(&staff.user.id), Timestamp::now())
        .await?;
    app.audit(
        ctx,
        "event.attendance",
        &format!("event:{event}"),
        json!({
            "source": source.as_str(),
            "rows": update.rows.len(),
            "present": update.present.len(),
            "registered": new.len(),
        }),
    )
    .await
}
