//! Kolo's storage on PostgreSQL, for organisations that run several `kolo serve`
//! processes on one database. Nothing a second process needs is kept in memory:
//! sessions, failed-login counts and settings are all rows here.

mod accounts;
mod audit;
mod clm;
mod clm_drafts;
mod encrypted;
mod erasure;
mod events;
mod outcomes;
mod participants;
mod registrations;
mod rows;
mod schema;
pub mod scratch;
mod settings;
mod snapshot;
mod summaries;
mod two_factor;

use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use kolo_core::{Store, StoreError};
use sqlx::postgres::{PgPool, PgPoolOptions};

pub use schema::ColumnDescription;
pub use snapshot::TABLES_FILE;

/// The PostgreSQL store. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects and applies pending migrations. Several processes may start at
    /// once: the migrator holds an advisory lock while it works.
    pub async fn open(url: &str) -> Result<PostgresStore, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .map_err(db_error)?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|e| StoreError::Database(format!("migrating the PostgreSQL database: {e}")))?;
        Ok(PostgresStore { pool })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[async_trait]
impl Store for PostgresStore {
    fn backend_name(&self) -> &'static str {
        "postgres"
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(db_error)
    }

    async fn export_snapshot(&self, dir: &Path) -> Result<Vec<String>, StoreError> {
        self.export_into(dir).await
    }

    async fn schema_version(&self) -> Result<i64, StoreError> {
        self.migration_version().await
    }
}

/// Maps a driver error to the domain's error, without the values involved.
pub(crate) fn db_error(error: sqlx::Error) -> StoreError {
    match &error {
        sqlx::Error::Database(e) if e.is_unique_violation() => StoreError::Conflict("unique value"),
        _ => StoreError::Database(error.to_string()),
    }
}
