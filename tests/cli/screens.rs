//! Snapshot tests of what a person reads: the tables, the spawn summary,
//! the `checkpoint load` briefing and the `status` dashboard. A change to a
//! screen shows as a diff of `tests/cli/snapshots/*.snap` to review. Tables
//! with a user's name in a column are left out: its width depends on the
//! machine.
//!
//! Times, ids, ages and paths change from run to run: [`screen`] masks them,
//! with placeholders of the same width where they fill a table's column, so
//! columns stay aligned as printed. Review or accept changes with
//! `cargo insta review` (or
//! `INSTA_UPDATE=always cargo test -p agov --test cli -- screens::`); under
//! `CI=true` a missing or changed snapshot fails (tested below).

use crate::common::TestEnv;
use crate::pipelines::{spawn, with_examples};

/// Asserts `text` (stdout of a command) against the snapshot `name`, with
/// what varies from run to run masked.
#[track_caller]
fn screen(env: &TestEnv, name: &str, text: &str) {
    let tmp = env.dir.path().display().to_string().replace('.', r"\.");
    insta::with_settings!({
        filters => vec![
            (tmp.as_str(), "[TMP]"),
            (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", "YYYY-MM-DDThh:mm:ss.ffffffZ"),
            (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", "YYYY-MM-DDThh:mm:ss"),
            (r"\b\d{4}-\d\d-\d\d\b", "YYYY-MM-DD"),
            (r"\bp-[0-9a-f]{10}\b", "p-PIPELINEID"),
            (r"\br[0-9a-f]{12}\b", "rRUNID_______"),
            (r"\buser:[a-z_][a-z0-9_-]*", "user:ME"),
            (r"#\d+\b", "#SEQ"),
            (r"\(\d+s ago\)", "(Ns ago)"),
            // Ages in tables, of a few seconds: one digit, so widths hold.
            (r"\b\ds\b", "Ns"),
        ],
    }, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn bugs_and_memory_tables() {
    let env = TestEnv::new();
    env.run(
        "bugs",
        &[
            "log",
            "-m",
            "lock never released after crash",
            "--severity",
            "high",
            "--component",
            "runtime",
        ],
    )
    .expect(0);
    env.run(
        "bugs",
        &["log", "-m", "typo in --help", "--severity", "low"],
    )
    .expect(0);
    env.run("bugs", &["claim", "b2", "--agent", "alpha"])
        .expect(0);
    screen(
        &env,
        "bugs_list",
        &env.run("bugs", &["list"]).expect(0).stdout,
    );
    screen(
        &env,
        "bugs_status",
        &env.run("bugs", &["status"]).expect(0).stdout,
    );
    env.run_with_stdin(
        "memory",
        &["log", "--title", "build log", "--tag", "ci"],
        Some(b"compiling\nerror: it broke\n"),
    )
    .expect(0);
    env.run_with_stdin("memory", &["log", "--title", "notes"], Some(b"hello\n"))
        .expect(0);
    screen(
        &env,
        "memory_list",
        &env.run("memory", &["list"]).expect(0).stdout,
    );
}

#[test]
fn status_dashboard_and_sweep() {
    let env = TestEnv::new();
    let tree = env.dir.path().join("proj");
    for (dir, args) in [
        (
            "api",
            &[
                "--phase",
                "in_progress",
                "--task",
                "parse",
                "--task",
                "serve",
            ][..],
        ),
        ("api", &["--done", "1"]),
        (
            "web",
            &[
                "--phase",
                "blocked",
                "--owner",
                "ana",
                "--note",
                "waits for api",
            ],
        ),
        ("cli", &["--phase", "complete", "--task", "ship"]),
        ("cli", &["--done", "ship"]),
    ] {
        let d = tree.join(dir);
        std::fs::create_dir_all(&d).unwrap();
        let mut all = vec![
            "update",
            d.to_str().unwrap(),
            "--root",
            tree.to_str().unwrap(),
        ];
        all.extend(args);
        env.run("status", &all).expect(0);
    }
    std::fs::create_dir_all(tree.join("docs")).unwrap();
    let tree = tree.to_str().unwrap();
    screen(
        &env,
        "status_dashboard",
        &env.run("status", &["dashboard", tree]).expect(0).stdout,
    );
    screen(
        &env,
        "status_sweep",
        &env.run("status", &["sweep", tree]).expect(0).stdout,
    );
}

#[test]
fn checkpoint_load_briefing() {
    let env = TestEnv::new();
    env.run("bugs", &["log", "-m", "flaky lock", "--severity", "high"])
        .expect(0);
    env.sh("\"$CHECKPOINT\" now --notes 'parser done; next: error recovery'")
        .expect(0);
    env.run(
        "bugs",
        &["log", "-m", "the disk filled up", "--severity", "critical"],
    )
    .expect(0);
    env.run("ledger", &["note", "-m", "rotated the staging credentials"])
        .expect(0);
    screen(
        &env,
        "checkpoint_load",
        &env.sh("\"$CHECKPOINT\" load").expect(0).stdout,
    );
}

#[test]
fn pipeline_spawn_summary_list_and_status() {
    let env = TestEnv::new();
    with_examples(&env);
    let run = env
        .sh("\"$PIPELINE\" spawn --plan examples/plans/quickstart.yaml")
        .expect(0);
    screen(&env, "pipeline_spawn", &run.stdout);
    screen(
        &env,
        "pipeline_list",
        &env.run("pipeline", &["list", "--all"]).expect(0).stdout,
    );
    screen(
        &env,
        "pipeline_agents_list",
        &env.run("pipeline", &["agents", "list"]).expect(0).stdout,
    );
    let (_, id) = spawn(&env, "examples/plans/disagree.yaml");
    screen(
        &env,
        "pipeline_status_no_consensus",
        &env.run("pipeline", &["status", &id]).expect(0).stdout,
    );
}

#[test]
fn templates_and_stored_plans_tables() {
    let env = TestEnv::new();
    with_examples(&env);
    env.sh("\"$PIPELINE\" templates add examples/templates")
        .expect(0);
    screen(
        &env,
        "pipeline_templates_list",
        &env.run("pipeline", &["templates", "list"]).expect(0).stdout,
    );
    env.sh("\"$PIPELINE\" plan add examples/plans/quickstart.yaml")
        .expect(0);
    screen(
        &env,
        "pipeline_plan_list",
        &env.run("pipeline", &["plan", "list"]).expect(0).stdout,
    );
}

/// Not a test on its own: the child process of the test below, which sets
/// AGOV_SNAPSHOT_PROBE (without it, it has nothing to do).
#[test]
fn snapshot_probe() {
    match std::env::var("AGOV_SNAPSHOT_PROBE").as_deref() {
        Ok("missing") => insta::assert_snapshot!("probe_never_committed", "a new screen"),
        Ok("changed") => insta::assert_snapshot!("probe_committed", "a changed screen"),
        _ => {}
    }
}

#[test]
fn under_ci_a_missing_or_changed_snapshot_fails_and_nothing_is_written() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/cli/snapshots");
    let committed = std::fs::read_to_string(dir.join("cli__screens__probe_committed.snap"))
        .expect("the committed probe snapshot");
    for probe in ["missing", "changed"] {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "screens::snapshot_probe", "--test-threads=1"])
            .env("CI", "true")
            .env("AGOV_SNAPSHOT_PROBE", probe)
            .env_remove("INSTA_UPDATE")
            .env_remove("INSTA_FORCE_PASS")
            .output()
            .unwrap();
        assert!(
            !out.status.success(),
            "a {probe} snapshot passed under CI=true:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    let left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains("probe") && n != "cli__screens__probe_committed.snap")
        .collect();
    assert!(left.is_empty(), "written under CI: {left:?}");
    assert_eq!(
        std::fs::read_to_string(dir.join("cli__screens__probe_committed.snap")).unwrap(),
        committed
    );
}
