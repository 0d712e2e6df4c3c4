//! The retention job: erases what has been kept longer than its rule allows,
//! and records what it erased (counts only) in the audit log.

use kolo_core::Store;
use kolo_core::retention::{DataClass, cutoff, months_from_setting};
use kolo_core::time::Timestamp;

use crate::audit::{Actor, AuditEvent, record};
use crate::vault::Vault;

/// What one run erased.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RetentionReport {
    pub audit_entries: u64,
    pub participant_contacts: u64,
}

/// The months each class is kept, as the admin set them (or the defaults).
pub async fn rules(store: &dyn Store) -> Result<Vec<(DataClass, u32)>, kolo_core::StoreError> {
    let mut rules = Vec::with_capacity(DataClass::ALL.len());
    for class in DataClass::ALL {
        let value = store.setting(class.setting()).await?;
        rules.push((class, months_from_setting(class, value.as_deref())));
    }
    Ok(rules)
}

/// Applies every rule once. Safe to run from several processes at once: each
/// erasure is one transaction and erasing twice erases nothing more.
pub async fn apply(
    store: &dyn Store,
    vault: &Vault,
    now: Timestamp,
) -> anyhow::Result<RetentionReport> {
    let mut report = RetentionReport::default();
    for (class, months) in rules(store).await? {
        let before = cutoff(now, months);
        match class {
            DataClass::Audit => {
                report.audit_entries = store
                    .prune_audit(before.seconds().saturating_mul(1000))
                    .await?;
            }
            DataClass::ParticipantContacts => {
                report.participant_contacts = store
                    .erase_stale_participant_contacts(before, &civil_date(before), now)
                    .await?;
            }
            // Kolo keeps no case narratives yet: the rule is kept for when it does.
            DataClass::CaseNarratives => {}
        }
    }
    record(
        store,
        vault,
        AuditEvent {
            actor: &Actor::System,
            address: None,
            action: "retention.run",
            target: "installation",
            details: serde_json::json!({
                "audit_entries": report.audit_entries,
                "participant_contacts": report.participant_contacts,
            }),
        },
    )
    .await?;
    Ok(report)
}

/// The UTC date of a moment, as events store their days (`YYYY-MM-DD`).
fn civil_date(at: Timestamp) -> String {
    jiff::Timestamp::from_second(at.seconds())
        .map(|ts| ts.strftime("%Y-%m-%d").to_string())
        .unwrap_or_else(|_| "0000-01-01".to_owned())
}
