//! Time-based one-time passwords (RFC 6238 with HMAC-SHA1, 30-second steps, 6 digits: what
//! every authenticator app supports) and single-use recovery codes.
//!
//! The server stores, per user, the secret (encrypted, see
//! [`crate::keys::ServerKey::field_cipher`]) and the last step a code was accepted for; that
//! step is what makes a code single-use.

mod base32;
mod recovery;

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

use crate::crypto::{ct_eq, random_array};
use crate::secret::{SecretBytes, SecretString};

pub use recovery::{RECOVERY_CODE_COUNT, RecoveryCodeHash, RecoveryCodeHasher, RecoveryCodes};

/// Digits in a code.
pub const DIGITS: u32 = 6;
/// Seconds per step.
pub const PERIOD_SECONDS: u64 = 30;
/// Bytes in a generated secret (160 bits, the HMAC-SHA1 output size RFC 4226 recommends).
pub const SECRET_LEN: usize = 20;
/// Steps accepted either side of the current one, for clocks that drift.
pub const DRIFT_STEPS: u64 = 1;

/// Shortest secret accepted (RFC 4226 requires at least 128 bits).
const MIN_SECRET_LEN: usize = 16;
const MAX_SECRET_LEN: usize = 64;

/// A user's TOTP secret.
#[derive(Clone)]
pub struct TotpSecret(SecretBytes);

/// A secret that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TotpError {
    #[error("a TOTP secret must have {MIN_SECRET_LEN} to {MAX_SECRET_LEN} bytes, this one has {0}")]
    BadLength(usize),
    #[error("the TOTP key is not valid base32 (letters A to Z and digits 2 to 7)")]
    NotBase32,
}

impl TotpSecret {
    /// A new random secret for enrolment.
    pub fn generate() -> Self {
        Self(SecretBytes::new(random_array::<SECRET_LEN>().to_vec()))
    }

    /// A stored secret (after decrypting it).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, TotpError> {
        if !(MIN_SECRET_LEN..=MAX_SECRET_LEN).contains(&bytes.len()) {
            return Err(TotpError::BadLength(bytes.len()));
        }
        Ok(Self(SecretBytes::new(bytes.to_vec())))
    }

    /// A secret typed as base32 (spaces, hyphens and case ignored).
    pub fn from_base32(text: &str) -> Result<Self, TotpError> {
        let bytes = SecretBytes::new(base32::decode(text).ok_or(TotpError::NotBase32)?);
        Self::from_bytes(bytes.expose())
    }

    /// The raw secret, to encrypt and store.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.expose()
    }

    /// The key for manual entry in an authenticator app: base32 without padding.
    pub fn to_base32(&self) -> SecretString {
        SecretString::new(base32::encode(self.0.expose()))
    }

    /// The `otpauth://` URL to show as a QR code. `issuer` names the organisation or the Kolo
    /// instance, `account` the user (a login name, never a participant's name).
    pub fn otpauth_url(&self, issuer: &str, account: &str) -> SecretString {
        let issuer = percent_encode(issuer);
        SecretString::new(format!(
            "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits={DIGITS}&period={PERIOD_SECONDS}",
            account = percent_encode(account),
            secret = self.to_base32().expose(),
        ))
    }

    /// The code an authenticator app shows at `now_unix` (for tests and diagnostics).
    pub fn code_at(&self, now_unix: u64) -> String {
        hotp(self.0.expose(), step_at(now_unix), DIGITS)
    }
}

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret([redacted])")
    }
}

/// The step number at `now_unix`.
pub fn step_at(now_unix: u64) -> u64 {
    now_unix / PERIOD_SECONDS
}

/// Checks a typed code. Returns the step it matched, to store as the user's last used step,
/// or `None` when it does not match.
///
/// Accepts the current step and one either side. Refuses any step at or before
/// `last_used_step`, so a code cannot be used twice, nor an older code after a newer one.
/// Spaces in `code` are ignored; anything other than six digits is refused.
pub fn verify(
    secret: &TotpSecret,
    code: &str,
    now_unix: u64,
    last_used_step: Option<u64>,
) -> Option<u64> {
    let typed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() != DIGITS as usize || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_at(now_unix);
    let mut matched = None;
    // Every candidate is computed and compared, so timing does not reveal which one matched.
    for step in now.saturating_sub(DRIFT_STEPS)..=now.saturating_add(DRIFT_STEPS) {
        let fresh = last_used_step.is_none_or(|last| step > last);
        let equal = ct_eq(
            hotp(secret.0.expose(), step, DIGITS).as_bytes(),
            typed.as_bytes(),
        );
        if equal && fresh {
            matched = Some(step);
        }
    }
    matched
}

/// HOTP (RFC 4226): HMAC-SHA1 of the counter, dynamically truncated to `digits` digits.
fn hotp(key: &[u8], counter: u64, digits: u32) -> String {
    // HMAC accepts keys of any length.
    let mut mac =
        <Hmac<Sha1> as KeyInit>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    let code = binary % 10u32.pow(digits);
    format!("{code:0width$}", width = digits as usize)
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests;
