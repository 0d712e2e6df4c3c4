//! The audit log on SQLite.

use async_trait::async_trait;
use kolo_core::StoreError;
use kolo_core::audit::{
    AuditDetails, AuditFilter, AuditStore, CHECKPOINT_SETTING, ChainHead, NewEntry, StoredEntry,
    parse_checkpoint,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};
use vault::audit::{ChainHash, Entry};

use crate::{SqliteStore, db_error};

const COLUMNS: &str = "seq, at_ms, actor, action, target, address, details, prev_hash, hash";

#[async_trait]
impl AuditStore for SqliteStore {
    async fn append_audit(&self, entry: NewEntry) -> Result<StoredEntry, StoreError> {
        // BEGIN IMMEDIATE takes the write lock first: no other writer can append
        // between reading the head and inserting after it.
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_error)?;
        let last = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
        let head = match last {
            None => ChainHead::EMPTY,
            Some(row) => ChainHead {
                seq: u64::try_from(row.try_get::<i64, _>("seq").map_err(db_error)?).unwrap_or(0),
                hash: ChainHash::from_hex(&row.try_get::<String, _>("hash").map_err(db_error)?)
                    .ok_or_else(|| {
                        StoreError::Corrupt("the last audit entry's hash is not hexadecimal".into())
                    })?,
            },
        };
        let stored = head.append(entry);
        let e = &stored.entry;
        sqlx::query(
            "INSERT INTO audit_log (seq, at_ms, actor, action, target, address, details, prev_hash, hash) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .bind(i64::try_from(e.seq).map_err(|_| StoreError::Corrupt("audit sequence overflow".into()))?)
        .bind(e.at_unix_ms)
        .bind(&e.actor)
        .bind(&e.action)
        .bind(&e.target)
        .bind(&e.address)
        .bind(e.details.as_str())
        .bind(stored.prev_hash.to_hex())
        .bind(stored.hash.to_hex())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        Ok(stored)
    }

    async fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<StoredEntry>, StoreError> {
        let mut query =
            QueryBuilder::<Sqlite>::new(format!("SELECT {COLUMNS} FROM audit_log WHERE 1 = 1"));
        if let Some(actor) = &filter.actor {
            query.push(" AND actor = ").push_bind(actor.clone());
        }
        if let Some(prefix) = &filter.action_prefix {
            query
                .push(" AND substr(action, 1, length(")
                .push_bind(prefix.clone());
            query.push(")) = ").push_bind(prefix.clone());
        }
        if let Some(from) = filter.from_ms {
            query.push(" AND at_ms >= ").push_bind(from);
        }
        if let Some(until) = filter.until_ms {
            query.push(" AND at_ms < ").push_bind(until);
        }
        if let Some(before) = filter.before_seq {
            query
                .push(" AND seq < ")
                .push_bind(i64::try_from(before).unwrap_or(i64::MAX));
        }
        query
            .push(" ORDER BY seq DESC LIMIT ")
            .push_bind(i64::from(filter.limit));
        let rows = query
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(rows.iter().map(entry_from_row).collect())
    }

    async fn audit_chain(
        &self,
        after_seq: u64,
        limit: u32,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2"
        )))
        .bind(i64::try_from(after_seq).unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(rows.iter().map(entry_from_row).collect())
    }
    async fn prune_audit(&self, before_ms: i64) -> Result<u64, StoreError> {
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_error)?;
        let last = sqlx::query(
            "SELECT seq, hash FROM audit_log WHERE at_ms < ?1 ORDER BY seq DESC LIMIT 1",
        )
        .bind(before_ms)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        let Some(last) = last else {
            return Ok(0);
        };
        let seq: i64 = last.try_get("seq").map_err(db_error)?;
        let hash: String = last.try_get("hash").map_err(db_error)?;
        let deleted = sqlx::query("DELETE FROM audit_log WHERE seq <= ?1")
            .bind(seq)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?
            .rows_affected();
        sqlx::query(
            "INSERT INTO settings (name, value) VALUES (?1, ?2) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        )
        .bind(CHECKPOINT_SETTING)
        .bind(format!("{seq}:{hash}"))
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        Ok(deleted)
    }

    async fn audit_checkpoint(&self) -> Result<ChainHead, StoreError> {
        let value: Option<String> =
            sqlx::query_scalar("SELECT value FROM settings WHERE name = ?1")
                .bind(CHECKPOINT_SETTING)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_error)?;
        match value {
            None => Ok(ChainHead::EMPTY),
            Some(value) => parse_checkpoint(&value).ok_or_else(|| {
                StoreError::Corrupt("the audit checkpoint setting is not SEQ:HASH".into())
            }),
        }
    }
}

/// Reads an entry as stored. A value that cannot be read (damaged by hand) is
/// read as a placeholder that cannot match the entry's hash, so verification
/// names the entry instead of failing on it.
fn entry_from_row(row: &SqliteRow) -> StoredEntry {
    let text = |column: &str| row.try_get::<String, _>(column).unwrap_or_default();
    let hash =
        |column: &str| ChainHash::from_hex(&text(column)).unwrap_or(ChainHash::from_bytes([0; 32]));
    StoredEntry {
        entry: Entry {
            seq: u64::try_from(row.try_get::<i64, _>("seq").unwrap_or(0)).unwrap_or(0),
            at_unix_ms: row.try_get("at_ms").unwrap_or(0),
            actor: text("actor"),
            action: text("action"),
            target: text("target"),
            address: row.try_get("address").unwrap_or(None),
            details: AuditDetails::parse(&text("details")).unwrap_or_else(|_| AuditDetails::none()),
        },
        prev_hash: hash("prev_hash"),
        hash: hash("hash"),
    }
}
