//! A consistent copy of the SQLite database while it is in use.

use std::path::Path;

use kolo_core::StoreError;
use sqlx::AssertSqlSafe;

use crate::{SqliteStore, db_error};

/// The file a snapshot writes, and the one a restore puts back as `kolo.db`.
pub const SNAPSHOT_FILE: &str = "kolo.db";

impl SqliteStore {
    /// `VACUUM INTO` reads the database in one transaction and writes a compact
    /// copy: readers and writers of the live file go on meanwhile.
    pub(crate) async fn snapshot_into(&self, dir: &Path) -> Result<Vec<String>, StoreError> {
        let target = dir.join(SNAPSHOT_FILE);
        let target = target
            .to_str()
            .ok_or_else(|| {
                StoreError::Database("the snapshot directory's path is not UTF-8".into())
            })?
            .replace('\'', "''");
        sqlx::query(AssertSqlSafe(format!("VACUUM INTO '{target}'")))
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(vec![SNAPSHOT_FILE.to_owned()])
    }

    pub(crate) async fn migration_version(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success")
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)
    }
}
