//! Time as Kolo stores it: whole seconds since the Unix epoch, in UTC.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A moment in UTC, to the second. Stored as a 64-bit integer in every backend
/// so both databases compare and index it the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn now() -> Self {
        let since_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO);
        Timestamp(i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX))
    }

    pub fn seconds(self) -> i64 {
        self.0
    }

    pub fn plus_seconds(self, seconds: i64) -> Self {
        Timestamp(self.0.saturating_add(seconds))
    }

    pub fn minus_seconds(self, seconds: i64) -> Self {
        Timestamp(self.0.saturating_sub(seconds))
    }
}
