//! The `llm` driver against a local OpenAI-compatible server, on the
//! embedded backends.

use std::time::Duration;

use agov_agent::{Governor, Outcome, Run, llm};
use agov_core::Secret;
use agov_governance::Packet;
use agov_governance::rules::TierRules;
use agov_ledger::{Ledger, Query};
use agov_llm::{ChatClient, LlmSettings};
use agov_runtime::EmbeddedStore;
use agov_testkit::llm::{FakeLlm, Reply};
use agov_tokens::EmbeddedAuthority;

const KEY: &str = "sk-or-very-secret";

fn client(fake: &FakeLlm) -> ChatClient {
    let mut s = LlmSettings::new(Secret::new(KEY));
    s.base_url = fake.base_url();
    s.model = "test/model".into();
    s.retries = 0;
    s.timeout = Duration::from_secs(5);
    ChatClient::new(s).unwrap()
}

fn run_llm(fake: &FakeLlm, extra: &str) -> (tempfile::TempDir, Option<Outcome>) {
    let dir = tempfile::tempdir().unwrap();
    let store = EmbeddedStore::open(&dir.path().join("runtime.db"), "agov:").unwrap();
    let tokens = EmbeddedAuthority::open(&dir.path().join("tokens.db")).unwrap();
    let rules = TierRules::built_in();
    let gov = Governor {
        store: &store,
        tokens: &tokens,
        rules: &rules,
        tenant: "acme".into(),
        actor: "user:test".into(),
        lock_ttl: Duration::from_secs(5),
        renew_every: None,
        retention: agov_runtime::RETENTION,
        max_tier: agov_core::Tier::Architect,
    };
    let mut ledger = Ledger::open(&dir.path().join("agov.db"), true).unwrap();
    let packet = Packet::parse(
        "p",
        &format!(
            r#"{{"agent_id":"writer","task_id":"doc","objective":"write the runbook"{extra}}}"#
        ),
    )
    .unwrap();
    let mut run = Run::bootstrap(&gov, &mut ledger, packet, None).unwrap();
    llm::drive(
        &mut run,
        &client(fake),
        &dir.path().join("work"),
        &mut |_| {},
        None,
    )
    .unwrap();
    let outcome = run.outcome().cloned();
    drop(run);
    (dir, outcome)
}

#[test]
fn a_model_that_answers_completes_every_phase_and_writes_its_deliverables() {
    let fake = FakeLlm::start();
    let (dir, outcome) = run_llm(&fake, r#","deliverables":["runbook.md","checklist.md"]"#);
    assert_eq!(outcome, Some(Outcome::Completed { promoted: None }));
    let runbook = std::fs::read_to_string(dir.path().join("work/runbook.md")).unwrap();
    assert!(
        runbook.starts_with("ok: EXECUTE: write the deliverable"),
        "{runbook}"
    );
    assert!(dir.path().join("work/report.md").exists());
    // preflight, plan, two deliverables, verify, package, report
    assert_eq!(fake.seen().len(), 7);
    let ledger = Ledger::open(&dir.path().join("agov.db"), false).unwrap();
    let calls = ledger
        .query(&Query {
            action: Some("agent.call".into()),
            ..Query::default()
        })
        .unwrap();
    assert_eq!(calls.len(), 7);
    assert_eq!(calls[0].detail["model"], "test/model");
    assert_eq!(calls[0].detail["tokens"], 15);
    let mut all = String::new();
    ledger
        .for_each(&Query::default(), |e| {
            all.push_str(&serde_json::to_string(&e).unwrap());
            true
        })
        .unwrap();
    assert!(!all.contains(KEY), "the API key reached the ledger");
}

#[test]
fn an_endpoint_that_keeps_failing_spends_the_budget_and_revokes() {
    let fake = FakeLlm::start();
    fake.push((0..10).map(|_| Reply::status(503)));
    let (_dir, outcome) = run_llm(&fake, "");
    match outcome {
        Some(Outcome::Revoked {
            reason, handoff, ..
        }) => {
            assert!(reason.contains("llm-unavailable"), "{reason}");
            assert!(!reason.contains(KEY));
            assert_eq!(handoff.last_known_state.phase.as_str(), "EXECUTE");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        fake.seen().len(),
        3,
        "revoked at the third identical failure"
    );
}

#[test]
fn a_failed_self_check_counts_as_an_error_within_the_budget() {
    let fake = FakeLlm::start();
    fake.push([
        Reply::content("restated"),
        Reply::content("1. write"),
        Reply::content("# runbook"),
        Reply::content("FAIL: the rollback section is missing"),
    ]);
    let (dir, outcome) = run_llm(&fake, "");
    assert_eq!(outcome, Some(Outcome::Completed { promoted: None }));
    let ledger = Ledger::open(&dir.path().join("agov.db"), false).unwrap();
    let errors = ledger
        .query(&Query {
            action: Some("agent.error".into()),
            ..Query::default()
        })
        .unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].detail["key"], "verify-failed");
    let run = ledger
        .query(&Query {
            action: Some("agent.run".into()),
            ..Query::default()
        })
        .unwrap();
    assert_eq!(
        run[0].detail["compliant"], true,
        "errors within budget are not violations"
    );
}
