//! `SubmissionDate` as Central writes it: ISO 8601 in UTC with milliseconds.

/// `1514764800000` → `2018-01-01T00:00:00.000Z`.
pub fn iso_millis(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let (h, rest) = (in_day / 3_600_000, in_day % 3_600_000);
    let (min, rest) = (rest / 60_000, rest % 60_000);
    let (s, milli) = (rest / 1000, rest % 1000);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{milli:03}Z")
}

/// `(year, month, day, hour, minute, second)` in UTC.
pub(crate) fn civil(ms: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = ms.div_euclid(86_400_000);
    let secs = ms.rem_euclid(86_400_000) / 1000;
    let (y, m, d) = civil_from_days(days);
    let secs = secs as u32;
    (y, m, d, secs / 3600, secs % 3600 / 60, secs % 60)
}

/// The time written on ZIP entries (ZIP stores local time without a zone; we write UTC).
/// `None` outside the years a ZIP can hold (1980–2107).
pub(crate) fn zip_time(ms: i64) -> Option<zip::DateTime> {
    let (y, m, d, h, min, s) = civil(ms);
    let year = u16::try_from(y).ok()?;
    zip::DateTime::from_date_and_time(year, m as u8, d as u8, h as u8, min as u8, s as u8).ok()
}

/// Days since 1970-01-01 to a proleptic Gregorian date (the well-known era algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_central() {
        assert_eq!(iso_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_millis(1_514_764_800_000), "2018-01-01T00:00:00.000Z");
        assert_eq!(iso_millis(1_709_208_000_123), "2024-02-29T12:00:00.123Z");
        assert_eq!(iso_millis(4_102_444_799_999), "2099-12-31T23:59:59.999Z");
        assert_eq!(iso_millis(-1), "1969-12-31T23:59:59.999Z");
    }
}
