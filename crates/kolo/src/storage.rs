//! Opens the storage backend the configuration names.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use kolo_core::Store;
use kolo_store_postgres::PostgresStore;
use kolo_store_sqlite::SqliteStore;

/// Creates the data directory, readable by its owner only.
pub fn ensure_data_dir(data_dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating the data directory {}", data_dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(data_dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("restricting access to {}", data_dir.display()))?;
    }
    Ok(())
}

/// Opens PostgreSQL when a URL is given, else the SQLite file in the data
/// directory, and applies pending migrations.
pub async fn open_store(
    data_dir: &Path,
    database_url: Option<&str>,
) -> anyhow::Result<Arc<dyn Store>> {
    ensure_data_dir(data_dir)?;
    match database_url {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            let store = PostgresStore::open(url)
                .await
                .context("opening the PostgreSQL database given by --database-url")?;
            Ok(Arc::new(store))
        }
        Some(url) => anyhow::bail!(
            "--database-url must start with postgres:// (got a URL starting with {:?}); leave it out to use \
             the embedded SQLite database",
            url.split("://").next().unwrap_or_default()
        ),
        None => {
            let path = data_dir.join("kolo.db");
            let store = SqliteStore::open(&path)
                .await
                .with_context(|| format!("opening the SQLite database {}", path.display()))?;
            Ok(Arc::new(store))
        }
    }
}
