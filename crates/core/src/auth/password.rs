//! Passwords: the policy a new password must meet, and Argon2id hashing.
//!
//! The policy follows OWASP ASVS level 2: at least 12 characters, no composition
//! rules, and a refusal of passwords that appear in lists of common passwords.

use std::collections::HashSet;
use std::fmt;
use std::sync::LazyLock;

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash as PhcHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use crate::ids::constant_time_eq;

pub const MIN_LENGTH: usize = 12;
/// Long enough for any passphrase, short enough that hashing stays cheap.
pub const MAX_LENGTH: usize = 128;

/// A password that meets the policy. It never prints.
#[derive(Clone)]
pub struct Password(String);

/// Why a new password is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    /// It is, or is built from, a commonly used password.
    Common,
    /// It contains the account's login name.
    ContainsLogin,
}

impl PasswordProblem {
    /// The Fluent message id that explains the problem to the person.
    pub fn message_id(self) -> &'static str {
        match self {
            PasswordProblem::TooShort => "password-too-short",
            PasswordProblem::TooLong => "password-too-long",
            PasswordProblem::Common => "password-common",
            PasswordProblem::ContainsLogin => "password-contains-login",
        }
    }
}

impl Password {
    /// Checks `candidate` against the policy for the account named `login`.
    pub fn new(candidate: &str, login: &str) -> Result<Password, PasswordProblem> {
        let length = candidate.chars().count();
        if length < MIN_LENGTH {
            return Err(PasswordProblem::TooShort);
        }
        if length > MAX_LENGTH {
            return Err(PasswordProblem::TooLong);
        }
        let lowered = candidate.to_lowercase();
        let login = login.trim().to_lowercase();
        if login.chars().count() >= 3 && lowered.contains(&login) {
            return Err(PasswordProblem::ContainsLogin);
        }
        if is_common(&lowered) {
            return Err(PasswordProblem::Common);
        }
        Ok(Password(candidate.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password([redacted])")
    }
}

/// An Argon2id hash in PHC string form (`$argon2id$v=19$m=...`).
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Wraps a PHC string read from storage.
    pub fn from_stored(phc: String) -> PasswordHash {
        PasswordHash(phc)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash([redacted])")
    }
}

/// Argon2id's working memory (its memory cost, 19 MiB) for a thread that hashes
/// many passwords: reused from one hash to the next while there is work, and
/// given back to the operating system with [`HashMemory::release`] when there
/// is none. Allocated and freed at every hash instead, the allocator kept
/// freed copies in each thread's arena, and a server that had checked a burst
/// of passwords stayed hundreds of megabytes larger.
#[derive(Default)]
pub struct HashMemory(Vec<Block>);

/// The working memory reserves at least this much address space (only the
/// part Argon2 uses is ever touched, so only that part is resident). Above
/// 32 MiB, glibc's allocator (and musl's) always maps a block on its own and
/// unmaps it when it is freed, so releasing the memory really returns it.
const RESERVE_BYTES: usize = 33 << 20;

impl HashMemory {
    fn blocks(&mut self, params: &Params) -> &mut [Block] {
        let count = params.block_count();
        if self.0.len() < count {
            let reserve = count.max(RESERVE_BYTES / Block::SIZE);
            self.0.reserve_exact(reserve - self.0.len());
            self.0.resize(count, Block::new());
        }
        &mut self.0[..count]
    }

    /// Gives the memory back; the next hash allocates it again.
    pub fn release(&mut self) {
        self.0 = Vec::new();
    }
}

/// Hashes a password with Argon2id and OWASP's parameters (19 MiB, 2 passes).
/// Takes tens of milliseconds by design: call it off the async executor.
pub fn hash_password(password: &Password) -> PasswordHash {
    hash_password_with(password, &mut HashMemory::default())
}

/// [`hash_password`] in memory the caller keeps for the next hash.
pub fn hash_password_with(password: &Password, memory: &mut HashMemory) -> PasswordHash {
    // Hashing only fails on parameters outside Argon2's limits; ours are fixed
    // and valid, and the salt comes from the OS random source.
    const VALID: &str = "Argon2id with default parameters hashes any password up to MAX_LENGTH";
    let params = Params::default();
    let salt = Salt::generate();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into_with_memory(
            password.0.as_bytes(),
            salt.as_ref(),
            &mut out,
            memory.blocks(&params),
        )
        .expect(VALID);
    let phc = PhcHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).expect(VALID),
        salt: Some(salt),
        hash: Some(Output::new(&out).expect(VALID)),
    };
    PasswordHash(phc.to_string())
}

/// Checks `candidate` against a stored hash. A damaged hash verifies nothing.
pub fn verify_password(candidate: &str, hash: &PasswordHash) -> bool {
    verify_password_with(candidate, hash, &mut HashMemory::default())
}

/// [`verify_password`] in memory the caller keeps for the next check.
pub fn verify_password_with(candidate: &str, hash: &PasswordHash, memory: &mut HashMemory) -> bool {
    if candidate.len() > MAX_LENGTH * 4 {
        return false;
    }
    let Ok(phc) = PhcHash::new(&hash.0) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&phc.salt, &phc.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(phc.algorithm.as_str()) else {
        return false;
    };
    let version = match phc.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(version)) => version,
        Some(Err(_)) => return false,
    };
    let Ok(params) = Params::try_from(&phc) else {
        return false;
    };
    // Hashes come from our own database, but a damaged one must not make the
    // server allocate without bound.
    if params.m_cost() > MAX_MEMORY_KIB {
        return false;
    }
    let mut out = vec![0u8; expected.len()];
    Argon2::new(algorithm, version, params.clone())
        .hash_password_into_with_memory(
            candidate.as_bytes(),
            salt.as_ref(),
            &mut out,
            memory.blocks(&params),
        )
        .is_ok()
        && constant_time_eq(&out, expected.as_bytes())
}

/// Largest Argon2 memory cost a stored hash may ask for (64 MiB), well above ours.
const MAX_MEMORY_KIB: u32 = 64 * 1024;

/// Verifies against `hash`, or, when there is no account, against a fixed hash so
/// that the answer takes as long either way and reveals nothing about which
/// accounts exist.
pub fn verify_password_or_dummy(candidate: &str, hash: Option<&PasswordHash>) -> bool {
    verify_password_or_dummy_with(candidate, hash, &mut HashMemory::default())
}

/// [`verify_password_or_dummy`] in memory the caller keeps for the next check.
pub fn verify_password_or_dummy_with(
    candidate: &str,
    hash: Option<&PasswordHash>,
    memory: &mut HashMemory,
) -> bool {
    static DUMMY: LazyLock<PasswordHash> =
        LazyLock::new(|| hash_password(&Password("a dummy password nobody has".to_owned())));
    match hash {
        Some(hash) => verify_password_with(candidate, hash, memory),
        None => {
            verify_password_with(candidate, &DUMMY, memory);
            false
        }
    }
}

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common-passwords.txt")
        .lines()
        .chain(include_str!("common-passwords-extra.txt").lines())
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
});

/// Whether a lower-cased password is common, or a common password padded with a
/// few digits or symbols, or one short piece repeated ("qwertyqwerty").
fn is_common(lowered: &str) -> bool {
    if COMMON.contains(lowered) {
        return true;
    }
    let core = lowered.trim_matches(|c: char| !c.is_alphanumeric());
    let core = core.trim_end_matches(|c: char| c.is_ascii_digit() || !c.is_alphanumeric());
    let core = core.trim_start_matches(|c: char| c.is_ascii_digit());
    let padding = lowered.chars().count() - core.chars().count();
    if core.chars().count() >= 4 && padding <= 6 && COMMON.contains(core) {
        return true;
    }
    is_repetition(lowered)
}

/// True when the text is one piece of up to four characters repeated, or any
/// piece repeated that is itself a common password.
fn is_repetition(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    (1..=chars.len() / 2).any(|unit| {
        chars.len().is_multiple_of(unit)
            && chars.chunks(unit).all(|chunk| chunk == &chars[..unit])
            && (unit <= 4 || COMMON.contains(chars[..unit].iter().collect::<String>().as_str()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_passwords_are_refused() {
        assert_eq!(
            Password::new("short-pass1", "olena").unwrap_err(),
            PasswordProblem::TooShort
        );
    }

    #[test]
    fn common_passwords_and_their_padded_forms_are_refused() {
        for candidate in [
            "password1234",
            "qwerty123456",
            "Sunshine2024!",
            "qwertyqwerty",
            "aaaaaaaaaaaaaa",
            "123412341234",
            "йцукенгшщзхї",
            "Україна12345",
        ] {
            assert_eq!(
                Password::new(candidate, "olena").unwrap_err(),
                PasswordProblem::Common,
                "{candidate}"
            );
        }
    }

    #[test]
    fn a_password_containing_the_login_is_refused() {
        assert_eq!(
            Password::new("my-name-is-olena-ok", "Olena").unwrap_err(),
            PasswordProblem::ContainsLogin
        );
    }

    #[test]
    fn an_unusual_passphrase_is_accepted_and_verifies() {
        let password = Password::new("кава з корицею о сьомій", "olena").unwrap();
        let hash = hash_password(&password);
        assert!(hash.as_str().starts_with("$argon2id$"));
        assert!(verify_password("кава з корицею о сьомій", &hash));
        assert!(!verify_password("кава з корицею о восьмій", &hash));
        assert!(!verify_password_or_dummy("anything at all", None));
    }

    #[test]
    fn hashes_agree_with_the_argon2_library_and_reused_memory_changes_nothing() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let mut memory = HashMemory::default();
        let ours = hash_password_with(
            &Password::new("перша фраза-пароль", "x").unwrap(),
            &mut memory,
        );
        // Our hash in the library's standard format: the library verifies it.
        let parsed = PhcHash::new(ours.as_str()).unwrap();
        assert!(
            Argon2::default()
                .verify_password("перша фраза-пароль".as_bytes(), &parsed)
                .is_ok()
        );
        // A hash made by the library (as stored before this code): we verify it,
        // in memory another hash has just used.
        let theirs = PasswordHash::from_stored(
            Argon2::default()
                .hash_password(b"another passphrase")
                .unwrap()
                .to_string(),
        );
        assert!(verify_password_with(
            "another passphrase",
            &theirs,
            &mut memory
        ));
        assert!(!verify_password_with(
            "another passphrase!",
            &theirs,
            &mut memory
        ));
        assert!(verify_password_with(
            "перша фраза-пароль",
            &ours,
            &mut memory
        ));
        assert!(!verify_password_with(
            "перша фраза-пароль",
            &theirs,
            &mut memory
        ));
    }

    #[test]
    fn a_damaged_or_greedy_hash_verifies_nothing() {
        let mut memory = HashMemory::default();
        let good = hash_password(&Password::new("a long enough passphrase", "x").unwrap());
        for damaged in [
            String::new(),
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ".to_owned(),
            good.as_str().replace("argon2id", "argon2x"),
            good.as_str().replace("m=19456", "m=4194304"),
            good.as_str().replace("v=19", "v=7"),
        ] {
            assert!(
                !verify_password_with(
                    "a long enough passphrase",
                    &PasswordHash::from_stored(damaged.clone()),
                    &mut memory
                ),
                "{damaged}"
            );
        }
        assert!(verify_password_with(
            "a long enough passphrase",
            &good,
            &mut memory
        ));
    }

    #[test]
    fn passwords_never_print() {
        let password = Password::new("a very private phrase", "x").unwrap();
        assert_eq!(format!("{password:?}"), "Password([redacted])");
    }
}
