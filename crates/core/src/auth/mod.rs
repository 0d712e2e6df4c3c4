//! Staff accounts, roles, permissions, passwords, sessions and API tokens.

mod login;
mod password;
mod permission;
mod role;
mod session;
mod store;
mod two_factor;
mod user;

pub use login::{LoginError, LoginThrottle, attempt_login};
pub use password::{
    HashMemory, Password, PasswordHash, PasswordProblem, hash_password, hash_password_with,
    verify_password, verify_password_or_dummy, verify_password_or_dummy_with, verify_password_with,
};
pub use permission::Action;
pub use role::{Role, RoleSet};
pub use session::{ApiToken, NewSession, Session, SessionPolicy};
pub use store::{SessionStore, ThrottleStore, TokenStore, UserStore};
pub use two_factor::{SessionStage, TotpRecord, TwoFactorPolicy, TwoFactorStore};
pub use user::{LoginName, LoginNameProblem, NewUser, User, UserChange, UserId};
