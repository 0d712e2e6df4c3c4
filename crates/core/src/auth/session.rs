//! Browser sessions and API tokens, and when they end.

use super::{SessionStage, UserId};
use crate::time::Timestamp;

/// How long sessions live. Sessions are rows in the database, so every server
/// process sharing one database honours the same sessions.
#[derive(Clone, Copy, Debug)]
pub struct SessionPolicy {
    /// A session ends after this long without a request (OWASP ASVS 3.3.2: 30 minutes).
    pub idle_timeout_secs: i64,
    /// A session ends this long after login, however active (ASVS: 12 hours).
    pub absolute_timeout_secs: i64,
    /// `last_seen` is written at most this often, so reading pages does not turn
    /// every request into a database write.
    pub touch_interval_secs: i64,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle_timeout_secs: 30 * 60,
            absolute_timeout_secs: 12 * 60 * 60,
            touch_interval_secs: 60,
        }
    }
}

impl SessionPolicy {
    pub fn is_live(&self, session: &Session, now: Timestamp) -> bool {
        let idle = now.seconds() - session.last_seen_at.seconds();
        let age = now.seconds() - session.created_at.seconds();
        idle < self.idle_timeout_secs && age < self.absolute_timeout_secs
    }

    pub fn needs_touch(&self, session: &Session, now: Timestamp) -> bool {
        now.seconds() - session.last_seen_at.seconds()
            >= self.touch_interval_secs.min(self.idle_timeout_secs / 2)
    }
}

/// A new login. The token itself goes to the browser; the store keeps its hash.
#[derive(Clone, Debug)]
pub struct NewSession {
    pub token_hash: String,
    pub user_id: UserId,
    pub created_at: Timestamp,
    pub stage: SessionStage,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub token_hash: String,
    pub user_id: UserId,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub stage: SessionStage,
}

/// A personal API token as its owner sees it in the list (never the token).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiToken {
    pub id: String,
    pub user_id: UserId,
    pub name: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(created: i64, seen: i64) -> Session {
        Session {
            token_hash: String::new(),
            user_id: UserId("u".into()),
            created_at: Timestamp(created),
            last_seen_at: Timestamp(seen),
            stage: SessionStage::Full,
        }
    }

    #[test]
    fn sessions_end_after_inactivity_and_after_twelve_hours() {
        let policy = SessionPolicy::default();
        assert!(policy.is_live(&session(0, 0), Timestamp(29 * 60)));
        assert!(!policy.is_live(&session(0, 0), Timestamp(30 * 60)));
        let busy_all_day = session(0, 12 * 3600 - 10);
        assert!(!policy.is_live(&busy_all_day, Timestamp(12 * 3600)));
    }
}
