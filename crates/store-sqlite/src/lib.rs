//! Kolo's storage on the embedded SQLite database: one file in WAL mode with
//! foreign keys enforced and a busy timeout, so that `kolo admin` commands can
//! write while `kolo serve` runs on the same file.

mod accounts;
mod audit;
mod clm;
mod clm_drafts;
mod clm_ingest;
mod encrypted;
mod erasure;
mod events;
mod outcomes;
mod participants;
mod registrations;
mod rows;
mod schema;
mod settings;
mod snapshot;
mod summaries;
mod two_factor;

use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use kolo_core::{Store, StoreError};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use schema::ColumnDescription;
pub use snapshot::SNAPSHOT_FILE;

/// The SQLite store. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// Submissions go to one writer task that commits them in groups.
    submissions: tokio::sync::mpsc::Sender<clm_ingest::Job>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and applies pending migrations.
    pub async fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a transaction is on disk before Kolo acknowledges it, so a
            // power cut cannot lose what a person was told was saved.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            // Submissions are written on a connection of their own (below).
            .max_connections(8)
            // Each SQLite connection lives on its own thread, and every command
            // to it is a hand-over between threads. The pool would otherwise
            // ping a connection before lending it (one more hand-over for each
            // query, about a third of the work on a page such as the dashboard);
            // that check is for network connections that can be dropped, which
            // an embedded database file cannot.
            .test_before_acquire(false)
            .connect_with(options.clone())
            .await
            .map_err(db_error)?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|e| StoreError::Database(format!("migrating the SQLite database: {e}")))?;
        let submissions = clm_ingest::start_writer(options).await?;
        Ok(SqliteStore { pool, submissions })
    }

    /// Closes the pool and the submission writer's connection, waiting for
    /// them to finish; submissions sent after this are refused.
    pub async fn close(&self) {
        let (closed, done) = tokio::sync::oneshot::channel();
        if self
            .submissions
            .send(clm_ingest::Job::Close(closed))
            .await
            .is_ok()
        {
            let _ = done.await;
        }
        self.pool.close().await;
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend_name(&self) -> &'static str {
        "sqlite"
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(db_error)
    }

    async fn export_snapshot(&self, dir: &Path) -> Result<Vec<String>, StoreError> {
        self.snapshot_into(dir).await
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
