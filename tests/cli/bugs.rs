//! The `bugs` tool on the embedded default.

use crate::common::{TestEnv, files_under};

fn log(env: &TestEnv, args: &[&str]) -> String {
    let mut all = vec!["log", "--json"];
    all.extend_from_slice(args);
    env.run("bugs", &all).expect(0).json()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn log_list_get_update_search_history_status() {
    let env = TestEnv::new();
    let b1 = log(
        &env,
        &[
            "-m",
            "lock never released",
            "--severity",
            "high",
            "--component",
            "runtime",
            "--tag",
            "locks",
        ],
    );
    let b2 = env
        .run_with_stdin(
            "bugs",
            &["log", "-m", "typo", "--severity", "low", "--stdin"],
            Some(b"the long\ndescription\n"),
        )
        .expect(0);
    assert_eq!((b1.as_str(), b2.stdout.trim()), ("b1", "b2"));

    let list = env.run("bugs", &["list", "--json"]).expect(0).json();
    assert_eq!(
        list.as_array()
            .unwrap()
            .iter()
            .map(|b| b["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        vec!["b1", "b2"]
    );
    let got = env.run("bugs", &["get", "b2", "--json"]).expect(0).json();
    assert_eq!(got["description"], "the long\ndescription");

    env.run(
        "bugs",
        &[
            "update",
            "b1",
            "in-progress",
            "--assignee",
            "bob",
            "--note",
            "looking",
        ],
    )
    .expect(0);
    let resolved = env
        .run("bugs", &["update", "B-1", "resolved", "--json"])
        .expect(0)
        .json();
    assert_eq!(
        (resolved["status"].as_str(), resolved["assignee"].as_str()),
        (Some("resolved"), Some("bob"))
    );
    assert_eq!(
        env.run("bugs", &["list", "--json"])
            .expect(0)
            .json()
            .as_array()
            .unwrap()
            .len(),
        1,
        "resolved is not active"
    );
    assert_eq!(
        env.run("bugs", &["list", "--status", "all", "--json"])
            .expect(0)
            .json()
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let hits = env
        .run("bugs", &["search", "lock", "--json"])
        .expect(0)
        .json();
    assert_eq!(hits[0]["bug"]["id"], "b1");
    assert!(hits[0]["snippet"].as_str().unwrap().contains("[lock]"));

    let history = env
        .run("bugs", &["history", "b1", "--json"])
        .expect(0)
        .json();
    let actions: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["bug.log", "bug.update", "bug.update"]);
    assert_eq!(history[1]["detail"]["note"], "looking");

    let status = env.run("bugs", &["status", "--json"]).expect(0).json();
    assert_eq!(status["total"], 2);
    assert_eq!(status["by_status"]["resolved"]["high"], 1);
    let table = env.run("bugs", &["status"]).expect(0).stdout;
    assert!(
        table.contains("resolved") && table.contains("2 bugs"),
        "{table}"
    );

    let ledger = env.run("ledger", &["verify", "--json"]).expect(0).json();
    assert_eq!(ledger["events"], 4, "every change is in the ledger");
}

#[test]
fn bad_input_is_refused_with_its_exit_code_and_writes_nothing() {
    let env = TestEnv::new();
    log(&env, &["-m", "x"]);
    let before = env.run("ledger", &["verify", "--json"]).expect(0).json()["events"].clone();
    let r = env.run("bugs", &["update", "b1", "closed"]).expect(64);
    assert!(
        r.stderr
            .contains("from open a bug can become: in_progress, resolved, wontfix"),
        "{}",
        r.stderr
    );
    env.run("bugs", &["update", "b1", "finished"]).expect(64);
    env.run("bugs", &["update", "b1"]).expect(64);
    env.run("bugs", &["log", "-m", "x", "--severity", "apocalyptic"])
        .expect(64);
    env.run("bugs", &["log", "-m", "   "]).expect(64);
    env.run("bugs", &["log", "-m", "x", "--tag", "two words"])
        .expect(64);
    env.run("bugs", &["get", "zz"]).expect(64);
    env.run("bugs", &["list", "--status", "open,nope"])
        .expect(64);
    let r = env.run("bugs", &["get", "b404"]).expect(1);
    assert!(
        r.stderr.contains("no bug b404") && r.stderr.contains("hint:"),
        "{}",
        r.stderr
    );
    env.run("bugs", &["search", "'; DROP TABLE bugs; --"])
        .expect(0);
    assert_eq!(
        env.run("ledger", &["verify", "--json"]).expect(0).json()["events"],
        before,
        "nothing was written"
    );
    assert_eq!(
        env.run("bugs", &["status", "--json"]).expect(0).json()["total"],
        1
    );
}

#[test]
fn a_title_without_m_and_a_resolved_claim_say_what_to_run() {
    let env = TestEnv::new();
    let r = env.run("bugs", &["log", "it's flaky"]).expect(64);
    assert!(
        r.stderr.contains("takes the title with -m")
            && r.stderr.contains("hint: bugs log -m 'it'\\''s flaky'"),
        "{}",
        r.stderr
    );
    env.run("bugs", &["log", "-m", "x", "stray"]).expect(64);
    assert!(!env.data().join("agov.db").exists(), "nothing was written");
    let r = env.run("bugs", &["log"]).expect(64);
    assert!(r.stderr.contains("--message"), "{}", r.stderr);

    log(&env, &["-m", "fixed already"]);
    env.run("bugs", &["update", "b1", "resolved"]).expect(0);
    let r = env
        .run("bugs", &["claim", "b1", "--agent", "alpha"])
        .expect(3);
    assert!(
        r.stderr.contains("b1 is resolved")
            && r.stderr.contains("hint:")
            && r.stderr.contains("`bugs update b1 open`"),
        "{}",
        r.stderr
    );
    let bug = env.run("bugs", &["get", "b1", "--json"]).expect(0).json();
    assert_eq!(
        (bug["status"].as_str(), bug["assignee"].as_str()),
        (Some("resolved"), None)
    );
}

#[test]
fn another_tenant_s_bug_is_denied_with_exit_3() {
    let env = TestEnv::new();
    env.run("bugs", &["--tenant", "alpha", "log", "-m", "alpha only"])
        .expect(0);
    env.run("bugs", &["--tenant", "beta", "get", "b1"])
        .expect(3);
    env.run("bugs", &["--tenant", "beta", "claim", "b1", "--agent", "x"])
        .expect(3);
    env.run("bugs", &["--tenant", "beta", "update", "b1", "wontfix"])
        .expect(3);
    assert_eq!(
        env.run("bugs", &["--tenant", "beta", "list", "--json"])
            .expect(0)
            .json(),
        serde_json::json!([])
    );
}

#[test]
fn sixteen_agents_race_for_one_bug_and_exactly_one_wins() {
    let env = TestEnv::new();
    log(&env, &["-m", "contended", "--severity", "critical"]);
    let r = env.sh(
        "for i in $(seq 1 16); do (\"$BUGS\" claim b1 --agent agent-$i >/dev/null 2>&1; echo \"rc=$?\") & done; wait",
    );
    let wins = r.stdout.matches("rc=0").count();
    let denied = r.stdout.matches("rc=3").count();
    assert_eq!((wins, denied), (1, 15), "{r:?}");
    let bug = env.run("bugs", &["get", "b1", "--json"]).expect(0).json();
    assert!(bug["assignee"].as_str().unwrap().starts_with("agent-"));
    let r = env
        .run("bugs", &["claim", "b1", "--agent", "latecomer"])
        .expect(3);
    assert!(
        r.stderr.contains("already claimed by agent-"),
        "{}",
        r.stderr
    );
}

#[test]
fn sixteen_processes_logging_and_updating_lose_nothing() {
    let env = TestEnv::new();
    let r = env.sh(
        "for w in $(seq 1 16); do ( for i in 1 2 3 4 5; do id=$(\"$BUGS\" log -m \"w$w bug $i\") || echo FAIL; \
         \"$BUGS\" update \"$id\" --severity high >/dev/null || echo FAIL; done ) & done; wait",
    );
    assert!(
        !r.stdout.contains("FAIL") && !r.stderr.contains("locked"),
        "{r:?}"
    );
    assert_eq!(
        env.run("bugs", &["status", "--json"]).expect(0).json()["total"],
        80
    );
    assert_eq!(
        env.run("ledger", &["verify", "--json"]).expect(0).json()["events"],
        160
    );
}

#[test]
fn scan_applies_idempotently() {
    let env = TestEnv::new();
    log(&env, &["-m", "Flaky lock test"]);
    log(&env, &["-m", "flaky lock TEST"]);
    let first = env
        .run("bugs", &["scan", "--apply", "--json"])
        .expect(0)
        .json();
    assert_eq!(first["logged"], 1, "{first}");
    assert_eq!(first["anomalies"][0]["kind"], "duplicate");
    let again = env
        .run("bugs", &["scan", "--apply", "--json"])
        .expect(0)
        .json();
    assert_eq!(again["logged"], 0);
    assert_eq!(again["anomalies"][0]["bug"], first["anomalies"][0]["bug"]);
    assert_eq!(first["anomalies"][0]["new"], true);
    assert_eq!(again["anomalies"][0]["new"], false);
    env.run("bugs", &["scan", "--since", "tomorrow"]).expect(64);
}

#[test]
fn scan_apply_quiet_prints_only_what_it_logged() {
    let env = TestEnv::new();
    log(&env, &["-m", "Flaky lock test"]);
    log(&env, &["-m", "flaky lock TEST"]);
    let first = env.run("bugs", &["scan", "--apply", "-q"]).expect(0);
    assert!(
        first.stdout.contains("duplicate") && first.stdout.contains("b3"),
        "the anomaly it logged, with its bug: {first:?}"
    );
    assert_eq!(first.stderr, "", "{first:?}");
    let again = env.run("bugs", &["scan", "--apply", "-q"]).expect(0);
    assert_eq!(
        (again.stdout.as_str(), again.stderr.as_str()),
        ("", ""),
        "nothing new logged: nothing printed"
    );
    log(&env, &["-m", "runner disk full"]);
    log(&env, &["-m", "Runner: disk full"]);
    let third = env.run("bugs", &["scan", "--apply", "-q"]).expect(0);
    assert!(
        third.stdout.contains("b4, b5") && !third.stdout.contains("b1, b2"),
        "only the new anomaly: {third:?}"
    );
    let loud = env.run("bugs", &["scan", "--apply"]).expect(0);
    assert!(
        loud.stdout.contains("b1, b2") && loud.stderr.contains("logged 0 new bug(s)"),
        "without -q the whole table and a note: {loud:?}"
    );
}

#[test]
fn reading_an_empty_log_creates_nothing_surprising() {
    let env = TestEnv::new();
    assert_eq!(
        env.run("bugs", &["list", "--json"]).expect(0).json(),
        serde_json::json!([])
    );
    assert!(
        env.run("bugs", &["list"])
            .expect(0)
            .stdout
            .contains("no matching bugs")
    );
    // The ledger, and the command latencies `pipeline metrics` reports.
    let files = files_under(&env.home());
    assert!(
        files
            .iter()
            .all(|f| f.starts_with("data/agov.db") || f == "data/latency.log"),
        "{files:?}"
    );
}

#[test]
fn kill_9_mid_write_leaves_no_partial_bug() {
    let env = TestEnv::new();
    log(&env, &["-m", "seed"]);
    // Writers that get SIGKILLed at random moments, over and over. Each runs in
    // its own process group, so only this test's processes are killed.
    let r = env.sh(
        "for round in $(seq 1 12); do pids=(); \
           for w in 1 2 3; do setsid bash -c 'while true; do \"$BUGS\" log -m \"w r\" --tag a --tag b >/dev/null 2>&1; \
             \"$BUGS\" update b1 --note x >/dev/null 2>&1; done' & pids+=($!); done; \
           sleep 0.$((RANDOM % 3 + 1)); for p in \"${pids[@]}\"; do kill -9 -- -$p 2>/dev/null; done; wait 2>/dev/null; \
         done; echo done",
    );
    assert!(r.stdout.contains("done"), "{r:?}");
    let verify = env.run("ledger", &["verify", "--json"]).expect(0).json();
    assert_eq!(verify["ok"], true);
    let db = rusqlite::Connection::open(env.data().join("agov.db")).unwrap();
    let count = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
    let bugs = count("SELECT count(*) FROM bugs");
    assert!(bugs > 1, "some writes landed");
    assert_eq!(
        bugs,
        count("SELECT count(*) FROM events WHERE action = 'bug.log'"),
        "every bug has its ledger event"
    );
    assert_eq!(
        count("SELECT count(*) FROM bug_tags WHERE num NOT IN (SELECT num FROM bugs)"),
        0,
        "no orphan tags"
    );
    assert_eq!(
        count(
            "SELECT count(*) FROM bugs b WHERE (SELECT count(*) FROM bug_tags t WHERE t.num = b.num) NOT IN (0, 2)"
        ),
        0
    );
    assert_eq!(
        count("SELECT count(*) FROM bugs_fts"),
        bugs,
        "the search index matches the table"
    );
    env.run("bugs", &["log", "-m", "still works"]).expect(0);
}
