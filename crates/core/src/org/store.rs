//! Organisation-wide settings, kept as named values.

use async_trait::async_trait;

use crate::store::StoreError;

/// Names of the settings Kolo knows.
pub mod setting {
    /// The organisation's name in Ukrainian.
    pub const ORG_NAME_UK: &str = "org.name.uk";
    /// The organisation's name in English.
    pub const ORG_NAME_EN: &str = "org.name.en";
    /// `true` when the data is the fictional demo organisation.
    pub const DEMO: &str = "org.demo";
    /// The roles that must sign in with a second factor (`admin,case_worker`).
    pub const TWO_FACTOR_ROLES: &str = "auth.two_factor_roles";
}

#[async_trait]
pub trait SettingsStore: Send + Sync {
    async fn setting(&self, name: &str) -> Result<Option<String>, StoreError>;
    async fn set_setting(&self, name: &str, value: &str) -> Result<(), StoreError>;
}
