//! Two-factor sign-in: which roles must use an authenticator app, and where a
//! session stands between the password and the second factor.

use async_trait::async_trait;

use super::{Role, RoleSet, User, UserId};
use crate::store::StoreError;

/// How far a browser session has come through signing in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionStage {
    /// Signed in: password, and the second factor where the account has one.
    Full,
    /// The password was right; the code from the authenticator app is awaited.
    SecondFactor,
    /// The password was right, but a role of the account requires two-factor
    /// sign-in and none is set up: setting it up is all the session may do.
    Enrol,
}

impl SessionStage {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionStage::Full => "full",
            SessionStage::SecondFactor => "second_factor",
            SessionStage::Enrol => "enrol",
        }
    }

    pub fn parse(text: &str) -> Option<SessionStage> {
        match text {
            "full" => Some(SessionStage::Full),
            "second_factor" => Some(SessionStage::SecondFactor),
            "enrol" => Some(SessionStage::Enrol),
            _ => None,
        }
    }
}

/// The roles whose members must sign in with a second factor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TwoFactorPolicy {
    pub required_for: RoleSet,
}

impl Default for TwoFactorPolicy {
    /// Admins hold the keys and case workers read accounts of violence.
    fn default() -> Self {
        TwoFactorPolicy {
            required_for: RoleSet::of(&[Role::Admin, Role::CaseWorker]),
        }
    }
}

impl TwoFactorPolicy {
    /// Reads the stored setting (`admin,case_worker`); `None` means the default.
    pub fn from_setting(value: Option<&str>) -> TwoFactorPolicy {
        match value {
            None => TwoFactorPolicy::default(),
            Some(list) => TwoFactorPolicy {
                required_for: list.split(',').filter_map(Role::parse).collect(),
            },
        }
    }

    pub fn to_setting(self) -> String {
        self.required_for
            .iter()
            .map(Role::as_str)
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn requires(self, user: &User) -> bool {
        user.roles.iter().any(|r| self.required_for.contains(r))
    }

    /// Where a session starts once the password was right.
    pub fn stage_after_password(self, user: &User, enrolled: bool) -> SessionStage {
        if enrolled {
            SessionStage::SecondFactor
        } else if self.requires(user) {
            SessionStage::Enrol
        } else {
            SessionStage::Full
        }
    }
}

/// An account's authenticator secret, encrypted, and the last time step used.
#[derive(Clone, Debug)]
pub struct TotpRecord {
    pub encrypted_secret: Vec<u8>,
    pub last_used_step: Option<u64>,
}

#[async_trait]
pub trait TwoFactorStore: Send + Sync {
    async fn totp(&self, user: &UserId) -> Result<Option<TotpRecord>, StoreError>;
    /// Keeps a secret being set up until the person confirms it with a code.
    async fn set_pending_totp(
        &self,
        user: &UserId,
        encrypted_secret: Option<&[u8]>,
    ) -> Result<(), StoreError>;
    async fn pending_totp(&self, user: &UserId) -> Result<Option<Vec<u8>>, StoreError>;
    /// Makes a secret the account's, with fresh recovery codes (hashes), in one
    /// transaction; the pending secret is cleared.
    async fn enable_totp(
        &self,
        user: &UserId,
        encrypted_secret: &[u8],
        recovery_code_hashes: &[String],
    ) -> Result<(), StoreError>;
    /// Removes the secret and the recovery codes (an admin's reset).
    async fn disable_totp(&self, user: &UserId) -> Result<(), StoreError>;
    /// Records that a time step was used, only if it is later than the last one:
    /// `false` means the code was already used (or an older one), and is refused.
    async fn use_totp_step(&self, user: &UserId, step: u64) -> Result<bool, StoreError>;
    async fn unused_recovery_codes(&self, user: &UserId) -> Result<Vec<String>, StoreError>;
    /// Marks a recovery code used; `false` if it was used meanwhile.
    async fn use_recovery_code(
        &self,
        user: &UserId,
        code_hash: &str,
        now: crate::time::Timestamp,
    ) -> Result<bool, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::LoginName;
    use crate::time::Timestamp;

    fn user(roles: &[Role]) -> User {
        User {
            id: UserId("u".into()),
            login: LoginName::parse("someone").unwrap(),
            display_name: String::new(),
            roles: RoleSet::of(roles),
            oblast: None,
            language: None,
            disabled: false,
            created_at: Timestamp(0),
        }
    }

    #[test]
    fn admins_and_case_workers_must_enrol_by_default() {
        let policy = TwoFactorPolicy::default();
        assert_eq!(
            policy.stage_after_password(&user(&[Role::Admin]), false),
            SessionStage::Enrol
        );
        assert_eq!(
            policy.stage_after_password(&user(&[Role::CaseWorker, Role::Monitor]), false),
            SessionStage::Enrol
        );
        assert_eq!(
            policy.stage_after_password(&user(&[Role::Trainer]), false),
            SessionStage::Full
        );
        assert_eq!(
            policy.stage_after_password(&user(&[Role::Trainer]), true),
            SessionStage::SecondFactor
        );
    }

    #[test]
    fn the_policy_round_trips_through_its_setting() {
        let policy = TwoFactorPolicy::from_setting(Some("viewer,admin"));
        assert_eq!(
            TwoFactorPolicy::from_setting(Some(&policy.to_setting())),
            policy
        );
        assert_eq!(
            TwoFactorPolicy::from_setting(Some("")).required_for,
            RoleSet::EMPTY
        );
    }
}
