//! The bug log against a real SQLite file.

use agov_bugs::{BugError, BugId, Bugs, Changes, ListQuery, NewBug, Severity, Sort, Status, scan};
use agov_ledger::{Ledger, NewEvent};

fn ledger() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agov.db");
    Ledger::open(&path, true).unwrap();
    (dir, path)
}

fn log(l: &mut Ledger, title: &str, severity: Severity) -> String {
    let mut new = NewBug::new(title);
    new.severity = severity;
    Bugs::new(l, "default", "user:test").log(&new).unwrap().0.id
}

fn id(s: &str) -> BugId {
    s.parse().unwrap()
}

#[test]
fn a_bug_round_trips_and_every_change_is_ledgered() {
    let (_d, path) = ledger();
    let mut l = Ledger::open(&path, false).unwrap();
    let mut new = NewBug::new("lock never released after crash");
    new.description = "seen twice on staging".into();
    new.severity = Severity::High;
    new.component = Some("runtime".into());
    new.tags = vec!["locks".into(), "crash".into(), "locks".into()];
    let mut bugs = Bugs::new(&mut l, "default", "user:ana");
    let (bug, created) = bugs.log(&new).unwrap();
    assert!(created);
    assert_eq!(bug.id, "b1");
    assert_eq!(bug.tags, vec!["crash", "locks"]);
    assert_eq!((bug.status, bug.severity), (Status::Open, Severity::High));

    let ch = Changes {
        status: Some(Status::InProgress),
        assignee: Some(Some("bob".into())),
        note: Some("on it".into()),
        ..Changes::default()
    };
    let b = bugs.update(id("b1"), &ch).unwrap();
    assert_eq!(
        (b.status, b.assignee.as_deref()),
        (Status::InProgress, Some("bob"))
    );
    bugs.update(
        id("b1"),
        &Changes {
            status: Some(Status::Resolved),
            ..Changes::default()
        },
    )
    .unwrap();

    let history = bugs.history(id("b1")).unwrap();
    assert_eq!(
        history
            .iter()
            .map(|e| e.action.as_str())
            .collect::<Vec<_>>(),
        vec!["bug.log", "bug.update", "bug.update"]
    );
    assert_eq!(history[1].detail["note"], "on it");
    assert_eq!(history[2].detail["to"], "resolved");
    drop(bugs);
    assert!(l.verify(&[], |_, _| {}).unwrap().ok);
}

#[test]
fn illegal_transitions_name_the_legal_ones() {
    use agov_core::Classify;
    let (_d, path) = ledger();
    let mut l = Ledger::open(&path, false).unwrap();
    log(&mut l, "x", Severity::Low);
    let mut bugs = Bugs::new(&mut l, "default", "user:test");
    let err = bugs
        .update(
            id("b1"),
            &Changes {
                status: Some(Status::Closed),
                ..Changes::default()
            },
        )
        .unwrap_err();
    assert!(matches!(
        err,
        BugError::IllegalTransition {
            from: Status::Open,
            to: Status::Closed,
            ..
        }
    ));
    assert_eq!(
        err.hint().unwrap(),
        "from open a bug can become: in_progress, resolved, wontfix"
    );
    assert!(matches!(
        bugs.update(id("b1"), &Changes::default()),
        Err(BugError::BadInput(_))
    ));
    assert!(matches!(bugs.get(id("b9")), Err(BugError::NotFound(_))));
    let events_before = bugs.ledger().count().unwrap();
    let _ = bugs.update(
        id("b1"),
        &Changes {
            status: Some(Status::Closed),
            ..Changes::default()
        },
    );
    assert_eq!(
        bugs.ledger().count().unwrap(),
        events_before,
        "a refused change writes nothing"
    );
}

#[test]
fn exactly_one_of_many_racing_claimers_wins() {
    let (_d, path) = ledger();
    log(
        &mut Ledger::open(&path, false).unwrap(),
        "contended",
        Severity::Critical,
    );
    let results: Vec<Result<String, String>> = (0..16)
        .map(|i| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut l = Ledger::open(&path, false).unwrap();
                let mut bugs = Bugs::new(&mut l, "default", format!("agent-{i}"));
                match bugs.claim(id("b1"), &format!("agent-{i}")) {
                    Ok(b) => Ok(b.assignee.unwrap()),
                    Err(BugError::Claimed { holder, .. }) => Err(holder),
                    Err(e) => panic!("unexpected {e}"),
                }
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    let winners: Vec<&String> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    assert!(
        results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .all(|holder| holder == winners[0])
    );
    let mut l = Ledger::open(&path, false).unwrap();
    let mut bugs = Bugs::new(&mut l, "default", "x");
    assert_eq!(
        bugs.claim(id("b1"), winners[0]).unwrap().status,
        Status::InProgress,
        "the holder may claim again"
    );
    bugs.update(
        id("b1"),
        &Changes {
            status: Some(Status::Wontfix),
            ..Changes::default()
        },
    )
    .unwrap();
    assert!(matches!(
        bugs.claim(id("b1"), "late"),
        Err(BugError::NotClaimable { .. })
    ));
}

#[test]
fn sixteen_writers_lose_nothing() {
    let (_d, path) = ledger();
    let threads: Vec<_> = (0..16)
        .map(|t| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut l = Ledger::open(&path, false).unwrap();
                for i in 0..20 {
                    let mut bugs = Bugs::new(&mut l, "default", format!("w{t}"));
                    let (b, _) = bugs.log(&NewBug::new(format!("bug {t}-{i}"))).unwrap();
                    bugs.update(
                        id(&b.id),
                        &Changes {
                            severity: Some(Severity::High),
                            ..Changes::default()
                        },
                    )
                    .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let mut l = Ledger::open(&path, false).unwrap();
    assert_eq!(
        Bugs::new(&mut l, "default", "x").counts().unwrap().total,
        320
    );
    let v = l.verify(&[], |_, _| {}).unwrap();
    assert!(v.ok);
    assert_eq!(v.events, 640);
}

#[test]
fn lists_filter_and_sort() {
    let (_d, path) = ledger();
    let mut l = Ledger::open(&path, false).unwrap();
    log(&mut l, "low one", Severity::Low);
    log(&mut l, "critical one", Severity::Critical);
    log(&mut l, "high one", Severity::High);
    let mut bugs = Bugs::new(&mut l, "default", "x");
    bugs.update(
        id("b3"),
        &Changes {
            status: Some(Status::Resolved),
            ..Changes::default()
        },
    )
    .unwrap();
    let ids = |v: Vec<agov_bugs::Bug>| v.into_iter().map(|b| b.id).collect::<Vec<_>>();
    assert_eq!(
        ids(bugs.list(&ListQuery::default()).unwrap()),
        vec!["b2", "b3", "b1"]
    );
    assert_eq!(
        ids(bugs
            .list(&ListQuery {
                sort: Sort::Created,
                ..ListQuery::default()
            })
            .unwrap()),
        vec!["b3", "b2", "b1"]
    );
    assert_eq!(
        ids(bugs
            .list(&ListQuery {
                statuses: vec![Status::Open],
                ..ListQuery::default()
            })
            .unwrap()),
        vec!["b2", "b1"]
    );
    assert_eq!(
        ids(bugs
            .list(&ListQuery {
                severities: vec![Severity::Low],
                ..ListQuery::default()
            })
            .unwrap()),
        vec!["b1"]
    );
    assert_eq!(
        ids(bugs
            .list(&ListQuery {
                limit: Some(1),
                ..ListQuery::default()
            })
            .unwrap()),
        vec!["b2"]
    );
    let c = bugs.counts().unwrap();
    assert_eq!(c.total, 3);
    assert_eq!(c.by_status["open"]["critical"], 1);
    assert_eq!(c.by_status["resolved"]["high"], 1);
    assert_eq!(c.by_status["closed"]["low"], 0);
}

#[test]
fn search_ranks_and_survives_hostile_queries() {
    let (_d, path) = ledger();
    let mut l = Ledger::open(&path, false).unwrap();
    log(
        &mut l,
        "vault token renewal fails after an hour",
        Severity::High,
    );
    log(&mut l, "typo in the dashboard", Severity::Low);
    let mut new = NewBug::new("renewal of leases");
    new.description = "the token renewal loop never runs renewal twice".into();
    Bugs::new(&mut l, "default", "x").log(&new).unwrap();
    let bugs = Bugs::new(&mut l, "default", "x");
    let hits = bugs.search("renewal", 10).unwrap();
    assert_eq!(hits.len(), 2);
    assert!(
        hits.iter().any(|h| h.snippet.contains("[renewal]")),
        "{hits:?}"
    );
    assert_eq!(bugs.search("renew*", 10).unwrap().len(), 2, "prefix search");
    assert!(bugs.search("dashboard", 10).unwrap()[0].bug.id == "b2");
    for hostile in [
        "'; DROP TABLE bugs; --",
        "\"unbalanced",
        "AND OR NOT",
        "NEAR(",
        "*",
    ] {
        bugs.search(hostile, 10).unwrap_or_default();
    }
    assert!(matches!(bugs.search("  ", 10), Err(BugError::BadInput(_))));
    assert_eq!(bugs.counts().unwrap().total, 3, "still there");
}

#[test]
fn tenants_cannot_see_or_touch_each_other_s_bugs() {
    use agov_core::Classify;
    let (_d, path) = ledger();
    let mut l = Ledger::open(&path, false).unwrap();
    let (b, _) = Bugs::new(&mut l, "alpha", "x")
        .log(&NewBug::new("alpha only"))
        .unwrap();
    let mut beta = Bugs::new(&mut l, "beta", "y");
    let err = beta.get(id(&b.id)).unwrap_err();
    assert_eq!(err.class(), agov_core::FailureClass::Denied);
    assert!(matches!(
        beta.claim(id(&b.id), "y"),
        Err(BugError::OtherTenant(_))
    ));
    assert!(beta.list(&ListQuery::default()).unwrap().is_empty());
    assert!(beta.search("alpha", 10).unwrap().is_empty());
}

#[test]
fn scan_finds_anomalies_and_apply_logs_each_once() {
    let (_d, path) = ledger();
    let mut l = Ledger::open(&path, false).unwrap();
    for _ in 0..7 {
        let mut e = NewEvent::new("default", "agent-7", "agent.error").with("error", "timeout");
        e.agent = Some("agent-7".into());
        l.append(&e).unwrap();
    }
    let mut rev =
        NewEvent::new("default", "governor", "agent.revoked").with("reason", "budget spent");
    rev.agent = Some("agent-9".into());
    l.append(&rev).unwrap();
    log(&mut l, "Flaky lock test", Severity::Low);
    log(&mut l, "flaky  LOCK test!", Severity::Low);
    let now = agov_core::time::now_us();
    let opts = scan::ScanOptions {
        since_us: now - 3_600_000_000,
        stuck_after_us: 86_400_000_000,
        now_us: now,
    };
    let mut bugs = Bugs::new(&mut l, "default", "scanner");
    bugs.claim(id("b1"), "old-agent").unwrap();
    let later = scan::ScanOptions {
        now_us: now + 5 * 86_400_000_000,
        ..opts
    };
    let mut found = scan::scan(&bugs, later).unwrap();
    let kinds: Vec<&str> = found.iter().map(|a| a.kind.as_str()).collect();
    assert_eq!(
        kinds,
        vec!["error_spike", "revocation", "stuck", "duplicate"],
        "{found:?}"
    );
    assert!(found[1].title.contains("agent-9") && found[1].title.contains("budget spent"));
    assert_eq!(scan::apply(&mut bugs, &mut found).unwrap(), 4);
    let mut again = scan::scan(&bugs, later).unwrap();
    assert_eq!(scan::apply(&mut bugs, &mut again).unwrap(), 0, "idempotent");
    assert_eq!(again[0].bug, found[0].bug);
    assert!(
        scan::scan(&bugs, opts)
            .unwrap()
            .iter()
            .all(|a| a.kind != "stuck"),
        "not stuck yet at the real time"
    );
}
