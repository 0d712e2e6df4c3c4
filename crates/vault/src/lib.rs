//! Kolo's vault: the cryptographic core behind encryption at rest, two-factor login, the
//! tamper-evident audit log and encrypted backups.
//!
//! This crate does no database and no HTTP work. It reads and writes only the files it is
//! pointed at (the key directory, the audit head file, backup files and restore targets).
//!
//! - [`keys`]: the key directory, envelope encryption, passphrase lock, data key rotation.
//! - [`field`]: the one API for encrypting personal and special fields.
//! - [`blind`]: keyed hashes for exact-match search of encrypted fields.
//! - [`totp`]: RFC 6238 codes and single-use recovery codes.
//! - [`audit`]: canonical entries, the hash chain, the keyed head file, address truncation.
//! - [`backup`]: the streaming encrypted backup format, verification and restore.
//! - [`secret`]: types for secrets that never print and are wiped on drop.
//!
//! Invariants: nothing secret is printed by `Debug`/`Display`; no value can be encrypted or
//! decrypted without an unlocked [`KeyRing`]; a failed read of keys, head file or backup
//! changes nothing on disk. `docs/SECURITY.md` at the workspace root describes the formats and the threat model.

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
