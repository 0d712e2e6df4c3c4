use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use kolo_core::ids::new_id;
use kolo_store_postgres::PostgresStore;
use kolo_store_sqlite::SNAPSHOT_FILE;
use vault::SecretString;
use vault::backup::{BackupSecret, KeySource, inspect, restore_into};
use vault::keys::BackupKey;

use super::{DATABASE_DIR, DESCRIPTION_ENTRY, Description};
use crate::audit::{Actor, AuditEvent, VerifyOutcome, record, verify_audit};
use crate::storage::{ensure_data_dir, open_store};
use crate::vault::{Vault, keys_dir};

/// How to open a backup: `KOLO_BACKUP_PASSPHRASE`, or an exported backup key.
pub enum RestoreSecret {
    Passphrase(SecretString),
    KeyFile(PathBuf),
}

#[derive(Debug)]
pub struct RestoreSummary {
    pub entries: usize,
    pub audit_entries: u64,
}

/// Verifies the whole backup, then restores it into `data_dir`, which must be
/// empty or absent (and, for PostgreSQL, into the empty database at
/// `database_url`). Nothing is written before the file is verified end to end.
pub async fn restore_backup(
    file: &Path,
    secret: Option<RestoreSecret>,
    data_dir: &Path,
    database_url: Option<&str>,
) -> anyhow::Result<RestoreSummary> {
    let header =
        inspect(std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?)?;
    let secret = secret.ok_or_else(|| match &header.key_source {
        KeySource::Passphrase { .. } => {
            anyhow::anyhow!("this backup is encrypted with a passphrase: set KOLO_BACKUP_PASSPHRASE to it")
        }
        KeySource::BackupKey { id } => anyhow::anyhow!(
            "this backup is encrypted with backup key {id}: give the key file you stored with --backup-key FILE"
        ),
    })?;
    if data_dir.exists() && std::fs::read_dir(data_dir)?.next().is_some() {
        anyhow::bail!(
            "{} is not empty: restore only into a new or empty data directory, so nothing is overwritten",
            data_dir.display()
        );
    }
    let created = !data_dir.exists();
    ensure_data_dir(data_dir)?;
    let staging = data_dir.join(format!(".restore-{}", new_id()));
    let result = restore_staged(file, &secret, data_dir, &staging, database_url).await;
    let _ = std::fs::remove_dir_all(&staging);
    if result.is_err() {
        // Leave the directory as it was: empty, or not there at all.
        clear_dir(data_dir, created);
    }
    result
}

async fn restore_staged(
    file: &Path,
    secret: &RestoreSecret,
    data_dir: &Path,
    staging: &Path,
    database_url: Option<&str>,
) -> anyhow::Result<RestoreSummary> {
    let file = file.to_owned();
    let target = staging.to_owned();
    let secret = match secret {
        RestoreSecret::Passphrase(passphrase) => BackupSecretOwned::Passphrase(passphrase.clone()),
        RestoreSecret::KeyFile(path) => BackupSecretOwned::Key(
            BackupKey::load(path)
                .with_context(|| format!("reading the backup key {}", path.display()))?,
        ),
    };
    let manifest = tokio::task::spawn_blocking(move || {
        let secret = match &secret {
            BackupSecretOwned::Passphrase(p) => BackupSecret::Passphrase(p),
            BackupSecretOwned::Key(k) => BackupSecret::Key(k),
        };
        restore_into(&file, secret, &target)
    })
    .await??;
    let description: Description =
        serde_json::from_slice(&std::fs::read(staging.join(DESCRIPTION_ENTRY))?)
            .context("reading the backup's description")?;
    if description.format != 1 {
        anyhow::bail!(
            "this backup has format {}; this Kolo reads format 1",
            description.format
        );
    }
    move_into_place(&staging.join("keys"), &keys_dir(data_dir))?;
    if staging.join("audit.head").exists() {
        std::fs::rename(
            staging.join("audit.head"),
            crate::vault::audit_head_path(data_dir),
        )?;
    }
    if staging.join("attachments").exists() {
        std::fs::rename(staging.join("attachments"), data_dir.join("attachments"))?;
    }
    if staging.join("blobs").exists() {
        std::fs::rename(staging.join("blobs"), data_dir.join("blobs"))?;
    }
    let database = staging.join(DATABASE_DIR);
    match (description.backend.as_str(), database_url) {
        ("sqlite", None) => {
            std::fs::rename(database.join(SNAPSHOT_FILE), data_dir.join(SNAPSHOT_FILE))?
        }
        ("sqlite", Some(_)) => anyhow::bail!(
            "this backup holds an SQLite database: restore it without --database-url (or KOLO_DATABASE_URL)"
        ),
        ("postgres", Some(url)) => {
            let store = PostgresStore::open(url)
                .await
                .context("opening the target PostgreSQL database")?;
            let version = kolo_core::Store::schema_version(&store).await?;
            if version != description.schema_version {
                anyhow::bail!(
                    "the backup was made with database schema {} and this Kolo has schema {version}: restore it with \
                     the Kolo version that made it ({}), then upgrade",
                    description.schema_version,
                    description.kolo_version
                );
            }
            store
                .import_snapshot(&database)
                .await
                .context("loading the backup into the target database (it must be empty)")?;
            store.close().await;
        }
        ("postgres", None) => anyhow::bail!(
            "this backup holds a PostgreSQL database: give the empty target database with --database-url"
        ),
        (other, _) => anyhow::bail!("this backup's database kind {other:?} is not one Kolo knows"),
    }

    let vault = Vault::open_for_command(data_dir).context("opening the restored keys")?;
    let store = open_store(data_dir, database_url).await?;
    let store: Arc<dyn kolo_core::Store> = store;
    let audit_entries = match verify_audit(store.clone(), &vault).await? {
        VerifyOutcome::Intact { entries, .. } => entries,
        VerifyOutcome::Broken(broken) => {
            anyhow::bail!("the restored audit log does not verify: {broken}")
        }
        VerifyOutcome::HeadFile(problem) => {
            anyhow::bail!("the restored audit head does not verify: {problem}")
        }
    };
    record(
        &*store,
        &vault,
        AuditEvent {
            actor: &Actor::Command,
            address: None,
            action: "backup.restore",
            target: "installation",
            details: serde_json::json!({ "entries": manifest.entries.len(), "created_at": description.created_at }),
        },
    )
    .await?;
    Ok(RestoreSummary {
        entries: manifest.entries.len(),
        audit_entries,
    })
}

enum BackupSecretOwned {
    Passphrase(SecretString),
    Key(BackupKey),
}

fn move_into_place(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::rename(from, to)
        .with_context(|| format!("moving the restored {} into place", to.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

fn clear_dir(dir: &Path, remove_itself: bool) {
    if remove_itself {
        let _ = std::fs::remove_dir_all(dir);
    } else if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            let _ = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
        }
    }
}
