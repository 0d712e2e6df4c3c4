//! The tamper-evident audit log: who did what, when, from where, on what. Each
//! entry carries the hash of the previous one (see `vault::audit`), so an
//! edited, deleted or reordered entry breaks the chain. Entries never hold the
//! sensitive values themselves: targets are random ids, details are counts and
//! names of settings.

use async_trait::async_trait;
pub use vault::audit::{AuditDetails, ChainHead, NewEntry, StoredEntry};

use crate::store::StoreError;

/// Which entries to list, newest first.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Exactly this actor (`user:ID`, `system`, ...).
    pub actor: Option<String>,
    /// Actions starting with this text (`login`, `user.`).
    pub action_prefix: Option<String>,
    /// From this moment (milliseconds since the epoch, inclusive).
    pub from_ms: Option<i64>,
    /// Before this moment (exclusive).
    pub until_ms: Option<i64>,
    /// Only entries with a lower sequence number (for paging back).
    pub before_seq: Option<u64>,
    pub limit: u32,
}

#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends an entry after the last one. Writers are serialised inside the
    /// database transaction, so several processes keep one unbroken chain.
    async fn append_audit(&self, entry: NewEntry) -> Result<StoredEntry, StoreError>;
    /// Entries matching the filter, newest first.
    async fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<StoredEntry>, StoreError>;
    /// Up to `limit` entries after `after_seq`, in sequence order, to walk the chain.
    async fn audit_chain(&self, after_seq: u64, limit: u32)
    -> Result<Vec<StoredEntry>, StoreError>;
    /// Deletes entries written before `before_ms`, keeping the last deleted
    /// entry's sequence number and hash as the checkpoint the chain is verified
    /// from; returns how many went. In one transaction.
    async fn prune_audit(&self, before_ms: i64) -> Result<u64, StoreError>;
    /// Where verification starts after pruning (the empty head if never pruned).
    async fn audit_checkpoint(&self) -> Result<ChainHead, StoreError>;
}

/// The setting that keeps the checkpoint left by pruning: `SEQ:HASH`.
pub const CHECKPOINT_SETTING: &str = "audit.checkpoint";

/// Reads a stored checkpoint.
pub fn parse_checkpoint(value: &str) -> Option<ChainHead> {
    let (seq, hash) = value.split_once(':')?;
    Some(ChainHead {
        seq: seq.parse().ok()?,
        hash: vault::audit::ChainHash::from_hex(hash)?,
    })
}
