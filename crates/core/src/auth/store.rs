//! The storage each part of account management needs. Each backend crate
//! implements these traits; the domain and the web layer call only them.

use async_trait::async_trait;

use super::{
    ApiToken, LoginName, NewSession, NewUser, PasswordHash, Session, User, UserChange, UserId,
};
use crate::lang::Lang;
use crate::store::StoreError;
use crate::time::Timestamp;

#[async_trait]
pub trait UserStore: Send + Sync {
    /// Creates an account; `Conflict` when the login is taken.
    async fn create_user(&self, user: &NewUser, now: Timestamp) -> Result<UserId, StoreError>;
    async fn user(&self, id: &UserId) -> Result<Option<User>, StoreError>;
    /// The account and its password hash, for logging in.
    async fn user_credentials(
        &self,
        login: &LoginName,
    ) -> Result<Option<(User, PasswordHash)>, StoreError>;
    async fn password_hash(&self, id: &UserId) -> Result<Option<PasswordHash>, StoreError>;
    /// Every account, ordered by login.
    async fn users(&self) -> Result<Vec<User>, StoreError>;
    /// Applies an administrator's change in one transaction; disabling deletes the
    /// account's sessions.
    async fn change_user(
        &self,
        id: &UserId,
        change: &UserChange,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Sets a new password and ends every session of the account except `keep`.
    async fn set_password(
        &self,
        id: &UserId,
        hash: &PasswordHash,
        keep_session: Option<&str>,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    async fn set_language(&self, id: &UserId, language: Lang) -> Result<(), StoreError>;
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn create_session(&self, session: &NewSession) -> Result<(), StoreError>;
    /// The session with this token hash and its account.
    async fn session(&self, token_hash: &str) -> Result<Option<(Session, User)>, StoreError>;
    async fn touch_session(&self, token_hash: &str, now: Timestamp) -> Result<(), StoreError>;
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;
    /// Moves a session on once the second factor was given.
    async fn set_session_stage(
        &self,
        token_hash: &str,
        stage: super::SessionStage,
    ) -> Result<(), StoreError>;
    /// Deletes sessions idle since `idle_before` or created before `created_before`.
    async fn delete_stale_sessions(
        &self,
        idle_before: Timestamp,
        created_before: Timestamp,
    ) -> Result<u64, StoreError>;
}

#[async_trait]
pub trait TokenStore: Send + Sync {
    async fn create_api_token(&self, token: &ApiToken, token_hash: &str) -> Result<(), StoreError>;
    /// The live (not revoked) token with this hash and its account.
    async fn api_token(&self, token_hash: &str) -> Result<Option<(ApiToken, User)>, StoreError>;
    async fn api_tokens_of(&self, user: &UserId) -> Result<Vec<ApiToken>, StoreError>;
    /// Revokes one of the user's tokens; `NotFound` when the user has no such token.
    async fn revoke_api_token(
        &self,
        user: &UserId,
        token_id: &str,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    async fn touch_api_token(&self, token_id: &str, now: Timestamp) -> Result<(), StoreError>;
}

/// Failed logins, counted in the database so that every server process sees them.
#[async_trait]
pub trait ThrottleStore: Send + Sync {
    async fn record_login_failure(&self, keys: &[&str], at: Timestamp) -> Result<(), StoreError>;
    async fn login_failures_since(&self, key: &str, since: Timestamp) -> Result<i64, StoreError>;
    async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError>;
    async fn prune_login_failures(&self, before: Timestamp) -> Result<u64, StoreError>;
}
