//! `pipeline agents show`: one agent's trust state and what it is doing.

use agov_agent::records;
use agov_cli::{CliError, Ctx};
use agov_runtime::Ttl;
use agov_runtime::keys::Keyspace;
use serde_json::{Value, json};

use super::super::Backends;
use super::agent_arg;

/// Show an agent: tier, record, current run (phase, lock, heartbeat, budget), violations
#[derive(Debug, clap::Args)]
pub(in super::super) struct Args {
    /// The agent's id
    #[arg(value_name = "AGENT", value_parser = agent_arg)]
    agent: String,
}

/// What the runtime state says, in words: a run that stopped heartbeating
/// and whose lock expired has died.
fn explain(
    state: &serde_json::Map<String, Value>,
    lock_held: bool,
    heartbeat_age_s: Option<i64>,
) -> String {
    let status = state.get("status").and_then(Value::as_str).unwrap_or("");
    let phase = state.get("phase").and_then(Value::as_str).unwrap_or("?");
    let run = state.get("run_id").and_then(Value::as_str).unwrap_or("?");
    match (status, lock_held) {
        ("", _) => "never ran".into(),
        ("running", true) => format!("running: run {run} in {phase}"),
        ("running", false) => format!(
            "run {run} stopped in {phase} without finishing (no heartbeat for {}; its lock has expired): the process died or was killed; the agent can be started again",
            heartbeat_age_s.map_or("a while".to_string(), |s| format!("{s} s"))
        ),
        (other, _) => format!("idle: run {run} ended {other} in {phase}"),
    }
}

pub(in super::super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let b = Backends::open(ctx)?;
    let tenant = b.settings.tenant.value.clone();
    let metrics = records::metrics(&b.ledger, &tenant, &args.agent, &b.rules.promotion)?;
    let Some(metrics) = metrics else {
        return Err(CliError::new(
            agov_core::FailureClass::NotFound,
            format!("no agent {} has run", args.agent),
        )
        .with_hint("`pipeline agents list` shows the agents"));
    };
    let keys = Keyspace::new(&tenant);
    let state: serde_json::Map<String, Value> = b
        .store
        .hgetall(&keys.agent(&args.agent, "state"))?
        .into_iter()
        .map(|(k, v)| (k, Value::String(String::from_utf8_lossy(&v).into_owned())))
        .collect();
    let lock_owner = b.store.lock_owner(&keys.agent(&args.agent, "lock"))?;
    let lock_ttl = match b.store.ttl(&keys.agent(&args.agent, "lock"))? {
        Ttl::Expires(d) => Some(d.as_secs()),
        _ => None,
    };
    let now = agov_core::time::now_us();
    let heartbeat_age_s = state
        .get("updated_us")
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<i64>().ok())
        .map(|t| (now - t) / 1_000_000);
    let revoked = b
        .store
        .hget(&keys.revocations(), &args.agent)?
        .and_then(|v| serde_json::from_slice::<Value>(&v).ok());
    let explanation = explain(&state, lock_owner.is_some(), heartbeat_age_s);
    let doc = json!({
        "agent": metrics,
        "state": state,
        "lock": { "held_by": lock_owner, "expires_in_s": lock_ttl },
        "heartbeat_age_s": heartbeat_age_s,
        "revoked": revoked,
        "explanation": explanation,
        "violations": records::violations(&b.ledger, &tenant, &args.agent, 5)?,
    });
    ctx.out.record(&doc, |out| {
        let m = &metrics;
        out.line(&format!(
            "{}  tier {} ({})",
            m.agent_id,
            m.tier.number(),
            m.tier.role()
        ))?;
        out.line(&format!(
            "runs {} ({} compliant), streak {}{}, revocations {}, errors {}",
            m.runs,
            m.compliant_runs,
            m.streak,
            m.streak_needed.map(|n| format!("/{n}")).unwrap_or_default(),
            m.revocations,
            m.errors
        ))?;
        out.line(&format!("now: {explanation}"))?;
        if let Some(r) = &revoked {
            out.line(&format!(
                "on the revocation list: {} (`pipeline agents reinstate {}` lifts it)",
                r["reason"].as_str().unwrap_or("?"),
                m.agent_id
            ))?;
        }
        if let Some(b) = state.get("budget_remaining").and_then(Value::as_str) {
            out.line(&format!("budget remaining: {b}"))?;
        }
        for v in doc["violations"].as_array().into_iter().flatten() {
            out.line(&format!(
                "violation {} [{}] {}: {}",
                v["created"].as_str().unwrap_or(""),
                v["severity"].as_str().unwrap_or(""),
                v["kind"].as_str().unwrap_or(""),
                v["detail"].as_str().unwrap_or("")
            ))?;
        }
        Ok(())
    })
}
