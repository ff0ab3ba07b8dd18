//! The lifecycle engine with script agents, on the embedded backends.
//! (The same cases against Redis and OpenBao are in tests/cli/agents.rs.)

use std::path::Path;
use std::time::Duration;

use agov_agent::command::{CommandSpec, drive};
use agov_agent::{AgentError, Governor, Outcome, Run, records};
use agov_core::Tier;
use agov_governance::rules::TierRules;
use agov_governance::{Decision, Packet, Phase};
use agov_ledger::{Ledger, Query};
use agov_runtime::EmbeddedStore;
use agov_tokens::{EmbeddedAuthority, TokenAuthority};

struct Env {
    dir: tempfile::TempDir,
    store: EmbeddedStore,
    tokens: EmbeddedAuthority,
    rules: TierRules,
    ledger: Ledger,
}

fn env() -> Env {
    let dir = tempfile::tempdir().unwrap();
    Env {
        store: EmbeddedStore::open(&dir.path().join("runtime.db"), "agov:").unwrap(),
        tokens: EmbeddedAuthority::open(&dir.path().join("tokens.db")).unwrap(),
        rules: TierRules::built_in(),
        ledger: Ledger::open(&dir.path().join("agov.db"), true).unwrap(),
        dir,
    }
}

fn governor(e: &Env) -> Governor<'_> {
    Governor {
        store: &e.store,
        tokens: &e.tokens,
        rules: &e.rules,
        tenant: "acme".into(),
        actor: "user:test".into(),
        lock_ttl: Duration::from_secs(2),
        renew_every: None,
        retention: agov_runtime::RETENTION,
        max_tier: Tier::Architect,
    }
}

fn packet(agent: &str, extra: &str) -> Packet {
    Packet::parse(
        "packet",
        &format!(r#"{{"agent_id":"{agent}","task_id":"t1","objective":"test"{extra}}}"#),
    )
    .unwrap()
}

/// A bash agent that prints `lines` (one protocol message each).
fn script(dir: &Path, name: &str, body: &str) -> CommandSpec {
    let path = dir.join(name);
    std::fs::write(&path, format!("set -e\n{body}\n")).unwrap();
    CommandSpec {
        argv: vec!["bash".into(), path.display().to_string()],
        packet_path: dir.join("packet.json"),
        dir: None,
        home: dir.join("home"),
        // Confinement is tested through the `pipeline` binary (tests/cli/containment.rs).
        confined: None,
        extra_env: Vec::new(),
        stop: None,
    }
}

const GOOD: &str = r#"
for p in PREFLIGHT PLAN EXECUTE; do echo "{\"type\":\"phase\",\"phase\":\"$p\"}"; done
echo '{"type":"action","id":"a1","action":"cmd:git status"}'
read -r answer; echo "$answer" | grep -q '"decision":"allow"'
echo '{"type":"artifact","name":"report.md"}'
for p in VERIFY PACKAGE REPORT; do echo "{\"type\":\"phase\",\"phase\":\"$p\"}"; done
"#;

fn actions(ledger: &Ledger, prefix: &str) -> Vec<String> {
    ledger
        .query(&Query {
            action: Some(format!("{prefix}*")),
            ..Query::default()
        })
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

#[test]
fn a_well_behaved_agent_completes_and_is_promoted_after_the_threshold() {
    let e = env();
    let spec = script(e.dir.path(), "good.sh", GOOD);
    let mut accessor = String::new();
    for i in 0..3 {
        let gov = governor(&e);
        let mut ledger = Ledger::open(&e.dir.path().join("agov.db"), false).unwrap();
        let mut run = Run::bootstrap(
            &gov,
            &mut ledger,
            packet("alpha", r#","deliverables":["report.md"]"#),
            None,
        )
        .unwrap();
        assert_eq!(run.tier, Tier::Observer);
        accessor = run.token().unwrap().accessor.clone();
        drive(&mut run, &spec, &mut |_| {}, None).unwrap();
        let expect_promotion = if i == 2 { Some(Tier::Operator) } else { None };
        assert_eq!(
            run.outcome(),
            Some(&Outcome::Completed {
                promoted: expect_promotion
            }),
            "run {i}"
        );
    }
    assert!(
        e.tokens.lookup_accessor(&accessor).is_err(),
        "EXIT revokes the token"
    );
    let m = records::metrics(&e.ledger, "acme", "alpha", &e.rules.promotion)
        .unwrap()
        .unwrap();
    assert_eq!((m.tier, m.runs, m.streak), (Tier::Operator, 3, 0));
    let log = actions(&e.ledger, "agent.");
    assert_eq!(log.iter().filter(|a| *a == "agent.phase").count(), 3 * 6);
    assert!(log.contains(&"agent.promote".to_string()));
    assert_eq!(log.iter().filter(|a| *a == "agent.action").count(), 3);
    // The lock is free again: a new run starts.
    let gov = governor(&e);
    let mut ledger = Ledger::open(&e.dir.path().join("agov.db"), false).unwrap();
    let run = Run::bootstrap(&gov, &mut ledger, packet("alpha", ""), Some(Tier::Operator)).unwrap();
    assert_eq!(run.tier, Tier::Operator);
}

#[test]
fn skipping_plan_revokes_on_the_first_violation_with_a_handoff_naming_the_phase() {
    let e = env();
    let spec = script(
        e.dir.path(),
        "skip.sh",
        r#"echo '{"type":"phase","phase":"PREFLIGHT"}'; echo '{"type":"step","name":"looked around"}'; echo '{"type":"phase","phase":"EXECUTE"}'; sleep 30"#,
    );
    let gov = governor(&e);
    let mut ledger = Ledger::open(&e.dir.path().join("agov.db"), false).unwrap();
    let mut run = Run::bootstrap(&gov, &mut ledger, packet("beta", ""), None).unwrap();
    let accessor = run.token().unwrap().accessor.clone();
    let started = std::time::Instant::now();
    drive(&mut run, &spec, &mut |_| {}, None).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the agent is killed, not waited for"
    );
    let Some(Outcome::Revoked {
        reason, handoff, ..
    }) = run.outcome()
    else {
        panic!("{:?}", run.outcome())
    };
    assert!(
        reason.contains("PREFLIGHT → EXECUTE skips PLAN"),
        "{reason}"
    );
    assert_eq!(handoff.last_known_state.phase, Phase::Preflight);
    assert_eq!(
        handoff.last_known_state.step.as_deref(),
        Some("looked around")
    );
    assert!(handoff.revoked);
    assert_eq!(
        handoff.revocation_reason.as_ref().unwrap().kind,
        "procedure"
    );
    drop(run);
    assert!(e.tokens.lookup_accessor(&accessor).is_err());
    let again = Run::bootstrap(&gov, &mut ledger, packet("beta", ""), None).err();
    assert!(
        matches!(again, Some(AgentError::OnRevocationList { .. })),
        "{again:?}"
    );
    let h = records::latest_handoff(&ledger, "acme", "t1")
        .unwrap()
        .unwrap();
    assert_eq!(h["last_known_state"]["phase"], "PREFLIGHT");
    assert_eq!(h["revoked"], true);
    let v = records::violations(&ledger, "acme", "beta", 10).unwrap();
    assert_eq!(v[0]["kind"], "procedure");
}

#[test]
fn the_third_same_error_revokes_and_the_token_no_longer_looks_up() {
    let e = env();
    let spec = script(
        e.dir.path(),
        "errors.sh",
        r#"echo '{"type":"phase","phase":"PREFLIGHT"}'
for i in 1 2 3 4; do echo '{"type":"error","key":"db-timeout","message":"database timed out"}'; done
echo 'this is not json'
sleep 30"#,
    );
    let gov = governor(&e);
    let mut ledger = Ledger::open(&e.dir.path().join("agov.db"), false).unwrap();
    let mut run = Run::bootstrap(&gov, &mut ledger, packet("gamma", ""), None).unwrap();
    let accessor = run.token().unwrap().accessor.clone();
    drive(&mut run, &spec, &mut |_| {}, None).unwrap();
    let Some(Outcome::Revoked { reason, .. }) = run.outcome() else {
        panic!("{:?}", run.outcome())
    };
    assert!(reason.contains("db-timeout"), "{reason}");
    assert_eq!(run.budget().total_errors, 3);
    drop(run);
    assert!(e.tokens.lookup_accessor(&accessor).is_err());
    assert_eq!(actions(&e.ledger, "agent.error").len(), 3);
}

#[test]
fn a_t0_agent_asking_for_a_t1_action_is_denied_and_ledgered_and_forbidden_actions_revoke() {
    let e = env();
    let gov = governor(&e);
    let mut ledger = Ledger::open(&e.dir.path().join("agov.db"), false).unwrap();
    let mut run = Run::bootstrap(
        &gov,
        &mut ledger,
        packet("delta", r#","constraints":{"forbidden":["cmd:git push*"]}"#),
        None,
    )
    .unwrap();
    run.enter(Phase::Preflight).unwrap();
    assert!(
        matches!(run.request("write:sandbox/x").unwrap(), Decision::Deny { reason } if reason.contains("needs tier 1"))
    );
    assert_eq!(run.outcome(), None, "a tier denial is not a revocation");
    assert_eq!(run.request("cmd:git log").unwrap(), Decision::Allow);
    assert!(matches!(
        run.request("cmd:git push origin main").unwrap(),
        Decision::Deny { .. }
    ));
    assert!(
        matches!(run.outcome(), Some(Outcome::Revoked { reason, .. }) if reason.contains("git push"))
    );
    drop(run);
    let denied = e
        .ledger
        .query(&Query {
            action: Some("agent.action".into()),
            ..Query::default()
        })
        .unwrap();
    assert_eq!(denied[0].detail["decision"], "deny");
    assert_eq!(denied[0].detail["action"], "write:sandbox/x");
    let v = records::violations(&e.ledger, "acme", "delta", 10).unwrap();
    assert_eq!(
        (v[0]["kind"].as_str(), v[0]["severity"].as_str()),
        (Some("forbidden_action"), Some("critical"))
    );
}

#[test]
fn two_runs_of_one_agent_cannot_both_hold_its_lock_and_a_lost_run_frees_it_on_expiry() {
    let e = env();
    let gov = governor(&e);
    let mut l1 = Ledger::open(&e.dir.path().join("agov.db"), false).unwrap();
    let mut l2 = Ledger::open(&e.dir.path().join("agov.db"), false).unwrap();
    let run = Run::bootstrap(&gov, &mut l1, packet("eps", ""), None).unwrap();
    let second = Run::bootstrap(&gov, &mut l2, packet("eps", ""), None);
    assert!(
        matches!(second, Err(AgentError::LockHeld { ref holder, .. }) if *holder == run.run_id),
        "{:?}",
        second.err()
    );
    // A run that vanishes without cleaning up (kill -9): its lock expires.
    std::mem::forget(run);
    std::thread::sleep(Duration::from_millis(2200));
    let mut l3 = Ledger::open(&e.dir.path().join("agov.db"), false).unwrap();
    assert!(Run::bootstrap(&gov, &mut l3, packet("eps", ""), None).is_ok());
}

#[test]
fn an_agent_cannot_run_above_its_earned_tier_and_exiting_early_fails_the_run() {
    let e = env();
    let gov = governor(&e);
    let mut ledger = Ledger::open(&e.dir.path().join("agov.db"), false).unwrap();
    let r = Run::bootstrap(&gov, &mut ledger, packet("zeta", r#","tier":2"#), None).err();
    assert!(
        matches!(
            r,
            Some(AgentError::TierTooHigh {
                earned: 0,
                asked: 2,
                ..
            })
        ),
        "{r:?}"
    );
    let spec = script(
        e.dir.path(),
        "quit.sh",
        r#"echo '{"type":"phase","phase":"PREFLIGHT"}'; exit 3"#,
    );
    let mut run = Run::bootstrap(
        &gov,
        &mut ledger,
        packet("zeta", r#","deliverables":["x"]"#),
        None,
    )
    .unwrap();
    drive(&mut run, &spec, &mut |_| {}, None).unwrap();
    let Some(Outcome::Failed { reason, handoff }) = run.outcome() else {
        panic!("{:?}", run.outcome())
    };
    assert!(reason.contains("during PREFLIGHT"), "{reason}");
    assert!(
        handoff
            .required_next_actions
            .iter()
            .any(|a| a.contains("produce x")),
        "{handoff:?}"
    );
    drop(run);
    assert!(
        Run::bootstrap(&gov, &mut ledger, packet("zeta", ""), None).is_ok(),
        "a failure is not a revocation"
    );
}

#[test]
fn a_running_agents_token_is_renewed_and_a_failed_renewal_stops_it() {
    let e = env();
    let mut gov = governor(&e);
    gov.renew_every = Some(Duration::ZERO);
    let mut ledger = Ledger::open(&e.dir.path().join("agov.db"), false).unwrap();
    let mut run = Run::bootstrap(&gov, &mut ledger, packet("eta", ""), None).unwrap();
    run.enter(Phase::Preflight).unwrap();
    run.heartbeat(Some("working")).unwrap();
    run.heartbeat(None).unwrap();
    assert_eq!(run.outcome(), None);
    // The token dies behind the governor's back: the next renewal fails closed.
    let token = run.token().unwrap().token.clone();
    e.tokens.revoke(&token).unwrap();
    run.heartbeat(None).unwrap();
    assert!(
        matches!(run.outcome(), Some(Outcome::Failed { reason, .. }) if reason.contains("could not be renewed")),
        "{:?}",
        run.outcome()
    );
    drop(run);
    assert_eq!(actions(&e.ledger, "agent.token_renew").len(), 2);
}

#[test]
fn escalation_rules_do_what_they_say_once_each_and_every_outcome_is_ledgered() {
    let e = env();
    let gov = governor(&e);
    let mut ledger = Ledger::open(&e.dir.path().join("agov.db"), false).unwrap();
    let rules = r#","error_budget":{"max_total_errors":4,"max_same_error_repeats":3},
        "escalation_rules":[
            {"when":"blocked","then":"handoff"},
            "when half the error budget is spent, notify the operator",
            {"when":"same_error","then":"request_tier"},
            "be kind to the reviewers"]"#;
    let mut run = Run::bootstrap(&gov, &mut ledger, packet("epsilon", rules), None).unwrap();
    run.enter(Phase::Preflight).unwrap();
    // Refused twice: the handoff rule fires once, and the agent runs on.
    for _ in 0..2 {
        assert!(matches!(
            run.request("write:sandbox/x").unwrap(),
            Decision::Deny { .. }
        ));
    }
    assert_eq!(run.outcome(), None);
    run.error("slow", "the API was slow").unwrap();
    assert_eq!(run.outcome(), None);
    run.error("slow", "the API was slow again").unwrap();
    run.error("slow", "and again").unwrap();
    assert_eq!(run.outcome(), None, "3 of 4 errors, 2 repeats of 3");
    // A request for a higher tier raises nothing by itself.
    assert_eq!(run.tier, Tier::Observer);
    drop(run);
    let fired: Vec<(String, String)> = e
        .ledger
        .query(&Query {
            action: Some("agent.escalation".into()),
            ..Query::default()
        })
        .unwrap()
        .into_iter()
        .map(|ev| {
            (
                ev.detail["when"].as_str().unwrap().to_string(),
                ev.detail["then"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut fired_sorted = fired.clone();
    fired_sorted.sort();
    assert_eq!(
        fired_sorted,
        [
            ("budget_half_spent".to_string(), "notify".to_string()),
            ("denied".to_string(), "handoff".to_string()),
            ("same_error".to_string(), "request_tier".to_string()),
        ],
        "{fired:?}"
    );
    // The handoff rule left one while the agent ran on.
    let events = e
        .ledger
        .query(&Query {
            action: Some("agent.escalation".into()),
            ..Query::default()
        })
        .unwrap();
    let with_handoff = events
        .iter()
        .find(|ev| ev.detail["then"] == "handoff")
        .unwrap();
    assert_eq!(with_handoff.detail["handoff"]["revoked"], false);
    assert_eq!(
        with_handoff.detail["handoff"]["revocation_reason"]["type"],
        "escalation"
    );
    let tier_request = events
        .iter()
        .find(|ev| ev.detail["then"] == "request_tier")
        .unwrap();
    assert_eq!(tier_request.detail["requested_tier"], 1);
    // The rule in words that names nothing the governor knows is reported.
    let boot = e
        .ledger
        .query(&Query {
            action: Some("agent.bootstrap".into()),
            ..Query::default()
        })
        .unwrap();
    assert_eq!(
        boot[0].detail["escalation_rules_unread"],
        serde_json::json!(["be kind to the reviewers"])
    );
}
