//! Checkpoints against a real SQLite file.

use agov_checkpoint::{
    CheckpointId, Checkpoints, DirBrief, Git, Snapshot, StatusPart, Workdir, diff, since,
};
use agov_ledger::{Ledger, NewEvent};

fn ledger() -> (tempfile::TempDir, Ledger) {
    let dir = tempfile::tempdir().unwrap();
    let l = Ledger::open(&dir.path().join("agov.db"), true).unwrap();
    (dir, l)
}

fn snap(active: u64, head: &str, phase: &str) -> Snapshot {
    let mut s = Snapshot::default();
    s.bugs.active = active;
    s.bugs.open_by_severity.insert("high".into(), active);
    s.workdir = Some(Workdir {
        path: "/w".into(),
        git: Some(Git {
            branch: "main".into(),
            head: head.into(),
            changed_files: 0,
        }),
    });
    s.status = Some(StatusPart {
        root: "/w".into(),
        dirs: vec![DirBrief {
            path: "api".into(),
            phase: Some(phase.into()),
            state: "ok".into(),
            tasks_done: 0,
            tasks_total: 0,
        }],
    });
    s
}

#[test]
fn create_read_back_and_summarise_what_happened_since() {
    let (_d, mut l) = ledger();
    l.append(&NewEvent::new("t", "u", "ledger.note").with("text", "before"))
        .unwrap();
    let c1 = Checkpoints::new(&mut l, "t", "user:ana")
        .create("parser done", &snap(3, "aaa", "in_progress"))
        .unwrap();
    assert_eq!(c1.summary.id, "c1");
    assert_eq!(c1.summary.head_seq, 2, "its own checkpoint.create event");
    assert_eq!(c1.snapshot.bugs.active, 3);

    l.append(
        &NewEvent::new("t", "u", "bug.log")
            .subject("b9")
            .with("title", "new lock bug"),
    )
    .unwrap();
    l.append(
        &NewEvent::new("t", "u", "bug.update")
            .subject("b2")
            .with("from", "open")
            .with("to", "resolved"),
    )
    .unwrap();
    let mut rev = NewEvent::new("t", "governor", "agent.revoked").with("reason", "budget spent");
    rev.agent = Some("alpha".into());
    l.append(&rev).unwrap();
    l.append(
        &NewEvent::new("other-tenant", "u", "bug.log")
            .subject("b1")
            .with("title", "not ours"),
    )
    .unwrap();
    for i in 0..7 {
        l.append(&NewEvent::new("t", "u", "ledger.note").with("text", format!("note {i}")))
            .unwrap();
    }
    let s = since(&l, "t", c1.summary.head_seq, 5).unwrap();
    assert_eq!(s.events, 10);
    assert_eq!(s.new_bugs[0].summary, "b9 logged: new lock bug");
    assert_eq!(s.bug_changes[0].summary, "b2 open → resolved");
    assert_eq!(
        s.revocations[0].summary,
        "agent.revoked alpha: budget spent"
    );
    assert_eq!(s.notes.len(), 5);
    assert_eq!(s.notes[4].summary, "note 6", "the newest are kept");
    assert!(s.truncated);

    let mut cps = Checkpoints::new(&mut l, "t", "user:ana");
    let c2 = cps.create("later", &snap(1, "bbb", "complete")).unwrap();
    assert_eq!(cps.latest().unwrap().unwrap().summary.id, "c2");
    let d = diff(&c1, &c2);
    assert_eq!(d.bugs_active, (3, 1));
    assert_eq!(d.open_by_severity["high"], (3, 1));
    assert_eq!(d.git_head, Some((Some("aaa".into()), Some("bbb".into()))));
    assert_eq!(
        d.status["api"],
        (Some("in_progress".into()), Some("complete".into()))
    );
    assert_eq!(d.ledger_events, c2.summary.head_seq - c1.summary.head_seq);
    assert!(
        Checkpoints::new(&mut l, "other-tenant", "x")
            .get(CheckpointId(1))
            .is_err(),
        "tenants are apart"
    );
}

#[test]
fn prune_keeps_the_newest_and_the_ledger_verifies() {
    let (_d, mut l) = ledger();
    let mut cps = Checkpoints::new(&mut l, "t", "u");
    for i in 0..10 {
        cps.create(&format!("n{i}"), &Snapshot::default()).unwrap();
    }
    assert!(cps.prune(None, None).is_err());
    assert_eq!(cps.prune(Some(3), None).unwrap(), 7);
    let left: Vec<String> = cps
        .list(None, 100)
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(left, vec!["c10", "c9", "c8"]);
    assert_eq!(
        cps.prune(Some(3), None).unwrap(),
        0,
        "nothing more to prune"
    );
    let future = agov_core::time::now_us() + 1_000_000;
    assert_eq!(cps.prune(None, Some(future)).unwrap(), 3);
    assert!(cps.latest().unwrap().is_none());
    let r = l.verify(&[], |_, _| {}).unwrap();
    assert!(r.ok);
    assert_eq!(r.events, 12, "10 creates, 2 prunes");
}

#[test]
fn ten_thousand_checkpoints_still_load_the_latest_quickly() {
    let (_d, mut l) = ledger();
    {
        let conn = l.connection();
        let tx = agov_sqlite::write_tx(conn).unwrap();
        for i in 0..10_000 {
            tx.execute(
                "INSERT INTO checkpoints (tenant, created_us, actor, notes, head_seq, snapshot) VALUES ('t', ?1, 'u', '', 0, '{}')",
                [i],
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }
    let cps = Checkpoints::new(&mut l, "t", "u");
    let latest = cps.latest().unwrap().unwrap();
    assert_eq!(latest.summary.id, "c10000");
    assert_eq!(cps.list(None, 5).unwrap().len(), 5);
}

#[test]
fn ids_parse() {
    assert_eq!("c12".parse::<CheckpointId>().unwrap(), CheckpointId(12));
    assert_eq!("12".parse::<CheckpointId>().unwrap(), CheckpointId(12));
    assert!("b12".parse::<CheckpointId>().is_err());
    assert!("c0".parse::<CheckpointId>().is_err());
}
