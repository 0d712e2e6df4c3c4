//! Authenticator secrets and recovery codes on SQLite.

use async_trait::async_trait;
use kolo_core::StoreError;
use kolo_core::auth::{TotpRecord, TwoFactorStore, UserId};
use kolo_core::time::Timestamp;
use sqlx::Row;

use crate::{SqliteStore, db_error};

#[async_trait]
impl TwoFactorStore for SqliteStore {
    async fn totp(&self, user: &UserId) -> Result<Option<TotpRecord>, StoreError> {
        let row = sqlx::query("SELECT totp_secret, totp_last_step FROM users WHERE id = ?1")
            .bind(&user.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        let Some(row) = row else { return Ok(None) };
        let secret: Option<Vec<u8>> = row.try_get("totp_secret").map_err(db_error)?;
        let last: Option<i64> = row.try_get("totp_last_step").map_err(db_error)?;
        Ok(secret.map(|encrypted_secret| TotpRecord {
            encrypted_secret,
            last_used_step: last.and_then(|s| u64::try_from(s).ok()),
        }))
    }

    async fn set_pending_totp(
        &self,
        user: &UserId,
        encrypted_secret: Option<&[u8]>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET totp_pending = ?2 WHERE id = ?1")
            .bind(&user.0)
            .bind(encrypted_secret)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(db_error)
    }

    async fn pending_totp(&self, user: &UserId) -> Result<Option<Vec<u8>>, StoreError> {
        sqlx::query_scalar::<_, Option<Vec<u8>>>("SELECT totp_pending FROM users WHERE id = ?1")
            .bind(&user.0)
            .fetch_optional(&self.pool)
            .await
            .map(Option::flatten)
            .map_err(db_error)
    }

    async fn enable_totp(
        &self,
        user: &UserId,
        encrypted_secret: &[u8],
        recovery_code_hashes: &[String],
    ) -> Result<(), StoreError> {
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_error)?;
        sqlx::query("UPDATE users SET totp_secret = ?2, totp_pending = NULL, totp_last_step = NULL WHERE id = ?1")
            .bind(&user.0)
            .bind(encrypted_secret)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = ?1")
            .bind(&user.0)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        for hash in recovery_code_hashes {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES (?1, ?2)")
                .bind(&user.0)
                .bind(hash)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)
    }

    async fn disable_totp(&self, user: &UserId) -> Result<(), StoreError> {
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_error)?;
        sqlx::query("UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL WHERE id = ?1")
            .bind(&user.0)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = ?1")
            .bind(&user.0)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)
    }

    async fn use_totp_step(&self, user: &UserId, step: u64) -> Result<bool, StoreError> {
        let step = i64::try_from(step)
            .map_err(|_| StoreError::Corrupt("time step out of range".into()))?;
        let result = sqlx::query(
            "UPDATE users SET totp_last_step = ?2 WHERE id = ?1 AND (totp_last_step IS NULL OR totp_last_step < ?2)",
        )
        .bind(&user.0)
        .bind(step)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(result.rows_affected() == 1)
    }

    async fn unused_recovery_codes(&self, user: &UserId) -> Result<Vec<String>, StoreError> {
        sqlx::query_scalar(
            "SELECT code_hash FROM recovery_codes WHERE user_id = ?1 AND used_at IS NULL",
        )
        .bind(&user.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)
    }

    async fn use_recovery_code(
        &self,
        user: &UserId,
        code_hash: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "UPDATE recovery_codes SET used_at = ?3 WHERE user_id = ?1 AND code_hash = ?2 AND used_at IS NULL",
        )
        .bind(&user.0)
        .bind(code_hash)
        .bind(now.seconds())
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(result.rows_affected() == 1)
    }
}
