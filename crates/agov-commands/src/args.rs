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

/// Reads a text file (a plan, a packet) of at most `max` bytes, plus one so
/// that its parser refuses a longer file; `what` names it in the error.
pub fn read_document(path: &std::path::Path, max: usize, what: &str) -> Result<String, CliError> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(max as u64 + 1).read_to_string(&mut text))
        .map_err(|e| CliError::usage(format!("cannot read {what}: {e}")))?;
    Ok(text)
}
