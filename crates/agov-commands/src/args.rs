//! Parsing argument values that several tools share.

use agov_cli::CliError;

/// Parses a `--since`/`--until` value (RFC 3339, a date, or a duration ago
/// such as `7d`) into microseconds; a bad value is a usage error naming `flag`.
pub fn time_arg(flag: &str, value: Option<&str>) -> Result<Option<i64>, CliError> {
    value
        .map(|s| {
            agov_core::time::parse_point(s, agov_core::time::now_us())
                .map_err(|e| CliError::usage(format!("{flag}: {e}")))
        })
        .transpose()
}
