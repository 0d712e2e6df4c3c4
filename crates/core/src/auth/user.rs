//! Staff accounts.

use std::fmt;

use super::{PasswordHash, RoleSet};
use crate::lang::Lang;
use crate::org::Oblast;
use crate::time::Timestamp;

/// A staff account's random identifier.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct UserId(pub String);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A login name: 3 to 64 characters of lower-case Latin letters, digits, `.`,
/// `_` and `-`, starting with a letter or digit. Stored lower-cased, so `Olena`
/// and `olena` are the same account.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LoginName(String);

/// Why a login name is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginNameProblem {
    Length,
    Characters,
}

impl LoginNameProblem {
    pub fn message_id(self) -> &'static str {
        match self {
            LoginNameProblem::Length => "login-name-length",
            LoginNameProblem::Characters => "login-name-characters",
        }
    }
}

impl LoginName {
    pub fn parse(raw: &str) -> Result<LoginName, LoginNameProblem> {
        let name = raw.trim().to_ascii_lowercase();
        if !(3..=64).contains(&name.chars().count()) {
            return Err(LoginNameProblem::Length);
        }
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c);
        let starts_well = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
        if !starts_well || !name.chars().all(allowed) {
            return Err(LoginNameProblem::Characters);
        }
        Ok(LoginName(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LoginName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A staff account as the rest of Kolo sees it (no password hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub login: LoginName,
    pub display_name: String,
    pub roles: RoleSet,
    /// The region a regional leader works in; `None` for the national office.
    pub oblast: Option<Oblast>,
    /// The language the person chose; `None` follows the browser.
    pub language: Option<Lang>,
    pub disabled: bool,
    pub created_at: Timestamp,
}

impl User {
    pub fn may(&self, action: super::Action) -> bool {
        !self.disabled && self.roles.may(action)
    }
}

/// What is needed to create an account.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub login: LoginName,
    pub display_name: String,
    pub roles: RoleSet,
    pub oblast: Option<Oblast>,
    pub password_hash: PasswordHash,
}

/// An administrator's change to an account. Disabling ends the account's sessions.
#[derive(Clone, Debug)]
pub struct UserChange {
    pub display_name: String,
    pub roles: RoleSet,
    pub oblast: Option<Oblast>,
    pub disabled: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_names_are_normalised_and_checked() {
        assert_eq!(LoginName::parse(" Olena.K ").unwrap().as_str(), "olena.k");
        assert_eq!(LoginName::parse("ab"), Err(LoginNameProblem::Length));
        assert_eq!(LoginName::parse("олена"), Err(LoginNameProblem::Characters));
        assert_eq!(
            LoginName::parse("-olena"),
            Err(LoginNameProblem::Characters)
        );
    }
}
