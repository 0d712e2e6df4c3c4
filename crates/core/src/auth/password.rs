//! Passwords: the policy a new password must meet, and Argon2id hashing.
//!
//! The policy follows OWASP ASVS level 2: at least 12 characters, no composition
//! rules, and a refusal of passwords that appear in lists of common passwords.

use std::collections::HashSet;
use std::fmt;
use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash as PhcHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

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

/// Hashes a password with Argon2id and OWASP's parameters (19 MiB, 2 passes).
/// Takes tens of milliseconds by design: call it off the async executor.
pub fn hash_password(password: &Password) -> PasswordHash {
    let hash = Argon2::default()
        .hash_password(password.0.as_bytes())
        // Hashing only fails on parameters outside Argon2's limits; ours are fixed
        // and valid, and the salt comes from the OS random source.
        .expect("Argon2id with default parameters hashes any password up to MAX_LENGTH");
    PasswordHash(hash.to_string())
}

/// Checks `candidate` against a stored hash. A damaged hash verifies nothing.
pub fn verify_password(candidate: &str, hash: &PasswordHash) -> bool {
    if candidate.len() > MAX_LENGTH * 4 {
        return false;
    }
    match PhcHash::new(&hash.0) {
        Ok(parsed) => Argon2::default()
            .verify_password(candidate.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Verifies against `hash`, or, when there is no account, against a fixed hash so
/// that the answer takes as long either way and reveals nothing about which
/// accounts exist.
pub fn verify_password_or_dummy(candidate: &str, hash: Option<&PasswordHash>) -> bool {
    static DUMMY: LazyLock<PasswordHash> =
        LazyLock::new(|| hash_password(&Password("a dummy password nobody has".to_owned())));
    match hash {
        Some(hash) => verify_password(candidate, hash),
        None => {
            verify_password(candidate, &DUMMY);
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
    fn passwords_never_print() {
        let password = Password::new("a very private phrase", "x").unwrap();
        assert_eq!(format!("{password:?}"), "Password([redacted])");
    }
}
