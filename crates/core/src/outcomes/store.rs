//! The storage learning outcomes need.

use async_trait::async_trait;

use super::bank::Question;
use super::code::ShortCode;
use super::instrument::{Instrument, Template};
use super::response::{NewResponse, StoredResponse};
use crate::events::{EventFilter, EventFormat, EventId};
use crate::store::StoreError;
use crate::time::Timestamp;

/// What storing one response did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaveOutcome {
    Saved,
    /// The code had already answered this instrument: nothing stored, and the
    /// instrument's count of refused attempts went up by one.
    AlreadyAnswered,
}

/// How many people of events of one format scored exactly these points on
/// their pre-test and post-test (paired by participant code within an
/// event). Only valid scores are counted: `max > 0`, `points <= max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScorePairCount {
    pub format: EventFormat,
    pub pre_points: u32,
    pub pre_max: u32,
    pub post_points: u32,
    pub post_max: u32,
    pub people: usize,
}

/// How many people of events of one format gave this rating on the
/// feedback form: a Likert item (1-5) or the recommendation (0-10).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatingCount {
    pub format: EventFormat,
    /// `recommend`, or the Likert item (`content`, ...).
    pub item: String,
    pub value: u8,
    pub people: usize,
}

/// How many people of events of one format answered the follow-up's "did
/// you use what you learned" with yes (`used`) or no.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FollowUpCount {
    pub format: EventFormat,
    pub used: bool,
    pub people: usize,
}

/// How many people registered at events of one format, lasting
/// `event_days` days (1 to 63), were present on exactly the days of
/// `days_present` (bit 0 is the first event day).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttendanceCount {
    pub format: EventFormat,
    pub event_days: u32,
    pub days_present: u64,
    pub people: usize,
    /// Whether the event's register was kept: someone at the event has at
    /// least one attendance mark. Events whose register was never marked
    /// say nothing about retention.
    pub register_kept: bool,
}

/// Everything the evidence page compares, for the events of a filter,
/// already counted per format (from the per-event summaries the store keeps
/// up to date), so reading it costs a few hundred rows however many
/// responses there are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EvidenceFacts {
    /// Events with at least one pre-test and post-test pair, per format.
    pub events_with_pairs: Vec<(EventFormat, usize)>,
    pub scores: Vec<ScorePairCount>,
    pub ratings: Vec<RatingCount>,
    pub follow_up: Vec<FollowUpCount>,
    pub attendance: Vec<AttendanceCount>,
}

/// An uploaded results file waiting for its mapping and preview. The file is
/// kept encrypted: it holds participant codes.
#[derive(Clone, Debug)]
pub struct StagedResults {
    pub id: String,
    pub instrument_id: String,
    pub created_by: Option<crate::auth::UserId>,
    pub created_at: Timestamp,
    pub file_name: String,
    pub content: crate::participants::Sealed,
}

#[async_trait]
pub trait OutcomeStore: Send + Sync {
    /// Every question of the bank, retired ones too, by topic.
    async fn questions(&self) -> Result<Vec<Question>, StoreError>;
    /// Adds or replaces a question with its options, in one transaction.
    async fn save_question(&self, question: &Question) -> Result<(), StoreError>;
    /// Every template, by name.
    async fn templates(&self) -> Result<Vec<Template>, StoreError>;
    /// Adds or replaces a template, in one transaction.
    async fn save_template(&self, template: &Template) -> Result<(), StoreError>;
    /// Deletes a template; `NotFound("template")` when there is none.
    /// Instruments set up from it keep their questions: they never refer
    /// to their template.
    async fn delete_template(&self, id: &str) -> Result<(), StoreError>;
    /// Creates instruments in one transaction: all or none.
    /// `Conflict("instrument")` when the event already has one of a kind,
    /// `Conflict("code")` when a code is taken (the caller draws another).
    async fn create_instruments(&self, instruments: &[Instrument]) -> Result<(), StoreError>;
    /// The event's instruments, in the order of [`InstrumentKind::ALL`].
    async fn instruments(&self, event: &EventId) -> Result<Vec<Instrument>, StoreError>;
    async fn instrument_by_code(&self, code: &ShortCode) -> Result<Option<Instrument>, StoreError>;
    /// Closes an instrument early (`Some`) or reopens it (`None`).
    async fn set_instrument_closed(
        &self,
        id: &str,
        closed_at: Option<Timestamp>,
    ) -> Result<(), StoreError>;
    /// Stores one response with its answers, in one transaction, unless its
    /// code already answered the instrument.
    async fn save_response(&self, response: &NewResponse) -> Result<SaveOutcome, StoreError>;
    /// Stores several responses (paper entry, import) in one transaction:
    /// all or none; `Conflict("response")` when a code already answered.
    async fn save_responses(&self, responses: &[NewResponse]) -> Result<(), StoreError>;
    /// The instrument's responses with their answers, by code.
    async fn responses(&self, instrument_id: &str) -> Result<Vec<StoredResponse>, StoreError>;
    async fn stage_results(&self, staged: &StagedResults) -> Result<(), StoreError>;
    async fn staged_results(&self, id: &str) -> Result<Option<StagedResults>, StoreError>;
    /// Deletes one staged file, and any older than `stale_before`.
    async fn delete_staged_results(
        &self,
        id: Option<&str>,
        stale_before: Timestamp,
    ) -> Result<(), StoreError>;
    /// The facts of the evidence page, for events matching `filter` (and
    /// `topic`, when given) that were not cancelled.
    async fn evidence_facts(
        &self,
        filter: &EventFilter,
        topic: Option<&str>,
    ) -> Result<EvidenceFacts, StoreError>;
}
