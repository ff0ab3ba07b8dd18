//! `pipeline agents show`: one agent's trust state and what it is doing.

use agov_agent::records;
use agov_cli::{CliError, Ctx};
use agov_runtime::Ttl;
use agov_runtime::keys::Keyspace;
use serde::Serialize;
use serde_json::{Map, Value};

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
fn explain(state: &Map<String, Value>, lock_held: bool, heartbeat_age_s: Option<i64>) -> String {
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

/// One agent, in full (`pipeline agents show ID --json`).
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(
    title = "One agent, in full",
    description = "`pipeline agents show ID --json`."
)]
pub(crate) struct Shown {
    /// Its trust state.
    agent: records::Metrics,
    /// The runtime store's agent:{id}:state fields (phase, status, run_id,
    /// task, tier, updated_us, errors, budget_remaining, token_expires_us,
    /// token_accessor, pid, …), as strings.
    #[schemars(with = "std::collections::BTreeMap<String, String>")]
    state: Map<String, Value>,
    /// Its execution lock.
    lock: Lock,
    /// Seconds since its last heartbeat.
    heartbeat_age_s: Option<i64>,
    /// Its revocation-list entry: reason, at, …
    #[schemars(with = "Option<Map<String, Value>>")]
    revoked: Option<Value>,
    /// What the state means, in words (e.g. a run that died in EXECUTE).
    explanation: String,
    /// The newest five.
    #[schemars(with = "Vec<Map<String, Value>>")]
    violations: Vec<Value>,
}

/// An agent's execution lock.
#[derive(Serialize, schemars::JsonSchema)]
struct Lock {
    /// The run holding the execution lock.
    held_by: Option<String>,
    /// When it expires, in seconds.
    expires_in_s: Option<u64>,
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
    let state: Map<String, Value> = b
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
    let shown = Shown {
        agent: metrics.clone(),
        state: state.clone(),
        lock: Lock {
            held_by: lock_owner,
            expires_in_s: lock_ttl,
        },
        heartbeat_age_s,
        revoked: revoked.clone(),
        explanation: explanation.clone(),
        violations: records::violations(&b.ledger, &tenant, &args.agent, 5)?,
    };
    // Through a `Value`: its keys in order, as before.
    let doc = serde_json::to_value(&shown).unwrap_or_default();
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
