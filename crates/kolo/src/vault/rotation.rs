//! Key rotation: a new data key encrypts from now on, and every stored value is
//! re-encrypted to it, page by page, with its progress saved so an interrupted
//! rotation resumes where it stopped. The old key can then be retired.

use kolo_core::Store;
use kolo_core::encrypted::{ENCRYPTED_COLUMNS, Replacement};
use serde::{Deserialize, Serialize};
use vault::field::key_id_of;
use vault::{FieldContext, KeyId};

use super::Vault;
use crate::audit::{Actor, AuditEvent, record};

/// The setting that holds a rotation in progress.
const PROGRESS_SETTING: &str = "keys.rotation";
const PAGE: u32 = 500;

#[derive(Debug, Serialize, Deserialize)]
struct Progress {
    /// The key everything is being moved to.
    to: String,
    /// Index into `ENCRYPTED_COLUMNS` of the column being worked on.
    column: usize,
    /// The last row id done in that column.
    after_id: String,
    reencrypted: u64,
}

#[derive(Debug)]
pub struct RotationReport {
    pub to: KeyId,
    pub reencrypted: u64,
    pub resumed: bool,
}

/// Starts a rotation (a new data key) or resumes the one in progress, and runs
/// it to the end.
pub async fn rotate(store: &dyn Store, vault: &Vault) -> anyhow::Result<RotationReport> {
    let saved: Option<Progress> = store
        .setting(PROGRESS_SETTING)
        .await?
        .and_then(|json| serde_json::from_str(&json).ok());
    let resumed = saved.is_some();
    let mut progress = match saved {
        Some(progress) => progress,
        None => {
            let to = vault.with_ring(|ring| ring.add_data_key())??;
            let progress = Progress {
                to: to.to_string(),
                column: 0,
                after_id: String::new(),
                reencrypted: 0,
            };
            save(store, &progress).await?;
            audit(
                store,
                vault,
                "key.rotation_start",
                serde_json::json!({ "to": progress.to }),
            )
            .await?;
            progress
        }
    };
    let cipher = vault.cipher()?;
    while let Some(column) = ENCRYPTED_COLUMNS.get(progress.column) {
        let page = store
            .encrypted_values(column, &progress.after_id, PAGE)
            .await?;
        let Some((last_id, _)) = page.last() else {
            progress.column += 1;
            progress.after_id.clear();
            save(store, &progress).await?;
            continue;
        };
        let last_id = last_id.clone();
        let mut changes = Vec::new();
        for (id, value) in page {
            if !cipher.needs_rotation(&value) {
                continue;
            }
            let context = FieldContext::new(column.table, column.column, &id);
            let moved = cipher
                .reencrypt(&value, &context)
                .map_err(|e| anyhow::anyhow!("re-encrypting {context}: {e}"))?;
            changes.push(Replacement {
                id,
                old: value,
                new: moved,
            });
        }
        // One transaction a page; a value the server changed meanwhile is
        // already under the new key and is left alone.
        progress.reencrypted += store.replace_encrypted_values(column, &changes).await?;
        progress.after_id = last_id;
        save(store, &progress).await?;
    }
    store.set_setting(PROGRESS_SETTING, "").await?;
    audit(
        store,
        vault,
        "key.rotation_done",
        serde_json::json!({ "to": progress.to, "reencrypted": progress.reencrypted }),
    )
    .await?;
    Ok(RotationReport {
        to: progress.to.parse()?,
        reencrypted: progress.reencrypted,
        resumed,
    })
}

/// Retires a data key once no stored value uses it any more.
pub async fn retire(store: &dyn Store, vault: &Vault, key: KeyId) -> anyhow::Result<()> {
    if store
        .setting(PROGRESS_SETTING)
        .await?
        .is_some_and(|p| !p.is_empty())
    {
        anyhow::bail!("a rotation is in progress: finish it with `kolo admin rotate-key` first");
    }
    for column in ENCRYPTED_COLUMNS {
        let mut after = String::new();
        loop {
            let page = store.encrypted_values(column, &after, PAGE).await?;
            let Some((last, _)) = page.last() else { break };
            after = last.clone();
            if let Some((id, _)) = page.iter().find(|(_, v)| key_id_of(v).ok() == Some(key)) {
                anyhow::bail!(
                    "{}.{} of row {id} is still encrypted with {key}: run `kolo admin rotate-key` first",
                    column.table,
                    column.column
                );
            }
        }
    }
    vault.with_ring(|ring| ring.retire(key))??;
    audit(
        store,
        vault,
        "key.retire",
        serde_json::json!({ "key": key.to_string() }),
    )
    .await
}

async fn save(store: &dyn Store, progress: &Progress) -> anyhow::Result<()> {
    store
        .set_setting(PROGRESS_SETTING, &serde_json::to_string(progress)?)
        .await?;
    Ok(())
}

async fn audit(
    store: &dyn Store,
    vault: &Vault,
    action: &str,
    details: serde_json::Value,
) -> anyhow::Result<()> {
    record(
        store,
        vault,
        AuditEvent {
            actor: &Actor::Command,
            address: None,
            action,
            target: "keys",
            details,
        },
    )
    .await?;
    Ok(())
}
