//! The tamper-evident audit log: canonical entries, a SHA-256 hash chain, a keyed head file
//! outside the database, and address truncation.
//!
//! Appending (one writer at a time):
//! 1. `let stored = head.append(NewEntry { .. })` with the current head (the last row, or
//!    [`ChainHead::EMPTY`]);
//! 2. insert `stored` (seq, fields, `prev_hash`, `hash`) and commit;
//! 3. [`write_head`] with `stored.head()`.
//!
//! Verifying: read the rows in stored order and pass them to [`verify_chain_with_head`] with
//! the head from [`read_head`]. It names the first entry that was edited, deleted, reordered,
//! or cut from the tail.

mod address;
mod chain;
mod entry;
mod head;

pub use address::{TruncatedAddress, truncate_address};
pub use chain::{
    BreakReason, BrokenLink, ChainHash, ChainHead, StoredEntry, Verified, entry_hash, verify_chain,
    verify_chain_with_head,
};
pub use entry::{AuditDetails, DetailsError, Entry, NewEntry};
pub use head::{HeadError, read_head, write_head};

#[cfg(test)]
mod tests;
