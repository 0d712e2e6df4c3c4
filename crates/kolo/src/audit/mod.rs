//! Writing to the audit log, verifying it, and the admin page that lists it.

mod verify;
mod web;

use std::net::IpAddr;

use kolo_core::Store;
use kolo_core::audit::{AuditDetails, NewEntry, StoredEntry};
use kolo_core::auth::UserId;
use serde_json::Value;
use vault::audit::{read_head, truncate_address, write_head};

pub use verify::{VerifyOutcome, verify_audit};
pub use web::routes;

use crate::vault::Vault;

/// Who did something.
#[derive(Clone, Debug)]
pub enum Actor {
    User(UserId),
    /// Someone not signed in (a failed login, a participant's form).
    Anonymous,
    /// A `kolo` command run by the server's operator.
    Command,
    /// Kolo itself (retention jobs).
    System,
}

impl Actor {
    pub fn label(&self) -> String {
        match self {
            Actor::User(id) => format!("user:{id}"),
            Actor::Anonymous => "anonymous".to_owned(),
            Actor::Command => "command".to_owned(),
            Actor::System => "system".to_owned(),
        }
    }
}

/// One thing to record. `details` must hold no sensitive value: counts, ids,
/// names of settings, never names, phones or narratives.
pub struct AuditEvent<'a> {
    pub actor: &'a Actor,
    /// The client's address; only its network (/24 or /48) is kept.
    pub address: Option<&'a str>,
    pub action: &'a str,
    pub target: &'a str,
    pub details: Value,
}

/// Appends an event, then moves the head file outside the database forward, so
/// deleting the table's tail is detected too.
pub async fn record(
    store: &dyn Store,
    vault: &Vault,
    event: AuditEvent<'_>,
) -> Result<StoredEntry, AuditError> {
    let details = AuditDetails::new(&event.details).map_err(|e| AuditError(e.to_string()))?;
    let address = event
        .address
        .and_then(|a| a.parse::<IpAddr>().ok())
        .map(truncate_address);
    let entry = NewEntry {
        at_unix_ms: now_ms(),
        actor: event.actor.label(),
        action: event.action.to_owned(),
        target: event.target.to_owned(),
        address,
        details,
    };
    let stored = store
        .append_audit(entry)
        .await
        .map_err(|e| AuditError(e.to_string()))?;
    let path = vault.audit_head_path();
    // Another process may have written a later head meanwhile; never move it back.
    let newer_on_disk =
        read_head(&path, vault.server_key()).is_ok_and(|head| head.seq >= stored.entry.seq);
    if !newer_on_disk {
        write_head(&path, &stored.head(), vault.server_key())
            .map_err(|e| AuditError(e.to_string()))?;
    }
    Ok(stored)
}

/// The audit log could not be written. Callers refuse the action: what cannot
/// be recorded is not done.
#[derive(Debug, thiserror::Error)]
#[error("the audit log could not be written: {0}")]
pub struct AuditError(String);

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
