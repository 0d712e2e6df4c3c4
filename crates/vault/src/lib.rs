//! Kolo's vault: the cryptographic core behind encryption at rest, two-factor login, the
//! tamper-evident audit log and encrypted backups.
//!
//! This crate does no database and no HTTP work. It reads and writes only the files it is
//! pointed at (the key directory, the audit head file, backup files and restore targets).

pub mod audit;
pub mod backup;
pub mod blind;
pub mod field;
pub mod kdf;
pub mod keys;
pub mod secret;
pub mod totp;

mod crypto;
mod fsutil;

pub use field::{FieldCipher, FieldContext, FieldError, KeyId};
pub use kdf::KdfParams;
pub use keys::{KeyError, KeyRing};
pub use secret::{SecretBytes, SecretString};
