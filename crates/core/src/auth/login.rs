//! Logging in: password check, throttling per account and per address, and one
//! generic failure so that nobody learns which accounts exist.

use super::{LoginName, PasswordHash, ThrottleStore, User, UserStore};
use crate::ids::token_hash;
use crate::store::StoreError;
use crate::time::Timestamp;

/// Limits on failed logins within a sliding window.
#[derive(Clone, Copy, Debug)]
pub struct LoginThrottle {
    pub window_secs: i64,
    /// Failures on one login name before it is refused for the rest of the window,
    /// whether or not the account exists.
    pub max_per_account: i64,
    /// Failures from one network address, across all login names.
    pub max_per_address: i64,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle {
            window_secs: 15 * 60,
            max_per_account: 5,
            max_per_address: 20,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Wrong login or password, or a disabled account: one answer for all three.
    #[error("login or password is wrong")]
    Invalid,
    #[error("too many failed attempts")]
    Throttled,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks a login attempt. `verify` compares the password with the stored hash
/// (or with a dummy when there is no account, so timing does not tell) and is
/// passed in so the caller can run the deliberately slow hash off its executor.
pub async fn attempt_login<S, V>(
    store: &S,
    throttle: &LoginThrottle,
    login: &str,
    password: &str,
    address: &str,
    now: Timestamp,
    verify: V,
) -> Result<User, LoginError>
where
    S: UserStore + ThrottleStore + ?Sized,
    V: AsyncFnOnce(String, Option<PasswordHash>) -> bool,
{
    // Keys are hashed so the table of failures holds neither logins nor addresses.
    let account_key = token_hash(&format!("account:{}", login.trim().to_lowercase()));
    let address_key = token_hash(&format!("address:{address}"));
    let since = now.minus_seconds(throttle.window_secs);
    if store.login_failures_since(&account_key, since).await? >= throttle.max_per_account
        || store.login_failures_since(&address_key, since).await? >= throttle.max_per_address
    {
        return Err(LoginError::Throttled);
    }

    let account = match LoginName::parse(login) {
        Ok(name) => store.user_credentials(&name).await?,
        Err(_) => None,
    };
    let (user, hash) = match account {
        Some((user, hash)) if !user.disabled => (Some(user), Some(hash)),
        _ => (None, None),
    };
    let password_matches = verify(password.to_owned(), hash).await;
    match user {
        Some(user) if password_matches => {
            store.clear_login_failures(&account_key).await?;
            Ok(user)
        }
        _ => {
            store
                .record_login_failure(&[&account_key, &address_key], now)
                .await?;
            Err(LoginError::Invalid)
        }
    }
}
