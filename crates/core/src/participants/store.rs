//! The storage the participant register needs.

use async_trait::async_trait;

use super::duplicates::CodeEntry;
use super::participant::{
    ConsentRecord, Group, NewParticipant, Participant, ParticipantChange, ParticipantId,
    ParticipantSummary, Sealed,
};
use super::uic::Uic;
use crate::auth::UserId;
use crate::events::{NewRegistration, RegisterScope};
use crate::org::Oblast;
use crate::store::StoreError;
use crate::time::Timestamp;

/// Which participants to list.
#[derive(Clone, Debug)]
pub struct ParticipantQuery {
    /// Codes starting with this text, or nicknames containing it (any case).
    pub text: Option<String>,
    pub oblast: Option<Oblast>,
    pub group: Option<Group>,
    pub scope: RegisterScope,
    /// Records merged into another are left out unless asked for.
    pub include_merged: bool,
    /// Only records merged into this one.
    pub merged_into: Option<ParticipantId>,
    pub limit: u32,
    pub offset: u32,
}

impl ParticipantQuery {
    pub fn everyone(limit: u32) -> ParticipantQuery {
        ParticipantQuery {
            text: None,
            oblast: None,
            group: None,
            scope: RegisterScope::Everyone,
            include_merged: false,
            merged_into: None,
            limit,
            offset: 0,
        }
    }
}

/// What a merge did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MergeOutcome {
    /// Registrations moved to the kept record.
    pub moved: u32,
    /// Registrations to events both were registered to, combined into one
    /// (days present of both).
    pub combined: u32,
}

/// An uploaded participant list waiting for its preview to be confirmed. The
/// file is kept encrypted: it holds names and phones.
#[derive(Clone, Debug)]
pub struct StagedImport {
    pub id: String,
    pub created_by: Option<UserId>,
    pub created_at: Timestamp,
    pub file_name: String,
    pub content: Sealed,
}

#[async_trait]
pub trait ParticipantStore: Send + Sync {
    /// Creates participants (and, for inline additions, their registrations)
    /// in one transaction: all or none. `Conflict("uic")` when a code is taken.
    async fn create_participants(
        &self,
        participants: &[NewParticipant],
        registrations: &[NewRegistration],
        by: Option<&UserId>,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Applies a change and records changed consents, in one transaction.
    async fn update_participant(
        &self,
        id: &ParticipantId,
        change: &ParticipantChange,
        by: Option<&UserId>,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    async fn participant(&self, id: &ParticipantId) -> Result<Option<Participant>, StoreError>;
    /// The record with this code that was not merged away.
    async fn participant_by_uic(&self, uic: &Uic) -> Result<Option<Participant>, StoreError>;
    async fn find_participants(
        &self,
        query: &ParticipantQuery,
    ) -> Result<Vec<ParticipantSummary>, StoreError>;
    /// How many records the query matches, without limit.
    async fn count_participants(&self, query: &ParticipantQuery) -> Result<u64, StoreError>;
    /// Every record that was not merged away, for duplicate checks.
    async fn participant_codes(&self) -> Result<Vec<CodeEntry>, StoreError>;
    async fn consent_history(&self, id: &ParticipantId) -> Result<Vec<ConsentRecord>, StoreError>;
    /// Merges `absorb` into `keep` in one transaction: registrations move,
    /// those to the same event combine, `absorb` is kept and marked merged.
    async fn merge_participants(
        &self,
        keep: &ParticipantId,
        absorb: &ParticipantId,
        by: Option<&UserId>,
        now: Timestamp,
    ) -> Result<MergeOutcome, StoreError>;
    async fn stage_import(&self, import: &StagedImport) -> Result<(), StoreError>;
    async fn staged_import(&self, id: &str) -> Result<Option<StagedImport>, StoreError>;
    /// Deletes one staged import, and any older than `stale_before`.
    async fn delete_staged_imports(
        &self,
        id: Option<&str>,
        stale_before: Timestamp,
    ) -> Result<(), StoreError>;
}
