//! The `ledger` tool on the embedded default.

use crate::common::{TestEnv, files_under};

pub(super) fn note(env: &TestEnv, text: &str) -> u64 {
    env.run("ledger", &["note", "-m", text, "--json"])
        .expect(0)
        .json()["seq"]
        .as_u64()
        .unwrap()
}

#[test]
fn note_then_read_back_every_way() {
    let env = TestEnv::new();
    assert_eq!(note(&env, "first"), 1);
    assert_eq!(note(&env, "second note"), 2);
    env.run_with_stdin(
        "ledger",
        &["note", "-m", "-", "--subject", "bug-7"],
        Some(b"from stdin\n"),
    )
    .expect(0);

    let tail = env
        .run("ledger", &["tail", "-n", "2", "--json"])
        .expect(0)
        .json_lines();
    assert_eq!(
        tail.iter()
            .map(|e| e["seq"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        vec![2, 3]
    );
    assert_eq!(tail[1]["detail"]["text"], "from stdin");
    assert_eq!(tail[1]["subject"], "bug-7");
    assert_eq!(
        tail[1]["actor"],
        crate::common::me(),
        "the OS account from the kernel, not USER=tester"
    );
    assert_eq!(tail[1]["tenant"], "default");
    assert_eq!(tail[1]["hash"].as_str().unwrap().len(), 64);

    let human = env.run("ledger", &["tail"]).expect(0).stdout;
    assert!(
        human.contains("#2 ") && human.contains("text=\"second note\""),
        "{human}"
    );

    let q = env
        .run(
            "ledger",
            &["query", "--action", "ledger.*", "--since", "1h", "--json"],
        )
        .expect(0)
        .json();
    assert_eq!(q.as_array().unwrap().len(), 3);
    let newest = env
        .run("ledger", &["query", "--newest", "--limit", "1", "--json"])
        .expect(0)
        .json();
    assert_eq!(newest[0]["seq"], 3);
    let table = env.run("ledger", &["query"]).expect(0).stdout;
    assert!(
        table.starts_with("SEQ") && table.lines().count() == 4,
        "{table}"
    );

    let shown = env
        .run("ledger", &["show", "#2", "--json"])
        .expect(0)
        .json();
    assert_eq!(shown["detail"]["text"], "second note");

    let verify = env.run("ledger", &["verify", "--json"]).expect(0).json();
    assert_eq!(
        (verify["ok"].as_bool(), verify["events"].as_u64()),
        (Some(true), Some(3))
    );
}

#[test]
fn usage_errors_exit_64_not_clap_s_2() {
    let env = TestEnv::new();
    let r = env.run("ledger", &["frobnicate"]).expect(64);
    assert!(r.stderr.contains("unrecognized subcommand"), "{}", r.stderr);
    env.run("ledger", &["note"]).expect(64);
    env.run("ledger", &[]).expect(64);
    let r = env
        .run("ledger", &["query", "--since", "last tuesday"])
        .expect(64);
    assert!(
        r.stderr.contains("--since") && r.stderr.contains("RFC 3339"),
        "{}",
        r.stderr
    );
    env.run("ledger", &["query", "--since", "1h", "--until", "2h"])
        .expect(64);
    env.run("ledger", &["note", "-m", "   "]).expect(64);
    let big = "x".repeat(70 * 1024);
    env.run("ledger", &["note", "-m", &big]).expect(64);
    env.run("ledger", &["--help"]).expect(0);
    env.run("ledger", &["--version"]).expect(0);
    assert!(
        files_under(&env.home()).is_empty(),
        "usage errors write nothing: {:?}",
        files_under(&env.home())
    );
}

#[test]
fn an_unknown_event_is_an_error_with_a_hint() {
    let env = TestEnv::new();
    note(&env, "only one");
    let r = env.run("ledger", &["show", "99"]).expect(1);
    assert!(
        r.stderr.contains("error: no ledger event #99"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("hint:"), "{}", r.stderr);
    env.run("ledger", &["show", "abc"]).expect(64);
}

#[test]
fn json_errors_are_one_object_on_stderr() {
    let env = TestEnv::new();
    note(&env, "x");
    let r = env.run("ledger", &["show", "42", "--json"]).expect(1);
    let err: serde_json::Value = serde_json::from_str(r.stderr.trim()).unwrap();
    assert_eq!(err["error"]["exit_code"], 1);
    assert!(err["error"]["message"].as_str().unwrap().contains("#42"));
    assert!(r.stdout.is_empty());
}

#[test]
fn config_file_with_an_unknown_key_names_file_line_and_key_and_writes_nothing() {
    let env = TestEnv::new();
    std::fs::create_dir_all(env.home()).unwrap();
    let cfg = env.home().join("config.toml");
    std::fs::write(
        &cfg,
        "tenant = \"acme\"\n\n[runtime]\nurl = \"embedded\"\nnamespase = \"typo:\"\n",
    )
    .unwrap();
    let r = env.run("ledger", &["note", "-m", "x"]).expect(64);
    assert!(
        r.stderr.contains(&format!("{}:5:1", cfg.display())),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("namespase"), "{}", r.stderr);
    assert!(r.stderr.contains("hint:"), "{}", r.stderr);
    assert!(!env.data().exists(), "nothing written");

    std::fs::write(&cfg, "tenant = \"acme\n").unwrap();
    let r = env.run("ledger", &["tail"]).expect(64);
    assert!(r.stderr.contains(":1:"), "{}", r.stderr);

    let r = env
        .run("ledger", &["--config", "/nonexistent/agov.toml", "tail"])
        .expect(64);
    assert!(r.stderr.contains("/nonexistent/agov.toml"), "{}", r.stderr);
}

#[test]
fn precedence_flag_over_env_over_file() {
    let mut env = TestEnv::new();
    std::fs::create_dir_all(env.home()).unwrap();
    std::fs::write(env.home().join("config.toml"), "tenant = \"fromfile\"\n").unwrap();
    assert_eq!(
        env.run("ledger", &["note", "-m", "a", "--json"])
            .expect(0)
            .json()["tenant"],
        "fromfile"
    );
    env.set("AGOV_TENANT", "fromenv");
    assert_eq!(
        env.run("ledger", &["note", "-m", "b", "--json"])
            .expect(0)
            .json()["tenant"],
        "fromenv"
    );
    assert_eq!(
        env.run(
            "ledger",
            &["--tenant", "fromflag", "note", "-m", "c", "--json"]
        )
        .expect(0)
        .json()["tenant"],
        "fromflag"
    );
    let r = env.run("ledger", &["-v", "tail"]).expect(0);
    assert!(
        r.stderr
            .contains("tenant: fromenv (environment AGOV_TENANT)"),
        "{}",
        r.stderr
    );
    env.run("ledger", &["--tenant", "Not Valid", "tail"])
        .expect(64);
}

#[test]
fn tenants_do_not_see_each_other_s_events() {
    let env = TestEnv::new();
    let a = env
        .run(
            "ledger",
            &[
                "--tenant",
                "alpha",
                "note",
                "-m",
                "alpha's secret plan",
                "--json",
            ],
        )
        .expect(0)
        .json();
    env.run(
        "ledger",
        &["--tenant", "beta", "note", "-m", "beta's", "--json"],
    )
    .expect(0);
    let beta = env
        .run("ledger", &["--tenant", "beta", "query", "--json"])
        .expect(0)
        .json();
    assert_eq!(beta.as_array().unwrap().len(), 1);
    let seq = a["seq"].to_string();
    let denied = env
        .run("ledger", &["--tenant", "beta", "show", &seq])
        .expect(3);
    assert!(
        denied.stderr.contains("belongs to another tenant"),
        "{}",
        denied.stderr
    );
    env.run("ledger", &["--tenant", "alpha", "show", &seq])
        .expect(0);
    let export = env
        .run("ledger", &["--tenant", "beta", "export"])
        .expect(0)
        .json_lines();
    assert!(export.iter().all(|e| e["tenant"] == "beta"));
}

#[test]
fn a_ledger_path_that_is_not_sqlite_is_refused_and_left_untouched() {
    let mut env = TestEnv::new();
    let notes = env.dir.path().join("notes.txt");
    let content = "my notes, not a database\n".repeat(100);
    std::fs::write(&notes, &content).unwrap();
    env.set("AGOV_LEDGER_PATH", notes.to_str().unwrap());
    let r = env.run("ledger", &["note", "-m", "x"]).expect(1);
    assert!(
        r.stderr.contains("is not an SQLite database"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("hint:"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), content);
    assert!(!env.dir.path().join("notes.txt-wal").exists());
    env.run("ledger", &["verify"]).expect(1);
}

/// Bypasses the append-only triggers, as someone with the file could.
#[test]
fn token_accessors_reach_the_ledger_only_as_their_hmac() {
    use std::os::unix::fs::MetadataExt;
    let env = TestEnv::new();
    note(&env, "no accessor, no key");
    let key = env.data().join("ledger-hmac.key");
    assert!(!key.exists(), "the key is created on first use");
    accessor_reaches_the_ledger_only_as_its_hmac(&env);
    assert_eq!(std::fs::metadata(&key).unwrap().mode() & 0o777, 0o600);
    env.run("ledger", &["verify"]).expect(0);
    env.run("ledger", &["hmac", ""]).expect(64);
}

#[test]
fn export_to_a_file_is_whole_and_private() {
    use std::os::unix::fs::MetadataExt;
    let env = TestEnv::new();
    for i in 0..4 {
        note(&env, &format!("n{i}"));
    }
    let out = env.dir.path().join("audit.jsonl");
    env.run(
        "ledger",
        &[
            "export",
            "--format",
            "jsonl",
            "--output",
            out.to_str().unwrap(),
        ],
    )
    .expect(0);
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), 4);
    assert_eq!(std::fs::metadata(&out).unwrap().mode() & 0o777, 0o600);
    assert_eq!(env.run("ledger", &["export"]).expect(0).stdout, text);
}

#[test]
fn data_files_are_private() {
    use std::os::unix::fs::MetadataExt;
    let env = TestEnv::new();
    note(&env, "x");
    env.run("ledger", &["seal"]).expect(0);
    assert_eq!(std::fs::metadata(env.data()).unwrap().mode() & 0o777, 0o700);
    for f in ["agov.db", "ledger.seals"] {
        assert_eq!(
            std::fs::metadata(env.data().join(f)).unwrap().mode() & 0o777,
            0o600,
            "{f}"
        );
    }
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let env = TestEnv::new();
    for i in 0..300 {
        note(
            &env,
            &format!(
                "a somewhat long note to fill the pipe buffer quickly {i} {}",
                "x".repeat(200)
            ),
        );
    }
    let r = env.sh("\"$LEDGER\" export | head -n 1 >/dev/null; echo \"status=${PIPESTATUS[0]}\"");
    assert!(r.stdout.contains("status=0"), "{r:?}");
    assert!(!r.stderr.contains("error"), "{}", r.stderr);
}

#[test]
fn colour_follows_the_flag_then_no_color() {
    let mut env = TestEnv::new();
    let plain = env.run("ledger", &["show", "1"]).expect(1);
    assert!(!plain.stderr.contains('\x1b'));
    let coloured = env
        .run("ledger", &["--color", "always", "show", "1"])
        .expect(1);
    assert!(
        coloured.stderr.contains("\x1b[1;31merror:"),
        "{:?}",
        coloured.stderr
    );
    env.set("NO_COLOR", "1");
    assert!(
        env.run("ledger", &["--color", "always", "show", "1"])
            .stderr
            .contains('\x1b'),
        "--color wins over NO_COLOR"
    );
}

#[test]
fn eight_writer_processes_lose_nothing() {
    let env = TestEnv::new();
    note(&env, "start");
    let r = env.sh("for w in 1 2 3 4 5 6 7 8; do (for i in $(seq 1 40); do \"$LEDGER\" note -m \"w$w-$i\" >/dev/null || echo FAIL; done) & done; wait");
    assert!(
        !r.stdout.contains("FAIL") && !r.stderr.contains("locked"),
        "{r:?}"
    );
    let v = env.run("ledger", &["verify", "--json"]).expect(0).json();
    assert_eq!(v["events"], 321);
}

#[test]
fn tail_follow_prints_events_as_they_are_appended() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let env = TestEnv::new();
    note(&env, "before");
    let mut child = Command::new(crate::common::bin("ledger"))
        .args(["tail", "-n", "1", "--follow", "--json"])
        .env_clear()
        .env("AGOV_HOME", env.home())
        .env("USER", "tester")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let wait = std::time::Duration::from_secs(10);
    let first: serde_json::Value = serde_json::from_str(&rx.recv_timeout(wait).unwrap()).unwrap();
    assert_eq!(first["detail"]["text"], "before");
    note(&env, "after");
    let second: serde_json::Value =
        serde_json::from_str(&rx.recv_timeout(wait).expect("followed event")).unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(second["detail"]["text"], "after");
    assert_eq!(second["seq"], 2);
}

#[test]
fn quiet_keeps_stderr_for_errors_only() {
    let env = TestEnv::new();
    let loud = env.run("ledger", &["tail"]).expect(0);
    assert!(
        loud.stderr.contains("hint: there is no ledger"),
        "{}",
        loud.stderr
    );
    let quiet = env.run("ledger", &["-q", "tail"]).expect(0);
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);
    let failing = env.run("ledger", &["-q", "show", "1"]).expect(1);
    assert!(
        failing.stderr.contains("error:"),
        "errors still show with -q"
    );
}

/// Issues and revokes a token by hand; returns its accessor. The ledger then
/// holds only the accessor's HMAC, the same in both events.
pub fn accessor_reaches_the_ledger_only_as_its_hmac(env: &TestEnv) -> String {
    let issued = env
        .run("pipeline", &["token", "issue", "--tier", "0", "--json"])
        .expect(0)
        .json();
    let accessor = issued["accessor"].as_str().unwrap().to_string();
    env.run("pipeline", &["token", "revoke", &accessor])
        .expect(0);
    let export = env.run("ledger", &["export"]).expect(0).stdout;
    assert!(
        !export.contains(&accessor),
        "the accessor reached the ledger: {export}"
    );
    let hmac = env.run("ledger", &["hmac", &accessor]).expect(0).stdout;
    let hmac = hmac.trim();
    assert!(
        hmac.starts_with("hmac-sha256:") && hmac.len() == 12 + 64,
        "{hmac}"
    );
    let by_stdin = env.run_with_stdin(
        "ledger",
        &["hmac", "-", "--json"],
        Some(accessor.as_bytes()),
    );
    assert_eq!(by_stdin.expect(0).json()["hmac"], hmac);
    let events = env
        .run("ledger", &["query", "--action", "token.*", "--json"])
        .expect(0)
        .json();
    let actions: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["detail"]["accessor"] == hmac)
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["token.issue", "token.revoke"], "{events}");
    accessor
}

mod tampering;
pub use tampering::rewrite_from;
