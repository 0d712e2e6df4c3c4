//! The one place where participants' personal details meet the vault: they
//! are encrypted here before the store sees them, bound to their table,
//! column and row, and decrypted here only for a page that shows them (each
//! such reading is audited by the caller).

use std::fmt;

use kolo_core::participants::{
    Participant, ParticipantId, PersonalDetails, Phone, Sealed, SealedPersonal,
};
use vault::FieldContext;
use vault::blind::{BlindIndex, normalise};

use crate::vault::Vault;
use crate::web::AppError;

const TABLE: &str = "participants";
/// The purpose of the phone's blind index; changing it means recomputing all.
const PHONE_INDEX: &str = "participants.phone";

/// Encrypts the details given for a participant whose id is already chosen.
pub fn seal(
    vault: &Vault,
    id: &ParticipantId,
    details: &PersonalDetails,
) -> Result<SealedPersonal, AppError> {
    let cipher = vault.cipher()?;
    let seal = |column: &str, value: &str| {
        Sealed(cipher.encrypt_str(value, &FieldContext::new(TABLE, column, id)))
    };
    Ok(SealedPersonal {
        real_name: details.real_name.as_deref().map(|v| seal("real_name", v)),
        phone: details.phone.as_ref().map(|p| seal("phone", p.as_str())),
        messenger: details.messenger.as_deref().map(|v| seal("messenger", v)),
        phone_index: details
            .phone
            .as_ref()
            .map(|p| phone_index(vault, p))
            .transpose()?
            .flatten(),
    })
}

/// Encrypts one field (for edits that replace a single value).
pub fn seal_one(
    vault: &Vault,
    id: &ParticipantId,
    column: &str,
    value: &str,
) -> Result<Sealed, AppError> {
    let cipher = vault.cipher()?;
    Ok(Sealed(
        cipher.encrypt_str(value, &FieldContext::new(TABLE, column, id)),
    ))
}

/// The blind index of a phone number, for finding the same phone twice.
pub fn phone_index(vault: &Vault, phone: &Phone) -> Result<Option<String>, AppError> {
    Ok(vault.with_ring(|ring| {
        BlindIndex::new(ring, PHONE_INDEX, normalise::ua_phone)
            .index(phone.as_str())
            .map(|i| i.to_hex())
    })?)
}

/// Decrypted details, for one page. Never printed.
#[derive(Default)]
pub struct OpenDetails {
    pub real_name: Option<String>,
    pub phone: Option<String>,
    pub messenger: Option<String>,
}

impl fmt::Debug for OpenDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OpenDetails([redacted])")
    }
}

/// Decrypts a participant's details. A value that does not decrypt is an
/// internal error naming the place, never the value.
pub fn open(vault: &Vault, participant: &Participant) -> Result<OpenDetails, AppError> {
    let cipher = vault.cipher()?;
    let open = |column: &str, sealed: &Option<Sealed>| -> Result<Option<String>, AppError> {
        sealed
            .as_ref()
            .map(|s| {
                cipher
                    .decrypt_string(&s.0, &FieldContext::new(TABLE, column, &participant.id))
                    .map(|secret| secret.expose().to_owned())
                    .map_err(|e| AppError::Internal(e.to_string()))
            })
            .transpose()
    };
    Ok(OpenDetails {
        real_name: open("real_name", &participant.personal.real_name)?,
        phone: open("phone", &participant.personal.phone)?,
        messenger: open("messenger", &participant.personal.messenger)?,
    })
}

/// Encrypts an uploaded participant list while it waits for confirmation.
pub fn seal_import(vault: &Vault, id: &str, bytes: &[u8]) -> Result<Sealed, AppError> {
    let cipher = vault.cipher()?;
    Ok(Sealed(cipher.encrypt(
        bytes,
        &FieldContext::new("participant_imports", "content", id),
    )))
}

pub fn open_import(vault: &Vault, id: &str, sealed: &Sealed) -> Result<Vec<u8>, AppError> {
    let cipher = vault.cipher()?;
    cipher
        .decrypt(
            &sealed.0,
            &FieldContext::new("participant_imports", "content", id),
        )
        .map(|bytes| bytes.to_vec())
        .map_err(|e| AppError::Internal(e.to_string()))
}
