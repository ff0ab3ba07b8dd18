//! Phase 6 (Multi-agent orchestration): a synthetic pipeline of shell agents
//! reaches consensus, and three conflicts spawn GAMMA, which mediates; both
//! through the real orchestrator against the configured backends, in the
//! scratch tenant, cleaned up afterwards.

use std::time::Duration;

use agov_config::Settings;
use agov_core::Tier;
use agov_pipeline::sealed::SealKey;
use agov_pipeline::{Env, PipelineState, Plan, Status};

use super::Phase;
use super::agents::{cleanup, open};

/// Every phase, one post, one vote.
const AGENT: &str = r#"for p in PREFLIGHT PLAN EXECUTE VERIFY PACKAGE REPORT; do echo "{\"type\":\"phase\",\"phase\":\"$p\"}"; done
echo '{"type":"post","section":"solutions","content":"probe"}'
echo '{"type":"vote","vote":"ACCEPT","reasoning":"probe"}'"#;

/// Raises three conflicts, then accepts.
const QUARRELSOME: &str = r#"echo '{"type":"phase","phase":"PREFLIGHT"}'
for i in 1 2 3; do echo "{\"type\":\"conflict\",\"about\":\"probe $i\"}"; done
sleep 0.3
for p in PLAN EXECUTE VERIFY PACKAGE REPORT; do echo "{\"type\":\"phase\",\"phase\":\"$p\"}"; done
echo '{"type":"vote","vote":"ACCEPT","reasoning":"probe"}'"#;

/// Settles the three conflicts, then accepts.
const MEDIATOR: &str = r#"for p in PREFLIGHT PLAN EXECUTE; do echo "{\"type\":\"phase\",\"phase\":\"$p\"}"; done
for i in 1 2 3; do echo "{\"type\":\"resolve\",\"conflict\":\"alpha-$i\",\"note\":\"probe\"}"; done
for p in VERIFY PACKAGE REPORT; do echo "{\"type\":\"phase\",\"phase\":\"$p\"}"; done
echo '{"type":"vote","vote":"ACCEPT","reasoning":"probe"}'"#;

fn plan(name: &str, alpha: &str, gamma: Option<&str>) -> Plan {
    let agent = |script: &str| format!("{{command: [sh, -c, {}]}}", serde_json::json!(script));
    let mut text = format!(
        "name: {name}\nobjective: validate-phases probe\ntimeout: 60s\nagents:\n  alpha: {}\n  beta: {}\n",
        agent(alpha),
        agent(AGENT)
    );
    if let Some(g) = gamma {
        text.push_str(&format!("  gamma: {}\n", agent(g)));
    }
    Plan::parse("the probe plan", &text)
        .unwrap_or_else(|e| unreachable!("the probe plan is valid: {e}"))
}

/// Phase 6.
pub(super) fn check(settings: &Settings, scratch: &str, phase: &mut Phase) {
    let Some(mut b) = open(settings, phase) else {
        return;
    };
    let runs = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            phase.check("a scratch folder", Err(e.to_string()));
            return;
        }
    };
    let seal = match SealKey::load_or_create(&settings.data_dir.value.join("pipeline-token.key")) {
        Ok(k) => k,
        Err(e) => {
            phase.check("the pipeline token key", Err(e.to_string()));
            return;
        }
    };
    let containment = match crate::backends::containment(settings) {
        Ok(c) => c,
        Err(e) => {
            phase.check("the agents' sandbox", Err(e.message().to_string()));
            return;
        }
    };
    let mut run = |name: &str, alpha: &str, gamma: Option<&str>| -> Result<PipelineState, String> {
        let env = Env {
            store: b.store.as_ref(),
            tokens: b.tokens.as_ref(),
            rules: &b.rules,
            ledger_path: settings.ledger_path.value.clone(),
            tenant: scratch.to_string(),
            actor: "agov:validate-phases".into(),
            lock_ttl: Duration::from_secs(10),
            lease_ttl: Duration::from_secs(10),
            renew_every: agov_pipeline::orchestrator::TOKEN_RENEW_EVERY,
            retention: agov_runtime::RETENTION,
            seal: &seal,
            runs_dir: runs.path().to_path_buf(),
            llm: None,
            containment: &containment,
        };
        let st = agov_pipeline::create(
            &env,
            &mut b.ledger,
            plan(name, alpha, gamma),
            Tier::Observer,
            None,
            None,
            runs.path().to_path_buf(),
        )
        .map_err(|e| e.to_string())?;
        agov_pipeline::drive(&env, &st.id, &mut |_| {}).map_err(|e| e.to_string())
    };
    phase.check(
        "a synthetic pipeline reaches consensus",
        run("probe-consensus", AGENT, None).and_then(|st| match (st.status, &st.tally) {
            (Status::Completed, Some(t)) if t.accepts == 2 => Ok(()),
            (s, t) => Err(format!(
                "it ended {s} ({:?})",
                t.as_ref().map(|t| &t.reason)
            )),
        }),
    );
    phase.check(
        "three conflicts spawn GAMMA, which mediates",
        run("probe-conflict", QUARRELSOME, Some(MEDIATOR)).and_then(|st| {
            match (&st.gamma, st.status) {
                (Some(g), Status::Completed) if g.reason.contains("conflicts") => Ok(()),
                (g, s) => Err(format!("it ended {s}; GAMMA: {g:?}")),
            }
        }),
    );
    cleanup(&mut b, scratch, phase);
}
