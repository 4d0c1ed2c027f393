//! Calendar dates and times (UTC, proleptic Gregorian) of Unix times, for the places that
//! print one: quota months, page timestamps, request-signing dates.

/// A Unix time read as a UTC calendar date and time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CivilTime {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
}

impl CivilTime {
    /// The date and time of `unix` seconds since 1970-01-01T00:00:00Z (before it too).
    pub fn from_unix(unix: i64) -> Self {
        let days = unix.div_euclid(86_400);
        let seconds = unix.rem_euclid(86_400);
        // Civil-from-days (Howard Hinnant's algorithm): eras of 400 years from 0000-03-01.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Self { year, month, day, hour: seconds / 3600, minute: seconds % 3600 / 60, second: seconds % 60 }
    }
}

#[cfg(test)]
mod tests {
    use super::CivilTime;

    #[test]
    fn unix_times_read_as_calendar_dates() {
        let t = |year, month, day, hour, minute, second| CivilTime { year, month, day, hour, minute, second };
        assert_eq!(CivilTime::from_unix(0), t(1970, 1, 1, 0, 0, 0));
        assert_eq!(CivilTime::from_unix(951_782_400), t(2000, 2, 29, 0, 0, 0));
        assert_eq!(CivilTime::from_unix(1_700_000_000), t(2023, 11, 14, 22, 13, 20));
        assert_eq!(CivilTime::from_unix(-1), t(1969, 12, 31, 23, 59, 59));
    }
}
