//! `kolo admin verify-audit`: walks the whole chain and compares its end with
//! the head file, reporting the first broken link.

use std::sync::Arc;

use kolo_core::Store;
use kolo_core::audit::StoredEntry;
use vault::audit::{BrokenLink, HeadError, read_head, verify_chain_with_head};

use crate::vault::Vault;

/// Entries read from the database per query; memory stays bounded however long the log.
const PAGE: u32 = 5_000;

/// What the walk found.
#[derive(Debug)]
pub enum VerifyOutcome {
    /// The chain is whole and matches the head file.
    Intact {
        entries: u64,
        /// Entries after the head file's record: normal right after a crash
        /// between an append and the head file's update, suspicious otherwise.
        beyond_head_file: u64,
    },
    Broken(BrokenLink),
    /// The head file is missing, forged or unreadable while the log has entries.
    HeadFile(String),
}

pub async fn verify_audit(store: Arc<dyn Store>, vault: &Vault) -> anyhow::Result<VerifyOutcome> {
    // Retention may have deleted the oldest entries: the chain then starts after
    // the checkpoint kept in their place.
    let start = store.audit_checkpoint().await?;
    let recorded = match read_head(&vault.audit_head_path(), vault.server_key()) {
        Ok(head) => head,
        Err(HeadError::Missing { .. }) if store.audit_chain(start.seq, 1).await?.is_empty() => {
            start
        }
        Err(error) => return Ok(VerifyOutcome::HeadFile(error.to_string())),
    };
    // Pages are read on the async side and handed over a bounded channel to the
    // verifier, which walks them as one iterator.
    let (sender, receiver) = std::sync::mpsc::sync_channel::<StoredEntry>(PAGE as usize);
    let reader = tokio::spawn(async move {
        let mut after = start.seq;

        loop {
            let page = store.audit_chain(after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.entry.seq;
            for entry in page {
                if sender.send(entry).is_err() {
                    return Ok(());
                }
            }
        }
        Ok::<(), kolo_core::StoreError>(())
    });
    let verified = tokio::task::spawn_blocking(move || {
        let mut count = 0u64;
        let entries = receiver.into_iter().inspect(|_| count += 1);
        verify_chain_with_head(start, recorded, entries).map(|v| (v, count))
    })
    .await?;
    reader.await??;
    Ok(match verified {
        Ok((verified, entries)) => VerifyOutcome::Intact {
            entries,
            beyond_head_file: verified.beyond_head_file,
        },
        Err(broken) => VerifyOutcome::Broken(broken),
    })
}
