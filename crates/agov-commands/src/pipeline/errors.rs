//! `pipeline errors`: what went wrong, agent by agent, from the ledger.

use std::collections::BTreeMap;

use agov_cli::{CliError, Ctx, Tabular};
use agov_ledger::Query;
use serde::Serialize;

use crate::backends;

/// Summarise errors, violations, revocations and failed runs across agents (from the ledger)
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Since when: a duration ago (24h), RFC 3339 or a date
    #[arg(long, default_value = "24h", value_name = "TIME")]
    since: String,
}

/// One agent's line of `pipeline errors --json`
/// (`schema/json/agent-errors.schema.json`).
#[derive(Default, Serialize, schemars::JsonSchema)]
pub(crate) struct AgentErrors {
    /// The agent.
    agent: String,
    /// Errors it reported or was charged with.
    errors: u64,
    /// [error key, count] pairs, most frequent first, at most 5.
    top_errors: Vec<(String, u64)>,
    /// Procedure violations.
    violations: u64,
    /// Times it was revoked.
    revocations: u64,
    /// Runs that failed.
    failed_runs: u64,
    /// RFC 3339 time of the newest of these events.
    last: String,
    /// What the newest of these events said.
    last_detail: String,
    #[serde(skip)]
    by_key: BTreeMap<String, u64>,
}

impl Tabular for AgentErrors {
    fn headers() -> &'static [&'static str] {
        &[
            "agent",
            "errors",
            "top error",
            "violations",
            "revoked",
            "failed",
            "last",
        ]
    }

    fn row(&self) -> Vec<String> {
        vec![
            self.agent.clone(),
            self.errors.to_string(),
            self.top_errors
                .first()
                .map(|(k, n)| format!("{k} ×{n}"))
                .unwrap_or_default(),
            self.violations.to_string(),
            self.revocations.to_string(),
            self.failed_runs.to_string(),
            format!(
                "{} {}",
                self.last.get(..19).unwrap_or(&self.last),
                self.last_detail
            ),
        ]
    }
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let since = crate::args::time_arg("--since", Some(&args.since))?;
    let settings = ctx.settings()?;
    let Some(ledger) = backends::ledger_for_read(ctx, &settings)? else {
        return ctx.out.list::<AgentErrors>(&[], "nothing recorded yet");
    };
    let q = Query {
        tenant: Some(settings.tenant.value.clone()),
        action: Some("agent.*".into()),
        since_us: since,
        ..Query::default()
    };
    let mut by_agent: BTreeMap<String, AgentErrors> = BTreeMap::new();
    ledger.for_each(&q, |e| {
        let kind = match e.action.as_str() {
            "agent.error" | "agent.violation" | "agent.revoke" | "agent.fail" => e.action.clone(),
            _ => return true,
        };
        let agent = e.agent.clone().unwrap_or_else(|| "?".into());
        let a = by_agent
            .entry(agent.clone())
            .or_insert_with(|| AgentErrors {
                agent,
                ..AgentErrors::default()
            });
        let text = |k: &str| e.detail[k].as_str().unwrap_or_default().to_string();
        let detail = match kind.as_str() {
            "agent.error" => {
                a.errors += 1;
                *a.by_key.entry(text("key")).or_default() += 1;
                text("message")
            }
            "agent.violation" => {
                a.violations += 1;
                text("detail")
            }
            "agent.revoke" => {
                a.revocations += 1;
                format!("revoked: {}", text("reason"))
            }
            _ => {
                a.failed_runs += 1;
                format!("failed: {}", text("reason"))
            }
        };
        a.last = e.ts.clone();
        a.last_detail = detail.chars().take(100).collect();
        true
    })?;
    let mut rows: Vec<AgentErrors> = by_agent.into_values().collect();
    for r in &mut rows {
        let mut keys: Vec<(String, u64)> = std::mem::take(&mut r.by_key).into_iter().collect();
        keys.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        keys.truncate(5);
        r.top_errors = keys;
    }
    rows.sort_by(|a, b| {
        (b.revocations + b.failed_runs, b.errors + b.violations)
            .cmp(&(a.revocations + a.failed_runs, a.errors + a.violations))
    });
    ctx.out
        .list(&rows, &format!("no agent errors since {}", args.since))
}
