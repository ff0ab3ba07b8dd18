//! Faults with real servers, bounded in time: the runtime store (Redis
//! with persistence) stopped and restarted under a running pipeline;
//! OpenBao sealed or stopped (nothing runs without a token); writers
//! killed with SIGKILL at random moments.

use std::time::Duration;

use crate::common::TestEnv;
use crate::pipelines::{
    background_exit_code, board, events, slow_plan, spawn_in_background, status, wait_for,
    with_examples,
};

#[test]
fn redis_restarted_mid_pipeline_loses_and_duplicates_nothing_and_continue_finishes_it() {
    let mut redis = agov_testkit::Redis::start_durable();
    let mut env = TestEnv::new();
    env.set("AGOV_RUNTIME_URL", &redis.url())
        .set("AGOV_LEASE_TTL", "2s")
        .set("SLOW_SECONDS", "6");
    with_examples(&env);
    slow_plan(&env);
    let (_, id) = spawn_in_background(&env, "slow.yaml");
    wait_for(
        "alpha done and beta working",
        Duration::from_secs(30),
        || {
            let st = status(&env, &id);
            st["agents"]["alpha"]["status"] == "completed"
                && st["agents"]["beta"]["phase"] == "EXECUTE"
        },
    );
    let before = board(&env, &id);
    let accessor = status(&env, &id)["token"]["accessor"]
        .as_str()
        .unwrap()
        .to_string();

    redis.stop();
    // While it is down, the tools say so: exit 69 with a hint.
    let down = env.run("pipeline", &["status", &id]);
    assert_eq!(down.code, 69, "{}", down.stderr);
    assert!(down.stderr.contains("hint:"), "{}", down.stderr);
    let list = env.run("pipeline", &["list"]);
    assert_eq!(list.code, 69, "{}", list.stderr);
    // The driver cannot go on without it and stops (its agents with it).
    let rc = background_exit_code(&env);
    let err = std::fs::read_to_string(env.dir.path().join("spawn.err")).unwrap();
    assert_eq!(rc, 69, "{err}");
    // No live credentials after the failure: its token went with its driver.
    env.run("pipeline", &["token", "lookup", &accessor])
        .expect(3);

    redis.restart();
    // Its state survived; once the dead driver's lease lapses, continue finishes it.
    let after_restart = board(&env, &id);
    assert_eq!(after_restart, before, "the board survived the restart");
    std::thread::sleep(Duration::from_millis(2200));
    env.run("pipeline", &["continue", &id, "-q"]).expect(0);
    let st = status(&env, &id);
    assert_eq!(st["status"], "COMPLETED");
    assert_eq!(
        st["agents"]["alpha"]["attempts"], 1,
        "alpha is not run again"
    );
    // It went on with a fresh token, and the ledger says why.
    assert_ne!(st["token"]["accessor"], accessor.as_str());
    assert_eq!(events(&env, &id, "pipeline.token_revoked").len(), 1);
    assert_eq!(events(&env, &id, "pipeline.token_reissued").len(), 1);
    let b = board(&env, &id);
    let solutions = b["solutions"].as_array().unwrap();
    let by = |role: &str| solutions.iter().filter(|e| e["by"] == role).count();
    assert_eq!((by("alpha"), by("beta")), (1, 1), "{b:#}");
    let votes = b["consensus"].as_array().unwrap();
    assert_eq!(votes.len(), 2, "one vote each: {b:#}");
}

/// A governed agent that leaves a mark if it ever runs.
fn marking_agent(env: &TestEnv) {
    std::fs::write(
        env.dir.path().join("packet.json"),
        r#"{"agent_id": "marker", "task_id": "t1", "objective": "leave a mark"}"#,
    )
    .unwrap();
    std::fs::write(env.dir.path().join("agent.sh"), "touch ran\n").unwrap();
}

fn assert_fails_closed(env: &TestEnv, what: &str, needle: &str) {
    let run = env.sh("\"$PIPELINE\" agent run --packet packet.json -- sh agent.sh");
    assert_eq!(run.code, 69, "{what}: {}", run.stderr);
    assert!(run.stderr.contains(needle), "{what}: {}", run.stderr);
    assert!(run.stderr.contains("hint:"), "{what}: {}", run.stderr);
    assert!(
        !env.dir.path().join("ran").exists(),
        "{what}: the agent ran without a token"
    );
    let spawn = env.sh("\"$PIPELINE\" spawn --plan examples/plans/quickstart.yaml");
    assert_eq!(spawn.code, 69, "{what}: {}", spawn.stderr);
    assert!(
        !run.stderr.contains("ERROR"),
        "{what}: one clear error, not the Vault client's logs: {}",
        run.stderr
    );
    // Nothing was spawned, and looking needs no token: `pipeline list` works
    // while Vault is down (AppRole logs in only when a call needs it).
    let listed = env
        .run("pipeline", &["list", "--all", "--json"])
        .expect(0)
        .json();
    assert_eq!(listed, serde_json::json!([]), "{what}: nothing was spawned");
}

#[test]
fn without_openbao_no_agent_runs_stopped_or_sealed() {
    let (mut bao, env) = crate::ledger_vault::private_bao();
    with_examples(&env);
    marking_agent(&env);
    // Sealed: it answers, but issues nothing.
    let root = agov_vault::Vault::connect(&crate::ledger_vault::root_settings(bao.addr())).unwrap();
    root.send("sealing", agov_vault::Method::PUT, "sys/seal", None)
        .unwrap();
    assert_fails_closed(&env, "sealed", "sealed");
    // Stopped: nothing answers.
    bao.stop();
    assert_fails_closed(&env, "stopped", "unreachable");
}

#[test]
fn kill_9_mid_write_of_notes_checkpoints_and_status_leaves_nothing_partial() {
    let env = TestEnv::new();
    std::fs::create_dir_all(env.dir.path().join("st/api")).unwrap();
    env.sh("\"$STATUS\" update st/api --task seed -q").expect(0);
    // Writers SIGKILLed at random moments, over and over, each in its own
    // process group so only this test's processes are killed.
    let r = env.sh(
        "for round in $(seq 1 12); do pids=(); \
           setsid bash -c 'while true; do \"$LEDGER\" note -m n >/dev/null 2>&1; done' & pids+=($!); \
           setsid bash -c 'while true; do \"$CHECKPOINT\" now --notes c >/dev/null 2>&1; done' & pids+=($!); \
           setsid bash -c 'i=0; while true; do i=$((i+1)); \"$STATUS\" update st/api --task \"t$round-$i\" >/dev/null 2>&1; done' & pids+=($!); \
           sleep 0.$((RANDOM % 4 + 2)); for p in \"${pids[@]}\"; do kill -9 -- -$p 2>/dev/null; done; wait 2>/dev/null; \
         done; echo done",
    );
    assert!(r.stdout.contains("done"), "{r:?}");
    env.run("ledger", &["verify"]).expect(0);
    let db = rusqlite::Connection::open(env.data().join("agov.db")).unwrap();
    let count = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
    let checkpoints = count("SELECT count(*) FROM checkpoints");
    assert!(checkpoints > 1, "some checkpoints landed");
    assert_eq!(
        checkpoints,
        count("SELECT count(*) FROM events WHERE action = 'checkpoint.create'"),
        "every checkpoint has its ledger event"
    );
    assert!(count("SELECT count(*) FROM events WHERE action = 'ledger.note'") > 1);
    // Every checkpoint loads; the STATUS.md parses and holds the seed task.
    let newest = env.run("checkpoint", &["load", "--json"]).expect(0).json();
    assert!(newest["checkpoint"]["id"].is_string(), "{newest}");
    env.run("checkpoint", &["show", "c1"]).expect(0);
    let dir = env.sh("\"$STATUS\" sweep st --json").expect(0).json();
    let api = dir["dirs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == "api")
        .unwrap_or_else(|| panic!("{dir:#}"));
    assert_eq!(api["state"], "ok", "{dir:#}");
    assert!(api["tasks_total"].as_u64().unwrap() >= 1, "{dir:#}");
    let text = std::fs::read_to_string(env.dir.path().join("st/api/STATUS.md")).unwrap();
    assert!(text.contains("seed"), "{text}");
    // Every tool still works; the next write clears what killed writers left.
    env.run("ledger", &["note", "-m", "after"]).expect(0);
    env.run("checkpoint", &["now", "--notes", "after"])
        .expect(0);
    env.sh("\"$STATUS\" update st/api --task after").expect(0);
    let left: Vec<_> = std::fs::read_dir(env.dir.path().join("st/api"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|f| f != "STATUS.md")
        .collect();
    assert!(
        left.is_empty(),
        "temporary files left beside STATUS.md: {left:?}"
    );
}

/// A tmpfs of `size` mounted for the test's life (None when mounting is not
/// permitted here).
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Option<SmallDisk> {
        if std::env::var_os("AGOV_TEST_NO_MOUNT").is_some() {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output()
            .is_ok_and(|o| o.status.success());
        ok.then_some(SmallDisk { dir })
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.dir.path())
            .status();
    }
}

#[test]
fn a_full_disk_is_reported_clearly_and_corrupts_nothing() {
    // A real full disk: a 3 MB tmpfs when this machine lets the test mount
    // one (root in CI), else writes refused by a file-size limit (ulimit -f,
    // with SIGXFSZ ignored so the write fails instead of killing the tool).
    let disk = SmallDisk::mount("3m");
    let mut env = TestEnv::new();
    let root = match &disk {
        Some(d) => d.dir.path().to_path_buf(),
        None => env.dir.path().to_path_buf(),
    };
    env.set("AGOV_HOME", &root.join("home").display().to_string());
    let st = root.join("st/api");
    std::fs::create_dir_all(&st).unwrap();
    let seed = format!(
        "\"$LEDGER\" note -m seed -q && \"$BUGS\" log -m 'seed bug' -q && echo hello | \"$MEMORY\" log --title seed -q && \"$STATUS\" update {} --root {} --task seed -q && \"$CHECKPOINT\" now --notes seed -q",
        st.display(),
        root.display()
    );
    env.sh(&seed).expect(0);
    let fill = root.join("fill");
    let limit = match &disk {
        Some(_) => {
            // Fill it to the last byte.
            let _ = env.sh(&format!(
                "head -c 100M /dev/zero > {} 2>/dev/null",
                fill.display()
            ));
            String::new()
        }
        None => "trap '' XFSZ; ulimit -f 1; ".to_string(),
    };
    let before = std::fs::read(st.join("STATUS.md")).unwrap();
    for cmd in [
        "\"$LEDGER\" note -m lost".to_string(),
        "\"$BUGS\" log -m 'lost bug'".to_string(),
        "\"$BUGS\" update b1 --note lost".to_string(),
        "\"$CHECKPOINT\" now --notes lost".to_string(),
        format!(
            "\"$STATUS\" update {} --root {} --task lost",
            st.display(),
            root.display()
        ),
        "head -c 300000 /dev/urandom | base64 | \"$MEMORY\" log --title lost".to_string(),
    ] {
        let r = env.sh(&format!("{limit}{cmd}"));
        assert_eq!(r.code, 1, "{cmd}: {}", r.stderr);
        if disk.is_some() {
            assert!(r.stderr.contains("the disk is full"), "{cmd}: {}", r.stderr);
            assert!(r.stderr.contains("hint: free space"), "{cmd}: {}", r.stderr);
        } else {
            assert!(r.stderr.contains("error:"), "{cmd}: {}", r.stderr);
        }
        assert!(!r.stderr.contains("panicked"), "{cmd}: {}", r.stderr);
    }
    let _ = std::fs::remove_file(&fill);
    // Nothing half-written: the chain verifies and holds only the seed.
    let verify = env.run("ledger", &["verify", "--json"]).expect(0).json();
    assert_eq!(verify["events"], 5, "{verify}");
    let bugs = env
        .run("bugs", &["list", "--status", "all", "--json"])
        .expect(0)
        .json();
    assert_eq!(bugs.as_array().unwrap().len(), 1);
    assert_eq!(
        env.run("memory", &["list", "--json"])
            .expect(0)
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(std::fs::read(st.join("STATUS.md")).unwrap(), before);
    // With room again, every tool works.
    env.sh(&seed).expect(0);
}
