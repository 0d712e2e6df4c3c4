//! Events of the programme, who runs and funds them, who is registered, and
//! who came on which day.

mod access;
mod event;
mod input;
mod material;
mod registration;
mod store;

pub use access::{
    EventAccess, EventListScope, ParticipantAccess, ParticipantFacts, RegisterScope, event_access,
    event_list_scope, participant_access, register_scope,
};
pub use event::{
    Currency, Event, EventDetails, EventFilter, EventFormat, EventId, EventListItem, EventStatus,
    EventType, Funder, MAX_EVENT_DAYS, Money, Trainer,
};
pub use input::{
    EventInput, EventProblem, EventRefs, FieldProblem, check_event, days_between, parse_day,
};
pub use material::{
    MAX_MATERIAL_BYTES, MaterialInfo, MaterialKind, MaterialProblem, check_material,
    clean_file_name,
};
pub use registration::{
    AttendanceProblem, AttendanceUpdate, NewRegistration, ParticipantEvent, Registration,
    RegistrationId, check_attendance,
};
pub use store::{AttendeeFact, EventStore, RegistrationStore};
