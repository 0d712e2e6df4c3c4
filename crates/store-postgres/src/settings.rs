use async_trait::async_trait;
use kolo_core::StoreError;
use kolo_core::org::SettingsStore;

use crate::{PostgresStore, db_error};

#[async_trait]
impl SettingsStore for PostgresStore {
    async fn setting(&self, name: &str) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar("SELECT value FROM settings WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)
    }

    async fn set_setting(&self, name: &str, value: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO settings (name, value) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        )
        .bind(name)
        .bind(value)
        .execute(&self.pool)
        .await
        .map(|_| ())
        .map_err(db_error)
    }
}
