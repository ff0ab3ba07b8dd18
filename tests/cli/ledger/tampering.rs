//! Tamper evidence: verify names the first altered event, seals catch
//! truncation and rewrites, and an offline copy verifies whole.

use std::os::unix::fs::PermissionsExt;

use super::note;
use crate::common::TestEnv;

fn tamper(db: &std::path::Path, sql: &str) {
    let c = rusqlite::Connection::open(db).unwrap();
    c.execute_batch(&format!(
        "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; {sql}"
    ))
    .unwrap();
}

#[test]
fn verify_names_the_first_altered_event_and_exits_1() {
    let env = TestEnv::new();
    for i in 0..10 {
        note(&env, &format!("n{i}"));
    }
    tamper(
        &env.data().join("agov.db"),
        "UPDATE events SET actor = 'user:mallory' WHERE seq = 6",
    );
    let r = env.run("ledger", &["verify"]).expect(1);
    assert!(r.stderr.contains("event #6"), "{}", r.stderr);
    assert!(
        r.stdout.contains("FAILED after 5 good events"),
        "{}",
        r.stdout
    );
    let j = env.run("ledger", &["verify", "--json"]).expect(1).json();
    assert_eq!(j["problem"]["seq"], 6);
}

#[test]
fn seals_catch_truncation_and_refuse_to_go_backwards() {
    let env = TestEnv::new();
    for i in 0..5 {
        note(&env, &format!("n{i}"));
    }
    let sealed = env.run("ledger", &["seal", "--json"]).expect(0).json();
    assert_eq!(sealed["seal"]["seq"], 5);
    assert!(sealed["stored_in"].as_str().unwrap().starts_with("file "));
    env.run("ledger", &["verify"]).expect(0);
    tamper(
        &env.data().join("agov.db"),
        "DELETE FROM events WHERE seq >= 4",
    );
    let r = env.run("ledger", &["verify"]).expect(1);
    assert!(r.stderr.contains("sealed at #5"), "{}", r.stderr);
    assert!(
        !r.stderr.contains("ledger show")
            && r.stderr.contains("event #4 is no longer in the ledger"),
        "no hint to show an event that is gone: {}",
        r.stderr
    );
    let r = env.run("ledger", &["seal"]).expect(1);
    assert!(r.stderr.contains("events were removed"), "{}", r.stderr);

    // Offline verification of a copy, with the seals given explicitly.
    let copy = env.dir.path().join("copy.db");
    env.run(
        "ledger",
        &["export", "--format", "sqlite", "-o", copy.to_str().unwrap()],
    )
    .expect(0);
    env.run("ledger", &["verify", "--db", copy.to_str().unwrap()])
        .expect(0);
    let seals = env.data().join("ledger.seals");
    env.run(
        "ledger",
        &[
            "verify",
            "--db",
            copy.to_str().unwrap(),
            "--seals",
            seals.to_str().unwrap(),
        ],
    )
    .expect(1);
}

/// Rewrites the chain from event `from` on, consistently (deletes the rest,
/// puts the append-only triggers back and appends `texts` with `ledger
/// note`): what someone who can write the file could do.
pub fn rewrite_from(env: &TestEnv, from: u64, texts: &[&str]) {
    let db = env.data().join("agov.db");
    let c = rusqlite::Connection::open(&db).unwrap();
    let triggers: Vec<String> = c
        .prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    drop(c);
    tamper(&db, &format!("DELETE FROM events WHERE seq >= {from}"));
    let c = rusqlite::Connection::open(&db).unwrap();
    for t in &triggers {
        c.execute_batch(t).unwrap();
    }
    drop(c);
    for t in texts {
        env.run("ledger", &["note", "-m", t]).expect(0);
    }
}

#[test]
fn a_rewritten_chain_is_not_laundered_by_sealing_it() {
    let env = TestEnv::new();
    for i in 0..5 {
        note(&env, &format!("n{i}"));
    }
    env.run("ledger", &["seal"]).expect(0);
    rewrite_from(&env, 3, &["forged 3", "forged 4", "forged 5", "forged 6"]);
    let r = env.run("ledger", &["verify"]).expect(1);
    assert!(
        r.stderr.contains("`ledger show 5` shows that event"),
        "an event still there is shown: {}",
        r.stderr
    );

    // The hourly cron job runs `ledger seal`: it refuses, naming the event.
    let r = env.run("ledger", &["seal"]).expect(1);
    assert!(
        r.stderr.contains("refusing to seal")
            && r.stderr.contains("event #5")
            && r.stderr.contains("hint:"),
        "{}",
        r.stderr
    );
    let seals = env.data().join("ledger.seals");
    assert_eq!(std::fs::read_to_string(&seals).unwrap().lines().count(), 1);
    let v = env.run("ledger", &["verify", "--json"]).expect(1).json();
    assert_eq!(v["problem"]["seq"], 5);

    // A second seal of #5 with the forged hash, appended by hand (as older
    // versions did), does not replace the first: verify still fails.
    let forged_hash = env.run("ledger", &["show", "5", "--json"]).expect(0).json()["hash"].clone();
    let mut laundered: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(&seals).unwrap().trim()).unwrap();
    laundered["hash"] = forged_hash;
    let mut text = std::fs::read_to_string(&seals).unwrap();
    text.push_str(&format!("{laundered}\n"));
    std::fs::write(&seals, text).unwrap();
    let v = env.run("ledger", &["verify", "--json"]).expect(1).json();
    assert_eq!(v["problem"]["seq"], 5);
    env.run("ledger", &["seal"]).expect(1);
}

#[test]
fn a_chain_replaced_from_its_first_event_fails_against_the_seal_file() {
    let env = TestEnv::new();
    for i in 0..3 {
        note(&env, &format!("n{i}"));
    }
    env.run("ledger", &["seal"]).expect(0);
    for f in ["agov.db", "agov.db-wal", "agov.db-shm"] {
        let _ = std::fs::remove_file(env.data().join(f));
    }
    for i in 0..4 {
        note(&env, &format!("forged {i}"));
    }
    let r = env.run("ledger", &["verify"]).expect(1);
    assert!(
        r.stderr.contains("event #1") && r.stderr.contains("replaced from its first event"),
        "{}",
        r.stderr
    );
    env.run("ledger", &["seal"]).expect(1);
}

#[test]
fn sealing_without_new_events_is_a_no_op_and_an_empty_ledger_has_nothing_to_seal() {
    let env = TestEnv::new();
    let r = env.run("ledger", &["seal"]).expect(0);
    assert!(
        r.stderr
            .contains("note: the ledger is empty: there is nothing to seal"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    let j = env.run("ledger", &["seal", "--json"]).expect(0).json();
    assert_eq!(
        (j["sealed"].as_bool(), j["seal"].is_null()),
        (Some(false), true)
    );
    assert!(j["note"].as_str().unwrap().contains("empty"), "{j}");
    assert!(!env.data().join("ledger.seals").exists());

    for i in 0..2 {
        note(&env, &format!("n{i}"));
    }
    let first = env.run("ledger", &["seal", "--json"]).expect(0).json();
    assert_eq!(
        (first["sealed"].as_bool(), first["seal"]["seq"].as_u64()),
        (Some(true), Some(2))
    );
    assert!(first["note"].is_null());
    let again = env.run("ledger", &["seal"]).expect(0);
    assert!(
        again
            .stderr
            .contains("no new events since the last seal: #2 is already sealed"),
        "{}",
        again.stderr
    );
    let j = env.run("ledger", &["seal", "--json"]).expect(0).json();
    assert_eq!(j["sealed"], false);
    assert_eq!(j["seal"], first["seal"], "the seal already taken");
    let seals = env.data().join("ledger.seals");
    assert_eq!(std::fs::read_to_string(&seals).unwrap().lines().count(), 1);
    note(&env, "n2");
    let next = env.run("ledger", &["seal", "--json"]).expect(0).json();
    assert_eq!(
        (next["sealed"].as_bool(), next["seal"]["seq"].as_u64()),
        (Some(true), Some(3))
    );
    assert_eq!(std::fs::read_to_string(&seals).unwrap().lines().count(), 2);
}

#[test]
fn verify_warns_without_triggers_or_seals_and_strict_fails() {
    let env = TestEnv::new();
    note(&env, "x");
    let r = env.run("ledger", &["verify"]).expect(0);
    assert!(
        r.stderr.contains("warning: the ledger has no seal"),
        "{}",
        r.stderr
    );
    let r = env.run("ledger", &["verify", "--strict"]).expect(1);
    assert!(
        r.stderr.contains("--strict") && r.stderr.contains("hint:"),
        "{}",
        r.stderr
    );
    let j = env
        .run("ledger", &["verify", "--strict", "--json"])
        .expect(1)
        .json();
    assert_eq!(
        (j["ok"].as_bool(), j["problem"].is_null()),
        (Some(false), true)
    );
    assert_eq!(j["warnings"].as_array().unwrap().len(), 1);

    env.run("ledger", &["seal"]).expect(0);
    let r = env.run("ledger", &["verify", "--strict"]).expect(0);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);

    tamper(&env.data().join("agov.db"), "");
    let r = env.run("ledger", &["verify"]).expect(0);
    assert!(
        r.stderr.contains("warning: the append-only triggers"),
        "{}",
        r.stderr
    );
    let j = env
        .run("ledger", &["verify", "--strict", "--json"])
        .expect(1)
        .json();
    assert!(
        j["warnings"][0].as_str().unwrap().contains("triggers"),
        "{j}"
    );
}

#[test]
fn a_copy_for_offline_verification_holds_every_event_and_catches_tampering() {
    let env = TestEnv::new();
    for i in 0..7 {
        note(&env, &format!("n{i}"));
    }
    let copy = env.dir.path().join("copy.db");
    let out = env
        .run(
            "ledger",
            &[
                "export",
                "--format",
                "sqlite",
                "-o",
                copy.to_str().unwrap(),
                "--json",
            ],
        )
        .expect(0)
        .json();
    assert_eq!(out["events"], 7, "{out}");
    let mode = std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    // The copy is one file: no write-ahead log beside it is needed.
    assert!(!env.dir.path().join("copy.db-wal").exists());
    let v = env
        .run(
            "ledger",
            &["verify", "--db", copy.to_str().unwrap(), "--json"],
        )
        .expect(0)
        .json();
    assert_eq!(v["events"], 7, "{v}");
    tamper(
        &copy,
        "UPDATE events SET actor = 'user:mallory' WHERE seq = 3",
    );
    env.run("ledger", &["verify", "--db", copy.to_str().unwrap()])
        .expect(1);
    // The live ledger is untouched by all this.
    env.run("ledger", &["verify"]).expect(0);

    // Bad requests leave nothing behind.
    let r = env
        .run("ledger", &["export", "--format", "sqlite"])
        .expect(64);
    assert!(r.stderr.contains("--output"), "{}", r.stderr);
    let other = env.dir.path().join("other.db");
    env.run(
        "ledger",
        &[
            "export",
            "--format",
            "sqlite",
            "-o",
            other.to_str().unwrap(),
            "--since",
            "2h",
        ],
    )
    .expect(64);
    assert!(!other.exists());
    let r = env
        .run(
            "ledger",
            &[
                "export",
                "--format",
                "sqlite",
                "-o",
                "/nonexistent-dir/copy.db",
            ],
        )
        .expect(1);
    assert!(
        r.stderr.contains("/nonexistent-dir/copy.db"),
        "{}",
        r.stderr
    );
}
