//! Phase 12, Observability: log lines are well-formed JSON with
//! `--log-format json`, secrets are scrubbed from them, and the metrics
//! file the long-running commands keep is written whole and well-formed,
//! command latencies included.

use agov_config::Settings;

use super::Phase;
use crate::pipeline::metrics::{check_exposition, write_textfile};

pub(super) fn check(settings: &Settings, scratch: &str, phase: &mut Phase) {
    phase.check("JSON log lines are well-formed", json_logs());
    let secret = agov_core::Secret::new(format!("probe-{}", agov_core::ids::random_hex::<16>()));
    let line = format!("calling with token={}", secret.expose());
    phase.check(
        "secrets are scrubbed from log lines",
        match agov_core::secret::redact(&line).contains(secret.expose()) {
            false => Ok(()),
            true => Err("a secret survived redaction".into()),
        },
    );
    if super::existing_ledger(settings, phase).is_none() {
        return;
    }
    let path = settings.data_dir.value.join(format!("{scratch}.prom"));
    let written = write_textfile(settings, &path)
        .map_err(|e| e.message().to_string())
        .and_then(|()| std::fs::read_to_string(&path).map_err(|e| e.to_string()))
        .and_then(|text| {
            check_exposition(&text)?;
            match text.contains("# TYPE agov_command_duration_seconds histogram") {
                true => Ok(()),
                false => Err("no command latency histogram".into()),
            }
        });
    let _ = std::fs::remove_file(&path);
    phase.check("metrics file is written whole and well-formed", written);
}

/// Runs phase 1 of this very program with `--log-format json -v` and checks
/// every line it logs.
fn json_logs() -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = std::process::Command::new(exe)
        .args(["--phase", "1", "--log-format", "json", "-v"])
        .env_remove(agov_config::env::AGOV_LOG)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("cannot run a probe: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut lines = 0;
    for line in stderr.lines().filter(|l| l.starts_with('{')) {
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("not JSON ({e}): {line}"))?;
        for field in ["timestamp", "level", "target", "message"] {
            if !v[field].is_string() {
                return Err(format!("no `{field}` in {line}"));
            }
        }
        lines += 1;
    }
    match lines {
        0 => Err(format!("no JSON log line on stderr: {stderr}")),
        _ => Ok(()),
    }
}
