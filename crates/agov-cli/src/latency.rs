//! Command latencies, kept without a server: every finished command appends
//! one line (`command<TAB>exit<TAB>microseconds`) to `{data}/latency.log`,
//! and `pipeline metrics` turns the lines into a histogram.
//!
//! An append of one short line is atomic between processes and costs tens of
//! microseconds (no fsync: losing the last lines in a crash only loses
//! telemetry). Past [`ROTATE_AT`] bytes the file becomes `latency.log.1`
//! (replacing the previous one), so the two files hold between 8,000 and
//! 16,000 recent commands; a rotation shows as a counter reset.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The file's name in the data folder.
pub const FILE: &str = "latency.log";

/// Size past which the file is rotated.
const ROTATE_AT: u64 = 256 * 1024;

/// One finished command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sample {
    /// Binary and subcommands, e.g. `pipeline token issue`.
    pub command: String,
    /// Its exit code.
    pub exit: u8,
    /// How long it ran, in microseconds.
    pub micros: u64,
}

fn rotated(path: &Path) -> PathBuf {
    path.with_extension("log.1")
}

/// Appends a sample to `{data_dir}/latency.log`; does nothing when the data
/// folder does not exist (a command that created nothing leaves no trace).
pub fn record(data_dir: &Path, command: &str, exit: u8, took: Duration) {
    if !data_dir.is_dir() {
        return;
    }
    let path = data_dir.join(FILE);
    if std::fs::metadata(&path).is_ok_and(|m| m.len() > ROTATE_AT) {
        let _ = std::fs::rename(&path, rotated(&path));
    }
    let line = format!("{command}\t{exit}\t{}\n", took.as_micros());
    let file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(&path);
    if let Ok(mut f) = file {
        let _ = f.write_all(line.as_bytes());
    }
}

/// The samples in `{data_dir}`, oldest first; unreadable lines are skipped.
pub fn read(data_dir: &Path) -> Vec<Sample> {
    let path = data_dir.join(FILE);
    let mut samples = Vec::new();
    for file in [rotated(&path), path] {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        samples.extend(text.lines().filter_map(parse));
    }
    samples
}

fn parse(line: &str) -> Option<Sample> {
    let mut parts = line.split('\t');
    let command = parts.next()?.to_string();
    let exit = parts.next()?.parse().ok()?;
    let micros = parts.next()?.parse().ok()?;
    if command.is_empty() || parts.next().is_some() {
        return None;
    }
    Some(Sample {
        command,
        exit,
        micros,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_round_trip_and_bad_lines_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        record(dir.path(), "bugs list", 0, Duration::from_micros(1500));
        record(dir.path(), "pipeline spawn", 2, Duration::from_millis(40));
        std::fs::OpenOptions::new()
            .append(true)
            .open(dir.path().join(FILE))
            .unwrap()
            .write_all(b"torn line\nx\t1\n")
            .unwrap();
        let got = read(dir.path());
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].command, "bugs list");
        assert_eq!(got[1].exit, 2);
        assert_eq!(got[1].micros, 40_000);
    }

    #[test]
    fn no_data_folder_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        record(&missing, "bugs list", 0, Duration::from_millis(1));
        assert!(!missing.exists());
    }
}
