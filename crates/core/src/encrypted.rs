//! Every column that holds values encrypted with the data keys, so key rotation
//! can find them all. A domain that adds an encrypted column lists it here.
//!
//! The row's identifier is always the `id` column, and is part of each value's
//! associated data (`FieldContext::new(table, column, id)`).

use async_trait::async_trait;

use crate::store::StoreError;

/// A column of encrypted values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EncryptedColumn {
    pub table: &'static str,
    pub column: &'static str,
}

/// Every encrypted column of Kolo's schema.
pub const ENCRYPTED_COLUMNS: &[EncryptedColumn] = &[
    EncryptedColumn {
        table: "participants",
        column: "real_name",
    },
    EncryptedColumn {
        table: "participants",
        column: "phone",
    },
    EncryptedColumn {
        table: "participants",
        column: "messenger",
    },
    EncryptedColumn {
        table: "participant_imports",
        column: "content",
    },
    EncryptedColumn {
        table: "outcome_responses",
        column: "comment",
    },
    EncryptedColumn {
        table: "outcome_imports",
        column: "content",
    },
];

/// A value re-encrypted under another key.
#[derive(Clone, Debug)]
pub struct Replacement {
    pub id: String,
    pub old: Vec<u8>,
    pub new: Vec<u8>,
}

/// Reading and replacing encrypted values by column, for key rotation. Table and
/// column names come only from `ENCRYPTED_COLUMNS`, never from input.
#[async_trait]
pub trait EncryptedValueStore: Send + Sync {
    /// Up to `limit` non-null values with ids after `after_id`, in id order.
    async fn encrypted_values(
        &self,
        column: &EncryptedColumn,
        after_id: &str,
        limit: u32,
    ) -> Result<Vec<(String, Vec<u8>)>, StoreError>;
    /// Replaces values in one transaction, each only if it still holds its old
    /// ciphertext (another writer may have changed it meanwhile); returns how
    /// many were replaced.
    async fn replace_encrypted_values(
        &self,
        column: &EncryptedColumn,
        changes: &[Replacement],
    ) -> Result<u64, StoreError>;
}
