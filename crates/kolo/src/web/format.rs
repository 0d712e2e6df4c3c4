//! Showing stored values to people: times in the organisation's time zone.

use std::sync::LazyLock;

use jiff::tz::TimeZone;
use kolo_core::time::Timestamp;

/// Kyiv time. The zone database is compiled in, so a server without
/// `/usr/share/zoneinfo` shows the same times.
static ZONE: LazyLock<TimeZone> =
    LazyLock::new(|| TimeZone::get("Europe/Kyiv").unwrap_or(TimeZone::UTC));

/// `2026-11-30 14:05`, in Kyiv time.
pub fn datetime(at: Timestamp) -> String {
    match jiff::Timestamp::from_second(at.seconds()) {
        Ok(ts) => ts
            .to_zoned_datetime(ZONE.clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string(),
        Err(_) => String::from("—"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_kyiv_time_with_summer_time() {
        // 2024-01-15 10:00 UTC is 12:00 in Kyiv (UTC+2); 2024-07-15 10:00 UTC is 13:00 (UTC+3).
        assert_eq!(datetime(Timestamp(1_705_312_800)), "2024-01-15 12:00");
        assert_eq!(datetime(Timestamp(1_721_037_600)), "2024-07-15 13:00");
    }
}
