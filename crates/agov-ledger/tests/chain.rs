//! The ledger against a real SQLite file: appends, tampering, seals, and
//! many writers at once.

use agov_ledger::{Ledger, NewEvent, Query, Seal, seal};
use rusqlite::Connection;

fn note(tenant: &str, text: &str) -> NewEvent {
    NewEvent::new(tenant, "user:test", "ledger.note").with("text", text)
}

fn ledger_with(n: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agov.db");
    let mut l = Ledger::open(&path, true).unwrap();
    for i in 0..n {
        l.append(&note(
            if i % 2 == 0 { "a" } else { "b" },
            &format!("note {i}"),
        ))
        .unwrap();
    }
    (dir, path)
}

/// Bypasses the append-only triggers the way an attacker with file access would.
fn tamper(path: &std::path::Path, sql: &str) {
    let c = Connection::open(path).unwrap();
    c.execute_batch(&format!(
        "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; {sql}"
    ))
    .unwrap();
}

#[test]
fn appended_events_verify_and_read_back() {
    let (_d, path) = ledger_with(10);
    let l = Ledger::open(&path, false).unwrap();
    let r = l.verify(&[], |_, _| {}).unwrap();
    assert!(r.ok, "{r:?}");
    assert_eq!((r.events, r.head_seq), (10, 10));
    let a = l
        .query(&Query {
            tenant: Some("a".into()),
            ..Query::default()
        })
        .unwrap();
    assert_eq!(a.len(), 5);
    assert_eq!(a[0].detail["text"], "note 0");
    let tail = l.tail(Some("b"), 2).unwrap();
    assert_eq!(tail.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![8, 10]);
    assert_eq!(l.get(3).unwrap().detail["text"], "note 2");
    assert!(l.get(99).is_err());
}

#[test]
fn triggers_refuse_update_and_delete() {
    let (_d, path) = ledger_with(3);
    let c = Connection::open(&path).unwrap();
    let e = c
        .execute("UPDATE events SET actor = 'x' WHERE seq = 2", [])
        .unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
    let e = c
        .execute("DELETE FROM events WHERE seq = 3", [])
        .unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
}

#[test]
fn an_altered_row_is_named() {
    let (_d, path) = ledger_with(20);
    tamper(
        &path,
        "UPDATE events SET detail = '{\"text\":\"forged\"}' WHERE seq = 7",
    );
    let r = Ledger::open(&path, false)
        .unwrap()
        .verify(&[], |_, _| {})
        .unwrap();
    assert!(!r.ok);
    assert_eq!(r.problem.unwrap().seq, 7);
    assert_eq!(r.events, 6);
}

#[test]
fn a_removed_row_is_named() {
    let (_d, path) = ledger_with(20);
    tamper(&path, "DELETE FROM events WHERE seq = 12");
    let r = Ledger::open(&path, false)
        .unwrap()
        .verify(&[], |_, _| {})
        .unwrap();
    let p = r.problem.unwrap();
    assert_eq!(p.seq, 12);
    assert!(p.reason.contains("missing"), "{}", p.reason);
}

#[test]
fn seals_catch_a_rewritten_chain_and_a_truncated_one() {
    let (dir, path) = ledger_with(10);
    let seals = dir.path().join("seals");
    let l = Ledger::open(&path, false).unwrap();
    let s = l.seal("user:test").unwrap().unwrap();
    seal::append_file(&seals, &s).unwrap();
    drop(l);

    // Rewrite the whole chain consistently: copy it, change row 4, recompute hashes.
    let forged_dir = tempfile::tempdir().unwrap();
    let forged = forged_dir.path().join("agov.db");
    let mut f = Ledger::open(&forged, true).unwrap();
    for e in Ledger::open(&path, false)
        .unwrap()
        .query(&Query::default())
        .unwrap()
    {
        let text = if e.seq == 4 {
            "rewritten".to_string()
        } else {
            e.detail["text"].as_str().unwrap().to_string()
        };
        f.append(&note(&e.tenant, &text)).unwrap();
    }
    let seal_list = seal::read_file(&seals).unwrap();
    let alone = f.verify(&[], |_, _| {}).unwrap();
    assert!(alone.ok, "a consistent rewrite passes without a seal");
    // Rebuilt from its first event, it is not the ledger that was sealed.
    let r = f.verify(&seal_list, |_, _| {}).unwrap();
    assert!(!r.ok);
    assert_eq!(r.problem.as_ref().unwrap().seq, 1);
    // A seal of an older version names no first event: the head still differs.
    let legacy: Vec<Seal> = seal_list
        .iter()
        .map(|s| Seal {
            genesis: None,
            ..s.clone()
        })
        .collect();
    let r = f.verify(&legacy, |_, _| {}).unwrap();
    assert_eq!(r.problem.as_ref().unwrap().seq, 10);
    assert!(r.problem.unwrap().reason.contains("rewritten"));

    // Truncation below the seal.
    let short_dir = tempfile::tempdir().unwrap();
    let short = short_dir.path().join("agov.db");
    let mut s = Ledger::open(&short, true).unwrap();
    for e in Ledger::open(&path, false)
        .unwrap()
        .query(&Query {
            limit: Some(8),
            ..Query::default()
        })
        .unwrap()
    {
        s.append(&note(&e.tenant, e.detail["text"].as_str().unwrap()))
            .unwrap();
    }
    let r = s.verify(&legacy, |_, _| {}).unwrap();
    assert!(r.problem.unwrap().reason.contains("sealed at #10"));
}

#[test]
fn concurrent_writers_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agov.db");
    Ledger::open(&path, true).unwrap();
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut l = Ledger::open(&path, true).unwrap();
                for i in 0..50 {
                    l.append(&note("a", &format!("{t}-{i}"))).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let r = Ledger::open(&path, false)
        .unwrap()
        .verify(&[], |_, _| {})
        .unwrap();
    assert!(r.ok, "{r:?}");
    assert_eq!(r.events, 400);
}

#[test]
fn action_prefix_and_time_filters() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agov.db");
    let mut l = Ledger::open(&path, true).unwrap();
    l.append(&NewEvent::new("a", "u", "bug.log")).unwrap();
    l.append(&NewEvent::new("a", "u", "bug.update")).unwrap();
    let mid = agov_core::time::now_us();
    l.append(&NewEvent::new("a", "u", "token.issue")).unwrap();
    let bugs = l
        .query(&Query {
            action: Some("bug.*".into()),
            ..Query::default()
        })
        .unwrap();
    assert_eq!(bugs.len(), 2);
    let late = l
        .query(&Query {
            since_us: Some(mid),
            ..Query::default()
        })
        .unwrap();
    assert_eq!(
        late.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        vec!["token.issue"]
    );
    let none = l
        .query(&Query {
            action: Some("bug".into()),
            ..Query::default()
        })
        .unwrap();
    assert!(none.is_empty());
}

/// Rewrites the chain from event `from` on, consistently, and keeps the
/// append-only triggers: what someone with the file could do.
fn rewrite_from(path: &std::path::Path, from: u64, texts: &[&str]) {
    let c = Connection::open(path).unwrap();
    let triggers: Vec<String> = c
        .prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    drop(c);
    tamper(path, &format!("DELETE FROM events WHERE seq >= {from}"));
    let c = Connection::open(path).unwrap();
    for t in &triggers {
        c.execute_batch(t).unwrap();
    }
    drop(c);
    let mut l = Ledger::open(path, false).unwrap();
    for t in texts {
        l.append(&note("a", t)).unwrap();
    }
}

#[test]
fn sealing_refuses_a_chain_that_does_not_verify() {
    use agov_ledger::{LedgerError, NextSeal};
    let (_d, path) = ledger_with(5);
    let l = Ledger::open(&path, false).unwrap();
    let NextSeal::New(first) = l.next_seal(&[], "user:test").unwrap() else {
        panic!("a fresh ledger gets a new seal")
    };
    assert_eq!(first.seq, 5);
    assert_eq!(first.genesis, l.genesis().unwrap());
    drop(l);

    rewrite_from(&path, 3, &["forged 3", "forged 4", "forged 5", "forged 6"]);
    let l = Ledger::open(&path, false).unwrap();
    assert!(
        l.verify(&[], |_, _| {}).unwrap().ok,
        "consistent without seals"
    );
    let seals = vec![first.clone()];
    match l.next_seal(&seals, "user:cron") {
        Err(LedgerError::Unverified(p)) => {
            assert_eq!(p.seq, 5);
            assert!(p.reason.contains("rewritten"), "{}", p.reason);
        }
        other => panic!("a rewritten chain was sealed: {other:?}"),
    }
    // A second, laundered seal of #5 beside the first does not hide it.
    let forged = l.seal("user:mallory").unwrap().unwrap();
    let laundered = Seal {
        seq: 5,
        hash: l.get(5).unwrap().hash,
        ..forged
    };
    let r = l.verify(&[first, laundered], |_, _| {}).unwrap();
    assert_eq!(r.problem.unwrap().seq, 5);
}

#[test]
fn sealing_a_sealed_head_or_an_empty_ledger_is_a_no_op() {
    use agov_ledger::NextSeal;
    let dir = tempfile::tempdir().unwrap();
    let mut l = Ledger::open(&dir.path().join("agov.db"), true).unwrap();
    assert_eq!(l.next_seal(&[], "u").unwrap(), NextSeal::Empty);
    l.append(&note("a", "one")).unwrap();
    let NextSeal::New(s) = l.next_seal(&[], "u").unwrap() else {
        panic!("one event, no seal: a new seal")
    };
    let seals = vec![s.clone()];
    assert_eq!(l.next_seal(&seals, "u").unwrap(), NextSeal::Unchanged(s));
    l.append(&note("a", "two")).unwrap();
    assert!(matches!(l.next_seal(&seals, "u").unwrap(), NextSeal::New(n) if n.seq == 2));
}

#[test]
fn a_seal_of_another_ledger_fails_at_the_first_event() {
    let (_d, path) = ledger_with(3);
    let (_e, other) = ledger_with(3);
    let theirs = Ledger::open(&other, false)
        .unwrap()
        .seal("u")
        .unwrap()
        .unwrap();
    let l = Ledger::open(&path, false).unwrap();
    assert_ne!(l.genesis().unwrap(), theirs.genesis);
    let r = l.verify(&[theirs], |_, _| {}).unwrap();
    let p = r.problem.unwrap();
    assert_eq!(p.seq, 1);
    assert!(
        p.reason.contains("replaced from its first event"),
        "{}",
        p.reason
    );
}

#[test]
fn verify_warns_without_triggers_or_seals() {
    let (_d, path) = ledger_with(2);
    let l = Ledger::open(&path, false).unwrap();
    let r = l.verify(&[], |_, _| {}).unwrap();
    assert!(r.ok);
    assert_eq!(r.warnings, vec![agov_ledger::NO_SEAL.to_string()]);
    let s = l.seal("u").unwrap().unwrap();
    assert!(
        l.verify(std::slice::from_ref(&s), |_, _| {})
            .unwrap()
            .warnings
            .is_empty()
    );
    drop(l);
    tamper(&path, "");
    let l = Ledger::open(&path, false).unwrap();
    assert!(!l.append_only().unwrap());
    let r = l.verify(&[s], |_, _| {}).unwrap();
    assert!(r.ok);
    assert_eq!(r.warnings, vec![agov_ledger::NO_TRIGGERS.to_string()]);
}

#[test]
fn token_accessors_are_stored_as_their_hmac_keyed_beside_the_database() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agov.db");
    let mut l = Ledger::open(&path, true).unwrap();
    l.append(&note("a", "no accessor: no key needed")).unwrap();
    let key_file = dir.path().join("ledger-hmac.key");
    assert!(!key_file.exists(), "the key is created on first use");
    let e = l
        .append(
            &NewEvent::new("a", "u", "token.issue")
                .with("accessor", "acc-123")
                .with("tier", 1),
        )
        .unwrap();
    let key = agov_ledger::HmacKey::load_or_create_file(&key_file).unwrap();
    assert_eq!(e.detail["accessor"], key.sign("acc-123"));
    assert_eq!(std::fs::metadata(&key_file).unwrap().mode() & 0o777, 0o600);
    let stored = l.get(2).unwrap();
    assert_eq!(stored.detail["accessor"], key.sign("acc-123"));
    assert!(
        !std::fs::read(&path)
            .unwrap()
            .windows(7)
            .any(|w| w == b"acc-123")
    );
    assert!(l.verify(&[], |_, _| {}).unwrap().ok);

    // Another key source (Vault, in agov's commands) replaces the file.
    let other = agov_ledger::HmacKey::generate();
    let k = other.clone();
    let mut l = Ledger::open(&path, false)
        .unwrap()
        .with_hmac_key(move || Ok(k));
    let e = l
        .append(&NewEvent::new("a", "u", "pipeline.revoke").with("token_accessor", "acc-123"))
        .unwrap();
    assert_eq!(e.detail["token_accessor"], other.sign("acc-123"));
}

#[test]
fn no_table_stands_empty_beside_the_ledger() {
    // The reference's tenants, projects and agent_actions: agov keeps their
    // content in configuration and in `agent.*` events, so the schema has
    // none of them (a database created before keeps none either).
    let (_dir, path) = ledger_with(1);
    let conn = Connection::open(&path).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for gone in ["tenants", "projects", "agent_actions"] {
        assert!(!tables.iter().any(|t| t == gone), "{gone} in {tables:?}");
    }
    assert!(tables.iter().any(|t| t == "events"), "{tables:?}");
}
