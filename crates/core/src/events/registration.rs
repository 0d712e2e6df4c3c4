//! Who is registered to an event, and who came on which day.

use std::fmt;

use jiff::civil::Date;

use super::event::{Event, EventId};
use crate::auth::UserId;
use crate::participants::{ParticipantId, Uic};
use crate::time::Timestamp;

/// A registration's random identifier.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegistrationId(pub String);

impl fmt::Display for RegistrationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A participant registered to an event, with the days they were present.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registration {
    pub id: RegistrationId,
    pub event_id: EventId,
    pub participant_id: ParticipantId,
    pub uic: Uic,
    pub nickname: String,
    /// Whether the participant agreed to a name on certificates.
    pub certificate_consent: bool,
    pub registered_at: Timestamp,
    /// Sorted.
    pub present: Vec<Date>,
}

/// A registration to create.
#[derive(Clone, Debug)]
pub struct NewRegistration {
    pub id: RegistrationId,
    pub event_id: EventId,
    pub participant_id: ParticipantId,
    pub by: Option<UserId>,
    pub at: Timestamp,
}

/// An event in a participant's history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParticipantEvent {
    pub event_id: EventId,
    pub title: String,
    pub start: Date,
    pub end: Date,
    pub days: u32,
    pub present_days: u32,
    /// Set when the registration came from a record merged into this one.
    pub merged_from: Option<ParticipantId>,
}

/// New attendance for some registrations of one event: for each registration
/// in `rows`, exactly the days in `present` (the others become absent).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttendanceUpdate {
    pub rows: Vec<RegistrationId>,
    pub present: Vec<(RegistrationId, Date)>,
}

/// Why a mark is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttendanceProblem {
    /// The registration is not one of this event's.
    UnknownRegistration(String),
    /// The day is not one of the event's days.
    DayOutside(String),
    /// The mark is not `REGISTRATION:YYYY-MM-DD`.
    Malformed(String),
}

impl AttendanceProblem {
    pub fn message_id(&self) -> &'static str {
        match self {
            AttendanceProblem::UnknownRegistration(_) => "attendance-unknown-registration",
            AttendanceProblem::DayOutside(_) => "attendance-day-outside",
            AttendanceProblem::Malformed(_) => "attendance-malformed",
        }
    }
}

/// Checks marks of an attendance grid: `rows` are the registrations shown,
/// `marks` the ticked boxes as `REGISTRATION:YYYY-MM-DD`.
pub fn check_attendance(
    event: &Event,
    registrations: &[Registration],
    rows: &[String],
    marks: &[String],
) -> Result<AttendanceUpdate, Vec<AttendanceProblem>> {
    let mut problems = Vec::new();
    let known = |id: &str| registrations.iter().any(|r| r.id.0 == id);
    let mut update = AttendanceUpdate::default();
    for row in rows {
        if known(row) {
            let id = RegistrationId(row.clone());
            if !update.rows.contains(&id) {
                update.rows.push(id);
            }
        } else {
            problems.push(AttendanceProblem::UnknownRegistration(row.clone()));
        }
    }
    for mark in marks {
        let Some((registration, day)) = mark.split_once(':') else {
            problems.push(AttendanceProblem::Malformed(mark.clone()));
            continue;
        };
        let Some(day) = super::input::parse_day(day) else {
            problems.push(AttendanceProblem::Malformed(mark.clone()));
            continue;
        };
        if !known(registration) {
            problems.push(AttendanceProblem::UnknownRegistration(
                registration.to_owned(),
            ));
        } else if !event.has_day(day) {
            problems.push(AttendanceProblem::DayOutside(day.to_string()));
        } else {
            let id = RegistrationId(registration.to_owned());
            if !update.rows.contains(&id) {
                update.rows.push(id.clone());
            }
            if !update.present.contains(&(id.clone(), day)) {
                update.present.push((id, day));
            }
        }
    }
    if problems.is_empty() {
        Ok(update)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::event::{EventDetails, EventFormat, EventStatus};

    fn event() -> Event {
        let day = |d: &str| d.parse::<Date>().unwrap();
        Event {
            id: EventId("e1".into()),
            details: EventDetails {
                title: "t".into(),
                type_id: "training".into(),
                topics: vec![],
                format: EventFormat::Online,
                start: day("2024-03-12"),
                end: day("2024-03-14"),
                days: vec![day("2024-03-12"), day("2024-03-13"), day("2024-03-14")],
                oblast: None,
                city: String::new(),
                venue: String::new(),
                trainers: vec![],
                funder_ids: vec![],
                budget: None,
                agenda: String::new(),
                planned_participants: None,
                actual_participants: None,
                status: EventStatus::Held,
                notes: String::new(),
            },
            created_by: None,
            created_at: Timestamp(0),
            updated_at: Timestamp(0),
        }
    }

    fn registration(id: &str) -> Registration {
        Registration {
            id: RegistrationId(id.into()),
            event_id: EventId("e1".into()),
            participant_id: ParticipantId(format!("p-{id}")),
            uic: Uic::parse("OKIVF150390").unwrap(),
            nickname: "Оля".into(),
            certificate_consent: false,
            registered_at: Timestamp(0),
            present: vec![],
        }
    }

    #[test]
    fn ticked_boxes_become_the_days_present_of_the_rows_shown() {
        let regs = [registration("r1"), registration("r2")];
        let update = check_attendance(
            &event(),
            &regs,
            &["r1".into(), "r2".into()],
            &["r1:2024-03-12".into(), "r1:2024-03-13".into()],
        )
        .unwrap();
        assert_eq!(update.rows.len(), 2);
        assert_eq!(update.present.len(), 2);
    }

    #[test]
    fn a_day_outside_the_event_or_a_foreign_registration_is_refused() {
        let regs = [registration("r1")];
        let problems = check_attendance(
            &event(),
            &regs,
            &["r1".into()],
            &[
                "r1:2024-03-15".into(),
                "rX:2024-03-12".into(),
                "junk".into(),
            ],
        )
        .unwrap_err();
        assert_eq!(
            problems,
            vec![
                AttendanceProblem::DayOutside("2024-03-15".into()),
                AttendanceProblem::UnknownRegistration("rX".into()),
                AttendanceProblem::Malformed("junk".into()),
            ]
        );
    }
}
