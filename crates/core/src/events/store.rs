//! The storage events need: types, funders, events, materials, registrations
//! and attendance.

use async_trait::async_trait;

use super::event::{
    Event, EventDetails, EventFilter, EventFormat, EventId, EventListItem, EventType, Funder,
};
use super::material::MaterialInfo;
use super::registration::{
    AttendanceUpdate, NewRegistration, ParticipantEvent, Registration, RegistrationId,
};
use crate::auth::UserId;
use crate::participants::ParticipantId;
use crate::store::StoreError;
use crate::time::Timestamp;

/// One person present at an event on at least one day, for figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttendeeFact {
    pub event_id: EventId,
    pub type_id: String,
    pub format: EventFormat,
    pub participant_id: ParticipantId,
}

#[async_trait]
pub trait EventStore: Send + Sync {
    /// Every type, retired ones too, by position.
    async fn event_types(&self) -> Result<Vec<EventType>, StoreError>;
    /// Adds or changes a type.
    async fn save_event_type(&self, event_type: &EventType) -> Result<(), StoreError>;
    /// Every funder, by name.
    async fn funders(&self) -> Result<Vec<Funder>, StoreError>;
    /// Adds or changes a funder; `Conflict` when another has the same name and grant code.
    async fn save_funder(&self, funder: &Funder, now: Timestamp) -> Result<(), StoreError>;
    /// Creates an event with its days, topics, trainers and funders in one transaction.
    async fn create_event(
        &self,
        id: &EventId,
        details: &EventDetails,
        by: Option<&UserId>,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Replaces an event's details in one transaction; `NotFound` when it does not exist.
    async fn update_event(
        &self,
        id: &EventId,
        details: &EventDetails,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    async fn event(&self, id: &EventId) -> Result<Option<Event>, StoreError>;
    /// Events matching the filter, by start date (latest first), with counts.
    async fn events(&self, filter: &EventFilter) -> Result<Vec<EventListItem>, StoreError>;
    async fn add_material(&self, info: &MaterialInfo, bytes: &[u8]) -> Result<(), StoreError>;
    async fn materials(&self, event: &EventId) -> Result<Vec<MaterialInfo>, StoreError>;
    async fn material(
        &self,
        event: &EventId,
        id: &str,
    ) -> Result<Option<(MaterialInfo, Vec<u8>)>, StoreError>;
    /// `NotFound` when the event has no such material.
    async fn delete_material(&self, event: &EventId, id: &str) -> Result<(), StoreError>;
    /// Who was present at the events matching the filter.
    async fn attendees(&self, filter: &EventFilter) -> Result<Vec<AttendeeFact>, StoreError>;
}

#[async_trait]
pub trait RegistrationStore: Send + Sync {
    /// `Conflict("registration")` when the participant is already registered.
    async fn register(&self, registration: &NewRegistration) -> Result<(), StoreError>;
    /// Removes a registration and its attendance; `NotFound` when the event has no such one.
    async fn unregister(&self, event: &EventId, id: &RegistrationId) -> Result<(), StoreError>;
    /// The event's registrations with the days present, by code.
    async fn registrations(&self, event: &EventId) -> Result<Vec<Registration>, StoreError>;
    /// Registers `new` (walk-ins from a paper sheet) and replaces the
    /// attendance of `update.rows`, all in one transaction.
    async fn save_attendance(
        &self,
        event: &EventId,
        new: &[NewRegistration],
        update: &AttendanceUpdate,
        by: Option<&UserId>,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// A participant's events, latest first.
    async fn participant_events(
        &self,
        participant: &ParticipantId,
    ) -> Result<Vec<ParticipantEvent>, StoreError>;
}
