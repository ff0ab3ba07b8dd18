//! Timestamps as microseconds since the Unix epoch, printed as RFC 3339 UTC,
//! and the forms users type for `--since`/`--until`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long what a finished owner leaves behind is kept (a pipeline's
/// state, board and messages; an agent's packet and state; a revoked or
/// expired token's record): 7 days unless `AGOV_RETENTION` says otherwise.
/// Nothing ephemeral lives longer.
pub const RETENTION: Duration = Duration::from_secs(7 * 24 * 3600);

/// Now, in microseconds since the Unix epoch.
pub fn now_us() -> i64 {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

/// RFC 3339 in UTC with microseconds, e.g. `2026-11-22T10:00:00.123456Z`.
pub fn format_us(us: i64) -> String {
    let t = UNIX_EPOCH + Duration::from_micros(us.max(0).unsigned_abs());
    humantime::format_rfc3339_micros(t).to_string()
}

/// Parses a point in time as a user types it:
/// - RFC 3339 (`2026-11-22T10:00:00Z`, also with a space instead of `T`);
/// - a date (`2026-11-22`, midnight UTC);
/// - a duration ago (`90s`, `10m`, `2h`, `7d`, `1h 30m`).
pub fn parse_point(input: &str, now_us: i64) -> Result<i64, String> {
    let s = input.trim();
    if let Ok(d) = humantime::parse_duration(s) {
        let ago = i64::try_from(d.as_micros()).unwrap_or(i64::MAX);
        return Ok(now_us.saturating_sub(ago));
    }
    let candidate = if s.len() == 10 && s.as_bytes().get(4) == Some(&b'-') {
        format!("{s}T00:00:00Z")
    } else {
        s.to_string()
    };
    let parsed = humantime::parse_rfc3339_weak(candidate.trim_end_matches('Z'))
        .or_else(|_| humantime::parse_rfc3339(&candidate));
    match parsed {
        Ok(t) => {
            let d = t
                .duration_since(UNIX_EPOCH)
                .map_err(|_| format!("`{s}` is before 1970"))?;
            Ok(i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
        }
        Err(_) => Err(format!(
            "`{s}` is not a time: use RFC 3339 (2026-11-22T10:00:00Z), a date (2026-11-22) or a duration ago (10m, 2h, 7d)"
        )),
    }
}

/// Parses a duration such as `30s`, `15m`, `2h`.
pub fn parse_duration(input: &str) -> Result<Duration, String> {
    humantime::parse_duration(input.trim())
        .map_err(|e| format!("`{input}` is not a duration ({e}): use e.g. 30s, 15m, 2h"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rfc3339_dates_and_durations() {
        let now = 1_800_000_000_000_000;
        assert_eq!(parse_point("10m", now).unwrap(), now - 600_000_000);
        assert_eq!(parse_point("1970-01-02", now).unwrap(), 86_400_000_000);
        assert_eq!(parse_point("1970-01-01T00:00:01Z", now).unwrap(), 1_000_000);
        assert_eq!(parse_point("1970-01-01 00:00:02", now).unwrap(), 2_000_000);
        assert!(parse_point("yesterday-ish", now).is_err());
    }

    #[test]
    fn formats_round_trip() {
        let us = 1_700_000_000_123_456;
        assert_eq!(parse_point(&format_us(us), 0).unwrap(), us);
    }
}
