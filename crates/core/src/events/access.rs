//! Row-level rules: which events and participants a member of staff may see
//! and change, beyond what their roles allow in the permission table.
//!
//! - Coordinators manage every event and every participant.
//! - Trainers manage the events they are trainers of, and the participants
//!   registered to them; they see other events' details but not who came.
//! - Monitors (regional leaders) see the events of their oblast with their
//!   participants, and manage the participants of their oblast.
//! - Viewers see counts only.

use super::event::Event;
use crate::auth::{Role, User};
use crate::org::Oblast;

/// What a person may do with one event, from least to most.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventAccess {
    None,
    /// Figures only (the summary page).
    Counts,
    /// What, when, where, who runs it; not who came.
    Details,
    /// Also the participants and their attendance, read-only.
    Participants,
    /// Edit, register, mark attendance, print, upload materials.
    Manage,
}

pub fn event_access(user: &User, event: &Event) -> EventAccess {
    if user.disabled {
        return EventAccess::None;
    }
    let mut access = EventAccess::None;
    for role in user.roles.iter() {
        let by_role = match role {
            Role::Coordinator => EventAccess::Manage,
            Role::Trainer if event.is_trainer(&user.id) => EventAccess::Manage,
            Role::Trainer => EventAccess::Details,
            Role::Monitor if user.oblast.is_some() && user.oblast == event.details.oblast => {
                EventAccess::Participants
            }
            Role::Viewer => EventAccess::Counts,
            Role::Monitor | Role::Admin | Role::CaseWorker => EventAccess::None,
        };
        access = access.max(by_role);
    }
    access
}

/// Which events a person's list and calendar show: the rule of
/// [`event_access`] at the level of `Details` or more, as a filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventListScope {
    All,
    Oblast(Oblast),
    Nothing,
}

pub fn event_list_scope(user: &User) -> EventListScope {
    if user.disabled {
        return EventListScope::Nothing;
    }
    if user.roles.contains(Role::Coordinator) || user.roles.contains(Role::Trainer) {
        return EventListScope::All;
    }
    match (user.roles.contains(Role::Monitor), user.oblast) {
        (true, Some(oblast)) => EventListScope::Oblast(oblast),
        _ => EventListScope::Nothing,
    }
}

/// What a person may do with one participant's record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParticipantAccess {
    None,
    /// Find by code or nickname to register; see code and nickname only.
    Find,
    /// Read and edit the record, see personal details (each reading audited).
    Manage,
}

/// What the rule needs to know about a participant.
pub struct ParticipantFacts<'a> {
    pub oblast: Option<Oblast>,
    /// The events the participant is registered to.
    pub events: &'a [Event],
}

pub fn participant_access(user: &User, facts: &ParticipantFacts<'_>) -> ParticipantAccess {
    if user.disabled {
        return ParticipantAccess::None;
    }
    let mut access = ParticipantAccess::None;
    for role in user.roles.iter() {
        let by_role = match role {
            Role::Coordinator => ParticipantAccess::Manage,
            Role::Trainer if facts.events.iter().any(|e| e.is_trainer(&user.id)) => {
                ParticipantAccess::Manage
            }
            Role::Monitor if user.oblast.is_some() && user.oblast == facts.oblast => {
                ParticipantAccess::Manage
            }
            Role::Trainer | Role::Monitor => ParticipantAccess::Find,
            Role::Admin | Role::CaseWorker | Role::Viewer => ParticipantAccess::None,
        };
        access = access.max(by_role);
    }
    access
}

/// Which part of the register a person's list shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegisterScope {
    Everyone,
    /// Participants of this oblast, and of these trainers' events.
    Limited {
        oblast: Option<Oblast>,
        trainer: Option<crate::auth::UserId>,
    },
}

pub fn register_scope(user: &User) -> RegisterScope {
    if user.roles.contains(Role::Coordinator) {
        return RegisterScope::Everyone;
    }
    RegisterScope::Limited {
        oblast: user
            .roles
            .contains(Role::Monitor)
            .then_some(user.oblast)
            .flatten(),
        trainer: user.roles.contains(Role::Trainer).then(|| user.id.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{RoleSet, UserId};
    use crate::events::event::{EventDetails, EventFormat, EventId, EventStatus, Trainer};
    use crate::time::Timestamp;

    fn user(id: &str, roles: &[Role], oblast: Option<Oblast>) -> User {
        User {
            id: UserId(id.into()),
            login: crate::auth::LoginName::parse(&format!("user-{id}")).unwrap(),
            display_name: id.into(),
            roles: RoleSet::of(roles),
            oblast,
            language: None,
            disabled: false,
            created_at: Timestamp(0),
        }
    }

    fn event(trainer: &str, oblast: Option<Oblast>) -> Event {
        let day: jiff::civil::Date = "2024-03-12".parse().unwrap();
        Event {
            id: EventId("e".into()),
            details: EventDetails {
                title: "t".into(),
                type_id: "training".into(),
                topics: vec![],
                format: EventFormat::InPerson,
                start: day,
                end: day,
                days: vec![day],
                oblast,
                city: String::new(),
                venue: String::new(),
                trainers: vec![Trainer::Staff(UserId(trainer.into()))],
                funder_ids: vec![],
                budget: None,
                agenda: String::new(),
                planned_participants: None,
                actual_participants: None,
                status: EventStatus::Planned,
                notes: String::new(),
            },
            created_by: None,
            created_at: Timestamp(0),
            updated_at: Timestamp(0),
        }
    }

    #[test]
    fn coordinators_manage_trainers_manage_their_own_and_see_others() {
        let kharkiv = event("t1", Some(Oblast::Kharkiv));
        assert_eq!(
            event_access(&user("c", &[Role::Coordinator], None), &kharkiv),
            EventAccess::Manage
        );
        assert_eq!(
            event_access(&user("t1", &[Role::Trainer], None), &kharkiv),
            EventAccess::Manage
        );
        assert_eq!(
            event_access(&user("t2", &[Role::Trainer], None), &kharkiv),
            EventAccess::Details
        );
    }

    #[test]
    fn monitors_see_their_oblast_and_viewers_see_counts() {
        let kharkiv = event("t1", Some(Oblast::Kharkiv));
        let online = event("t1", None);
        let monitor = user("m", &[Role::Monitor], Some(Oblast::Kharkiv));
        assert_eq!(event_access(&monitor, &kharkiv), EventAccess::Participants);
        assert_eq!(event_access(&monitor, &online), EventAccess::None);
        let elsewhere = user("m2", &[Role::Monitor], Some(Oblast::Lviv));
        assert_eq!(event_access(&elsewhere, &kharkiv), EventAccess::None);
        assert_eq!(
            event_access(&user("v", &[Role::Viewer], None), &kharkiv),
            EventAccess::Counts
        );
        assert_eq!(
            event_access(&user("a", &[Role::Admin], None), &kharkiv),
            EventAccess::None
        );
    }

    #[test]
    fn a_person_with_two_roles_gets_the_wider_access() {
        let both = user("t2", &[Role::Monitor, Role::Trainer], Some(Oblast::Lviv));
        assert_eq!(
            event_access(&both, &event("t2", Some(Oblast::Kharkiv))),
            EventAccess::Manage
        );
        assert_eq!(
            event_access(&both, &event("x", Some(Oblast::Lviv))),
            EventAccess::Participants
        );
    }

    #[test]
    fn participants_are_managed_by_coordinators_their_trainers_and_their_oblasts_monitor() {
        let events = [event("t1", Some(Oblast::Kharkiv))];
        let facts = ParticipantFacts {
            oblast: Some(Oblast::Odesa),
            events: &events,
        };
        let access = |u: &User| participant_access(u, &facts);
        assert_eq!(
            access(&user("c", &[Role::Coordinator], None)),
            ParticipantAccess::Manage
        );
        assert_eq!(
            access(&user("t1", &[Role::Trainer], None)),
            ParticipantAccess::Manage
        );
        assert_eq!(
            access(&user("t2", &[Role::Trainer], None)),
            ParticipantAccess::Find
        );
        assert_eq!(
            access(&user("m", &[Role::Monitor], Some(Oblast::Odesa))),
            ParticipantAccess::Manage
        );
        assert_eq!(
            access(&user("m", &[Role::Monitor], Some(Oblast::Lviv))),
            ParticipantAccess::Find
        );
        assert_eq!(
            access(&user("v", &[Role::Viewer], None)),
            ParticipantAccess::None
        );
    }
}
