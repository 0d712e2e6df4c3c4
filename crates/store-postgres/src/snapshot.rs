//! A transaction-consistent export of the PostgreSQL database as CSV files (one
//! per table, in an order that satisfies foreign keys), and its import into an
//! empty database of the same schema version.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use futures_util::StreamExt;
use kolo_core::StoreError;
use sqlx::{AssertSqlSafe, Row};
use tokio::io::AsyncWriteExt;

use crate::{PostgresStore, db_error};

/// The list of exported tables, in restore order, one per line.
pub const TABLES_FILE: &str = "tables.txt";

impl PostgresStore {
    pub(crate) async fn export_into(&self, dir: &Path) -> Result<Vec<String>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        // One snapshot for every table: rows written meanwhile are not half in.
        sqlx::query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
        let result = async {
            let tables = tables_in_restore_order(&mut conn).await?;
            let mut files = Vec::with_capacity(tables.len() + 1);
            for table in &tables {
                let name = format!("{table}.csv");
                let mut file = tokio::fs::File::create(dir.join(&name))
                    .await
                    .map_err(io_error)?;
                let mut stream = conn
                    .copy_out_raw(&format!(
                        "COPY \"{table}\" TO STDOUT (FORMAT csv, HEADER true)"
                    ))
                    .await
                    .map_err(db_error)?;
                while let Some(chunk) = stream.next().await {
                    file.write_all(&chunk.map_err(db_error)?)
                        .await
                        .map_err(io_error)?;
                }
                drop(stream);
                file.sync_all().await.map_err(io_error)?;
                files.push(name);
            }
            tokio::fs::write(dir.join(TABLES_FILE), tables.join("\n"))
                .await
                .map_err(io_error)?;
            files.insert(0, TABLES_FILE.to_owned());
            Ok(files)
        }
        .await;
        let _ = sqlx::query("COMMIT").execute(&mut *conn).await;
        result
    }

    /// Loads an export into this database, which must be freshly migrated and
    /// hold no rows: all tables in one transaction, so a failure leaves it empty.
    pub async fn import_snapshot(&self, dir: &Path) -> Result<u64, StoreError> {
        let order = tokio::fs::read_to_string(dir.join(TABLES_FILE))
            .await
            .map_err(io_error)?;
        let tables: Vec<&str> = order.lines().filter(|t| !t.is_empty()).collect();
        if let Some(bad) = tables.iter().find(|t| {
            !t.chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
        }) {
            return Err(StoreError::Corrupt(format!(
                "the export names a table {bad:?}"
            )));
        }
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        // A freshly migrated database holds the rows migrations seed (lists of
        // event types, ...) and no account: anything more is an organisation's
        // data, which a restore must never overwrite.
        let accounts: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
            .fetch_one(&mut *tx)
            .await
            .map_err(db_error)?;
        if accounts > 0 {
            return Err(StoreError::Conflict(
                "the target database already holds data",
            ));
        }
        for table in tables.iter().rev() {
            sqlx::query(AssertSqlSafe(format!("DELETE FROM \"{table}\"")))
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        let mut rows = 0;
        for table in tables {
            let file = tokio::fs::File::open(dir.join(format!("{table}.csv")))
                .await
                .map_err(io_error)?;
            let mut copy = tx
                .copy_in_raw(&format!(
                    "COPY \"{table}\" FROM STDIN (FORMAT csv, HEADER true)"
                ))
                .await
                .map_err(db_error)?;
            copy.read_from(file).await.map_err(db_error)?;
            rows += copy.finish().await.map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(rows)
    }

    pub(crate) async fn migration_version(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success")
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)
    }
}

/// Kolo's tables, each after the tables its foreign keys point to.
async fn tables_in_restore_order(conn: &mut sqlx::PgConnection) -> Result<Vec<String>, StoreError> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT LIKE '\\_sqlx\\_%' \
         ORDER BY table_name",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let edges = sqlx::query(
        "SELECT tc.table_name::text AS child, ccu.table_name::text AS parent \
         FROM information_schema.table_constraints tc \
         JOIN information_schema.constraint_column_usage ccu ON tc.constraint_name = ccu.constraint_name \
         WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let mut parents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for edge in edges {
        let child: String = edge.try_get("child").map_err(db_error)?;
        let parent: String = edge.try_get("parent").map_err(db_error)?;
        if child != parent {
            parents.entry(child).or_default().insert(parent);
        }
    }
    let mut ordered = Vec::with_capacity(tables.len());
    let mut placed = BTreeSet::new();
    while ordered.len() < tables.len() {
        let ready: Vec<&String> = tables
            .iter()
            .filter(|t| !placed.contains(*t))
            .filter(|t| {
                parents
                    .get(*t)
                    .is_none_or(|ps| ps.iter().all(|p| placed.contains(p) || !tables.contains(p)))
            })
            .collect();
        if ready.is_empty() {
            return Err(StoreError::Corrupt(
                "the tables' foreign keys form a cycle".into(),
            ));
        }
        for table in ready {
            placed.insert(table.clone());
            ordered.push(table.clone());
        }
    }
    Ok(ordered)
}

fn io_error(error: std::io::Error) -> StoreError {
    StoreError::Database(format!("writing or reading the export: {error}"))
}
