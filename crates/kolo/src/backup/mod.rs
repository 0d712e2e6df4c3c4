//! `kolo backup` and `kolo restore`: the whole installation (a consistent copy of
//! the database, the attachments, the key files and the audit head) in one
//! compressed, encrypted, verified file, and its restoration into an empty data
//! directory.

mod create;
pub mod restore;

pub use create::{BackupSummary, create_backup};
pub use restore::{RestoreSummary, restore_backup};

use serde::{Deserialize, Serialize};

/// Describes a backup; the first entry of every backup file.
pub const DESCRIPTION_ENTRY: &str = "kolo-backup.json";
/// Where the database's files go inside a backup.
pub const DATABASE_DIR: &str = "database";
/// Setting that records the last backup, for the admin page.
pub const LAST_BACKUP_SETTING: &str = "backup.last";

#[derive(Debug, Serialize, Deserialize)]
pub struct Description {
    /// The layout of this description and the entries; restore refuses others.
    pub format: u32,
    pub kolo_version: String,
    /// `sqlite` or `postgres`: a backup is restored onto the same kind of database.
    pub backend: String,
    /// The highest migration of the database copied.
    pub schema_version: i64,
    pub created_at: i64,
    /// The database files, in the order a restore reads them.
    pub database_files: Vec<String>,
}

/// What the admin page shows about the last backup.
#[derive(Debug, Serialize, Deserialize)]
pub struct LastBackup {
    pub at: i64,
    pub bytes: u64,
    pub entries: usize,
    pub with_passphrase: bool,
}
