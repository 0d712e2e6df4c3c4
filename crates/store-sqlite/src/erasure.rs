//! Erasing participants' personal data: by the retention rule, and on request.

use async_trait::async_trait;
use kolo_core::StoreError;
use kolo_core::retention::{ErasureStore, FORGOTTEN_NICKNAME};
use kolo_core::time::Timestamp;

use crate::{SqliteStore, db_error};

#[async_trait]
impl ErasureStore for SqliteStore {
    async fn erase_stale_participant_contacts(
        &self,
        seen_before: Timestamp,
        before_date: &str,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        sqlx::query(
            "UPDATE participants SET real_name = NULL, phone = NULL, messenger = NULL, phone_index = NULL, \
             updated_at = ?3 \
             WHERE (real_name IS NOT NULL OR phone IS NOT NULL OR messenger IS NOT NULL) \
             AND created_at < ?1 \
             AND NOT EXISTS (SELECT 1 FROM registrations r JOIN events e ON e.id = r.event_id \
                             WHERE r.participant_id = participants.id \
                             AND (r.registered_at >= ?1 OR e.end_date >= ?2))",
        )
        .bind(seen_before.seconds())
        .bind(before_date)
        .bind(now.seconds())
        .execute(&self.pool)
        .await
        .map(|r| r.rows_affected())
        .map_err(db_error)
    }

    async fn forget_participant(&self, id: &str, now: Timestamp) -> Result<bool, StoreError> {
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_error)?;
        let updated = sqlx::query(
            "UPDATE participants SET real_name = NULL, phone = NULL, messenger = NULL, phone_index = NULL, \
             nickname = ?2, nickname_key = ?2, consent_contact = FALSE, consent_certificate = FALSE, \
             updated_at = ?3 WHERE id = ?1 OR merged_into = ?1",
        )
        .bind(id)
        .bind(FORGOTTEN_NICKNAME)
        .bind(now.seconds())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?
        .rows_affected();
        if updated == 0 {
            return Ok(false);
        }
        sqlx::query(
            "DELETE FROM participant_consents WHERE participant_id IN \
             (SELECT id FROM participants WHERE id = ?1 OR merged_into = ?1)",
        )
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        Ok(true)
    }
}
