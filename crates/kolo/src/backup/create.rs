use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use kolo_core::Store;
use kolo_core::ids::new_id;
use kolo_core::time::Timestamp;
use vault::backup::BackupWriter;
use vault::{KdfParams, SecretString};

use super::{DATABASE_DIR, DESCRIPTION_ENTRY, Description, LAST_BACKUP_SETTING, LastBackup};
use crate::audit::{Actor, AuditEvent, record};
use crate::vault::{Vault, keys_dir};

/// The key files a restore needs to read the data again.
const KEY_FILES: [&str; 4] = ["master.key", "data.keys", "server.key", "backup.key"];

#[derive(Debug)]
pub struct BackupSummary {
    pub bytes: u64,
    pub entries: usize,
    pub with_passphrase: bool,
}

/// Writes a backup of the running installation to `out`. The file appears only
/// once complete: it is written beside `out` and renamed at the end.
pub async fn create_backup(
    store: &dyn Store,
    vault: &Vault,
    data_dir: &Path,
    out: &Path,
    passphrase: Option<SecretString>,
) -> anyhow::Result<BackupSummary> {
    let staging = data_dir.join(format!(".backup-{}", new_id()));
    std::fs::create_dir(&staging).with_context(|| format!("creating {}", staging.display()))?;
    let result = write(store, vault, data_dir, out, passphrase, &staging).await;
    let _ = std::fs::remove_dir_all(&staging);
    let summary = result?;
    let last = LastBackup {
        at: Timestamp::now().seconds(),
        bytes: summary.bytes,
        entries: summary.entries,
        with_passphrase: summary.with_passphrase,
    };
    store
        .set_setting(LAST_BACKUP_SETTING, &serde_json::to_string(&last)?)
        .await?;
    record(
        store,
        vault,
        AuditEvent {
            actor: &Actor::Command,
            address: None,
            action: "backup.create",
            target: "installation",
            details: serde_json::json!({
                "bytes": summary.bytes,
                "entries": summary.entries,
                "passphrase": summary.with_passphrase,
            }),
        },
    )
    .await?;
    Ok(summary)
}

async fn write(
    store: &dyn Store,
    vault: &Vault,
    data_dir: &Path,
    out: &Path,
    passphrase: Option<SecretString>,
    staging: &Path,
) -> anyhow::Result<BackupSummary> {
    let database_files = store
        .export_snapshot(staging)
        .await
        .context("copying the database")?;
    let description = Description {
        format: 1,
        kolo_version: env!("CARGO_PKG_VERSION").to_owned(),
        backend: store.backend_name().to_owned(),
        schema_version: store.schema_version().await?,
        created_at: Timestamp::now().seconds(),
        database_files,
    };
    let backup_key = vault.backup_key().context("reading the backup key")?;
    let data_dir = data_dir.to_owned();
    let staging = staging.to_owned();
    let out = out.to_owned();
    // The archive is written by blocking code (compression, encryption, files).
    tokio::task::spawn_blocking(move || {
        let partial = partial_path(&out);
        let file =
            File::create(&partial).with_context(|| format!("creating {}", partial.display()))?;
        let sink = BufWriter::new(file);
        let with_passphrase = passphrase.is_some();
        let mut writer = match &passphrase {
            Some(passphrase) => {
                BackupWriter::with_passphrase(sink, passphrase, KdfParams::RECOMMENDED)?
            }
            None => BackupWriter::new(sink, &backup_key)?,
        };
        let written = add_entries(&mut writer, &description, &data_dir, &staging);
        let finished = written.and_then(|()| Ok(writer.finish()?));
        let (sink, manifest) = match finished {
            Ok(done) => done,
            Err(error) => {
                let _ = std::fs::remove_file(&partial);
                return Err(error);
            }
        };
        let file = sink.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&partial, &out)
            .with_context(|| format!("moving the backup to {}", out.display()))?;
        let bytes = std::fs::metadata(&out)?.len();
        Ok(BackupSummary {
            bytes,
            entries: manifest.entries.len(),
            with_passphrase,
        })
    })
    .await?
}

fn add_entries<W: Write>(
    writer: &mut BackupWriter<W>,
    description: &Description,
    data_dir: &Path,
    staging: &Path,
) -> anyhow::Result<()> {
    writer.add_entry(
        DESCRIPTION_ENTRY,
        serde_json::to_vec_pretty(description)?.as_slice(),
    )?;
    for name in &description.database_files {
        let file = File::open(staging.join(name))
            .with_context(|| format!("reading the database copy {name}"))?;
        writer.add_entry(&format!("{DATABASE_DIR}/{name}"), file)?;
    }
    let keys = keys_dir(data_dir);
    for name in KEY_FILES {
        let file = File::open(keys.join(name)).with_context(|| format!("reading keys/{name}"))?;
        writer.add_entry(&format!("keys/{name}"), file)?;
    }
    let head = crate::vault::audit_head_path(data_dir);
    if head.exists() {
        writer.add_entry("audit.head", File::open(&head)?)?;
    }
    let attachments = data_dir.join("attachments");
    if attachments.is_dir() {
        add_tree(writer, &attachments, "attachments")?;
    }
    // Monitoring files, after the database copy, so every file its rows name
    // is in place. `blobs/tmp` holds uploads in progress: never backed up.
    let blobs = data_dir.join("blobs");
    if blobs.is_dir() {
        let mut shards: Vec<PathBuf> = std::fs::read_dir(&blobs)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        shards.sort();
        for shard in shards {
            let Some(name) = shard.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if name != "tmp" && shard.is_dir() {
                add_tree(writer, &shard, &format!("blobs/{name}"))?;
            }
        }
    }
    Ok(())
}

/// Adds every file below `dir`, in a stable order.
fn add_tree<W: Write>(
    writer: &mut BackupWriter<W>,
    dir: &Path,
    prefix: &str,
) -> anyhow::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for path in entries {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            anyhow::bail!("{} has a name that is not UTF-8", path.display());
        };
        let inside = format!("{prefix}/{name}");
        if path.is_dir() {
            add_tree(writer, &path, &inside)?;
        } else {
            writer.add_entry(&inside, File::open(&path)?)?;
        }
    }
    Ok(())
}

fn partial_path(out: &Path) -> PathBuf {
    let mut name = out
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".partial");
    out.with_file_name(name)
}
