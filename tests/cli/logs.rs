//! Structured logs on stderr: human lines by default, one JSON object per
//! line with `--log-format json`, the level from `-v` or `AGOV_LOG`, and no
//! secret in them even at trace level.

use serde_json::Value;

use crate::common::{TestEnv, files_under};

/// The stderr lines that are JSON objects, each checked to have the fields
/// every log line carries.
fn json_log_lines(stderr: &str) -> Vec<Value> {
    let lines: Vec<Value> = stderr
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    for l in &lines {
        for field in ["timestamp", "level", "target", "message"] {
            assert!(l[field].is_string(), "no {field} in {l}");
        }
    }
    lines
}

#[test]
fn json_logs_carry_the_ledger_events_and_the_command_outcome() {
    let env = TestEnv::new();
    let r = env
        .run(
            "bugs",
            &["log", "-m", "disk full", "--log-format", "json", "-vv"],
        )
        .expect(0);
    let lines = json_log_lines(&r.stderr);
    let event = lines
        .iter()
        .find(|l| l["message"] == "ledger event")
        .unwrap_or_else(|| panic!("no ledger event logged:\n{}", r.stderr));
    assert_eq!(event["action"], "bug.log");
    assert_eq!(event["level"], "INFO");
    assert_eq!(event["target"], "agov_ledger::store");
    let done = lines
        .iter()
        .find(|l| l["message"] == "finished")
        .unwrap_or_else(|| panic!("no `finished` line:\n{}", r.stderr));
    assert_eq!(done["command"], "bugs log");
    assert_eq!(done["exit"], 0);
    assert!(done["ms"].as_f64().unwrap() > 0.0);
    assert!(
        lines
            .iter()
            .any(|l| l["message"].as_str().unwrap().starts_with("data dir:")),
        "-v's settings lines are log lines too:\n{}",
        r.stderr
    );

    // AGOV_LOG_FORMAT does what the flag does.
    let mut env2 = TestEnv::new();
    env2.set("AGOV_LOG_FORMAT", "json").set("AGOV_LOG", "debug");
    let r = env2.run("bugs", &["list"]).expect(0);
    assert!(
        json_log_lines(&r.stderr)
            .iter()
            .any(|l| l["message"] == "finished"),
        "{}",
        r.stderr
    );
}

#[test]
fn human_logs_by_default_and_the_level_follows_v_and_agov_log() {
    let mut env = TestEnv::new();
    let quiet = env.run("bugs", &["log", "-m", "one"]).expect(0);
    assert!(
        !quiet.stderr.contains("INFO"),
        "nothing below warn by default: {}",
        quiet.stderr
    );
    let info = env.run("bugs", &["-v", "log", "-m", "two"]).expect(0);
    assert!(
        info.stderr
            .contains("INFO agov_ledger::store: ledger event seq=2"),
        "{}",
        info.stderr
    );
    assert!(!info.stderr.contains("DEBUG"), "{}", info.stderr);
    env.set("AGOV_LOG", "agov_cli=debug");
    let only_cli = env.run("bugs", &["list"]).expect(0);
    assert!(
        only_cli
            .stderr
            .contains("DEBUG agov_cli: finished command=bugs list exit=0"),
        "{}",
        only_cli.stderr
    );
    assert!(
        !only_cli.stderr.contains("ledger event"),
        "{}",
        only_cli.stderr
    );
}

#[test]
fn a_bad_log_setting_is_a_usage_error_that_writes_nothing() {
    for (var, value, says) in [
        ("AGOV_LOG", "a=b=c", "is not a log filter"),
        ("AGOV_LOG_FORMAT", "xml", "is not a log format"),
    ] {
        let mut env = TestEnv::new();
        env.set(var, value);
        let r = env.run("bugs", &["log", "-m", "x"]).expect(64);
        assert!(r.stderr.contains(says), "{}", r.stderr);
        assert!(r.stderr.contains("hint:"), "{}", r.stderr);
        assert!(
            files_under(&env.home()).is_empty(),
            "{var}={value} wrote files"
        );
    }
    let env = TestEnv::new();
    env.run("bugs", &["--log-format", "xml", "list"]).expect(64);
}

#[test]
fn tokens_never_reach_the_logs_even_at_trace_level() {
    let mut env = crate::ledger_vault::vault_env();
    env.set("AGOV_TENANT", &agov_testkit::unique("t"))
        .set("AGOV_LOG", "trace");
    let r = env
        .run(
            "pipeline",
            &[
                "--log-format",
                "json",
                "token",
                "issue",
                "--tier",
                "1",
                "--reveal",
            ],
        )
        .expect(0);
    let token = r.stdout.trim();
    assert!(token.len() > 8, "{}", r.stdout);
    let lines = json_log_lines(&r.stderr);
    assert!(
        lines.iter().any(|l| l["message"] == "vault call"),
        "the Vault calls are logged:\n{}",
        r.stderr
    );
    let (_, secret_id) = crate::ledger_vault::governor();
    for secret in [token, secret_id.expose()] {
        assert!(
            !r.stderr.contains(secret),
            "a secret reached the logs:\n{}",
            r.stderr
        );
    }
}
