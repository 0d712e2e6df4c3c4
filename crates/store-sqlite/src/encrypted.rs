//! Encrypted values by column, for key rotation.

use async_trait::async_trait;
use kolo_core::StoreError;
use kolo_core::encrypted::{ENCRYPTED_COLUMNS, EncryptedColumn, EncryptedValueStore, Replacement};
use sqlx::{AssertSqlSafe, Row};

use crate::{SqliteStore, db_error};

/// The column as listed in the registry: names are trusted only from there.
fn registered(column: &EncryptedColumn) -> Result<&'static EncryptedColumn, StoreError> {
    ENCRYPTED_COLUMNS
        .iter()
        .find(|c| *c == column)
        .ok_or_else(|| {
            StoreError::Database(format!(
                "{}.{} is not a registered encrypted column",
                column.table, column.column
            ))
        })
}

#[async_trait]
impl EncryptedValueStore for SqliteStore {
    async fn encrypted_values(
        &self,
        column: &EncryptedColumn,
        after_id: &str,
        limit: u32,
    ) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let c = registered(column)?;
        let sql = format!(
            "SELECT id, {col} AS value FROM {table} WHERE {col} IS NOT NULL AND id > ?1 ORDER BY id LIMIT ?2",
            col = c.column,
            table = c.table
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(after_id)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get("id").map_err(db_error)?,
                    row.try_get("value").map_err(db_error)?,
                ))
            })
            .collect()
    }

    async fn replace_encrypted_values(
        &self,
        column: &EncryptedColumn,
        changes: &[Replacement],
    ) -> Result<u64, StoreError> {
        let c = registered(column)?;
        let sql = format!(
            "UPDATE {table} SET {col} = ?3 WHERE id = ?1 AND {col} = ?2",
            col = c.column,
            table = c.table
        );
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_error)?;
        let mut replaced = 0;
        for change in changes {
            replaced += sqlx::query(AssertSqlSafe(sql.clone()))
                .bind(&change.id)
                .bind(&change.old)
                .bind(&change.new)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?
                .rows_affected();
        }
        tx.commit().await.map_err(db_error)?;
        Ok(replaced)
    }
}
