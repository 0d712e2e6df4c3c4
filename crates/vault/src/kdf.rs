//! Argon2id key derivation from a passphrase, shared by passphrase-mode key rings and
//! passphrase-encrypted backups.

use argon2::{Algorithm, Argon2, Params, Version};

use crate::crypto::{KEY_LEN, Key32};
use crate::secret::SecretString;

/// Length of the random salt stored next to the parameters.
pub(crate) const SALT_LEN: usize = 16;

/// Argon2id cost parameters, stored in the key file or backup header that uses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Number of passes over the memory.
    pub iterations: u32,
    /// Lanes; the derivation itself runs on one thread.
    pub parallelism: u32,
}

impl KdfParams {
    /// 64 MiB, 3 passes, 1 lane: about a third of a second on a small server, done once per
    /// unlock or backup. Stronger than OWASP's minimum for passwords (19 MiB, 2 passes)
    /// because a stolen key file or backup can be attacked offline without limit.
    pub const RECOMMENDED: KdfParams = KdfParams {
        memory_kib: 64 * 1024,
        iterations: 3,
        parallelism: 1,
    };

    /// Largest memory cost accepted from a file (1 GiB): a crafted backup header must not be
    /// able to make a restore allocate the whole machine.
    pub const MAX_MEMORY_KIB: u32 = 1024 * 1024;
    /// Largest number of passes accepted from a file.
    pub const MAX_ITERATIONS: u32 = 64;
    /// Largest number of lanes accepted from a file.
    pub const MAX_PARALLELISM: u32 = 16;

    /// Checks the parameters are ones Argon2id accepts and this crate is willing to run.
    pub fn validate(&self) -> Result<(), KdfParamsError> {
        let lanes_ok = (1..=Self::MAX_PARALLELISM).contains(&self.parallelism);
        let passes_ok = (1..=Self::MAX_ITERATIONS).contains(&self.iterations);
        // Argon2 needs at least 8 KiB per lane.
        let memory_ok = self.memory_kib >= 8 * self.parallelism.max(1)
            && self.memory_kib <= Self::MAX_MEMORY_KIB;
        if lanes_ok && passes_ok && memory_ok {
            Ok(())
        } else {
            Err(KdfParamsError(*self))
        }
    }

    /// Encodes as three big-endian u32 (memory, iterations, parallelism).
    pub(crate) fn to_bytes(self) -> [u8; 12] {
        let mut out = [0u8; 12];
        out[0..4].copy_from_slice(&self.memory_kib.to_be_bytes());
        out[4..8].copy_from_slice(&self.iterations.to_be_bytes());
        out[8..12].copy_from_slice(&self.parallelism.to_be_bytes());
        out
    }

    pub(crate) fn from_bytes(bytes: [u8; 12]) -> Self {
        let word =
            |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        KdfParams {
            memory_kib: word(0),
            iterations: word(4),
            parallelism: word(8),
        }
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        Self::RECOMMENDED
    }
}

/// Argon2id parameters outside the accepted range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "Argon2id parameters out of range: memory {} KiB (8 KiB per lane to {} KiB), {} passes (1 to {}), {} lanes (1 to {})",
    .0.memory_kib, KdfParams::MAX_MEMORY_KIB, .0.iterations, KdfParams::MAX_ITERATIONS,
    .0.parallelism, KdfParams::MAX_PARALLELISM
)]
pub struct KdfParamsError(pub KdfParams);

/// Derives a 32-byte key from a passphrase with Argon2id (version 0x13).
///
/// The passphrase is used byte for byte as UTF-8: no trimming or Unicode normalisation, so
/// what was typed at creation must be typed again.
pub(crate) fn derive_key(
    passphrase: &SecretString,
    salt: &[u8; SALT_LEN],
    params: KdfParams,
) -> Result<Key32, KdfParamsError> {
    params.validate()?;
    let argon_params = Params::new(
        params.memory_kib,
        params.iterations,
        params.parallelism,
        Some(KEY_LEN),
    )
    .map_err(|_| KdfParamsError(params))?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, argon_params);
    let mut out = zeroize::Zeroizing::new([0u8; KEY_LEN]);
    argon
        .hash_password_into(passphrase.expose().as_bytes(), salt, out.as_mut())
        .map_err(|_| KdfParamsError(params))?;
    Ok(Key32::from_bytes(*out))
}

#[cfg(test)]
pub(crate) const TEST_PARAMS: KdfParams = KdfParams {
    memory_kib: 64,
    iterations: 1,
    parallelism: 1,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_passphrase_and_salt_give_the_same_key_and_others_do_not() {
        let salt = [7u8; SALT_LEN];
        let a = derive_key(&"correct horse".into(), &salt, TEST_PARAMS).unwrap();
        let b = derive_key(&"correct horse".into(), &salt, TEST_PARAMS).unwrap();
        let c = derive_key(&"correct horsf".into(), &salt, TEST_PARAMS).unwrap();
        let d = derive_key(&"correct horse".into(), &[8u8; SALT_LEN], TEST_PARAMS).unwrap();
        assert_eq!(a.as_bytes(), b.as_bytes());
        assert_ne!(a.as_bytes(), c.as_bytes());
        assert_ne!(a.as_bytes(), d.as_bytes());
    }

    #[test]
    fn parameters_from_a_file_are_bounded() {
        assert!(KdfParams::RECOMMENDED.validate().is_ok());
        let huge = KdfParams {
            memory_kib: u32::MAX,
            ..KdfParams::RECOMMENDED
        };
        assert_eq!(huge.validate(), Err(KdfParamsError(huge)));
        let no_passes = KdfParams {
            iterations: 0,
            ..KdfParams::RECOMMENDED
        };
        assert!(no_passes.validate().is_err());
        let too_little_memory = KdfParams {
            memory_kib: 8,
            iterations: 1,
            parallelism: 2,
        };
        assert!(too_little_memory.validate().is_err());
        assert!(derive_key(&"x".into(), &[0; SALT_LEN], huge).is_err());
    }

    #[test]
    fn parameters_round_trip_through_bytes() {
        let params = KdfParams {
            memory_kib: 1,
            iterations: 2,
            parallelism: 3,
        };
        assert_eq!(KdfParams::from_bytes(params.to_bytes()), params);
    }
}
