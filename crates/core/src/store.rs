//! What every storage backend provides, and how it fails.

use async_trait::async_trait;
use thiserror::Error;

use crate::audit::AuditStore;
use crate::auth::{SessionStore, ThrottleStore, TokenStore, TwoFactorStore, UserStore};
use crate::clm::ClmStore;
use crate::encrypted::EncryptedValueStore;
use crate::events::{EventStore, RegistrationStore};
use crate::org::SettingsStore;
use crate::outcomes::OutcomeStore;
use crate::participants::ParticipantStore;
use crate::retention::ErasureStore;

/// Why a storage call failed. The message never contains the stored values.
#[derive(Debug, Error)]
pub enum StoreError {
    /// A unique rule was broken, e.g. a login that is already taken.
    #[error("already exists: {0}")]
    Conflict(&'static str),
    /// The row to change does not exist.
    #[error("not found: {0}")]
    NotFound(&'static str),
    /// The database refused or could not be reached.
    #[error("database error: {0}")]
    Database(String),
    /// A stored value could not be read back as its type (the data is damaged or
    /// was written by a newer version of Kolo).
    #[error("stored value is not valid: {0}")]
    Corrupt(String),
}

/// The whole storage of Kolo: one backend implements every domain's trait.
#[async_trait]
pub trait Store:
    UserStore
    + SessionStore
    + TokenStore
    + ThrottleStore
    + SettingsStore
    + AuditStore
    + TwoFactorStore
    + EncryptedValueStore
    + EventStore
    + RegistrationStore
    + ParticipantStore
    + OutcomeStore
    + ErasureStore
    + ClmStore
{
    /// Which backend this is, for logs and the health check.
    fn backend_name(&self) -> &'static str;
    /// Checks that the database answers.
    async fn ping(&self) -> Result<(), StoreError>;
    /// Writes a transaction-consistent copy of the whole database into the empty
    /// directory `dir`, while the server keeps running; returns the files written,
    /// relative to `dir`, in the order a restore reads them.
    async fn export_snapshot(&self, dir: &std::path::Path) -> Result<Vec<String>, StoreError>;
    /// The highest migration applied, so a restore can refuse a copy made by a
    /// different version of Kolo.
    async fn schema_version(&self) -> Result<i64, StoreError>;
}
