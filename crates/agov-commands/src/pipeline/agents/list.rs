//! `pipeline agents list`: every agent's tier and record.

use agov_agent::records::{self, Metrics};
use agov_cli::{CliError, Ctx, Tabular};
use serde::Serialize;

use super::super::Backends;

/// List agents: tier, runs, compliant streak, revocations
#[derive(Debug, clap::Args)]
pub(in super::super) struct Args {}

#[derive(Serialize)]
#[serde(transparent)]
struct Row(Metrics);

impl Tabular for Row {
    fn headers() -> &'static [&'static str] {
        &[
            "agent",
            "tier",
            "runs",
            "streak",
            "revocations",
            "last",
            "last run",
        ]
    }

    fn row(&self) -> Vec<String> {
        let m = &self.0;
        let streak = match m.streak_needed {
            Some(n) if m.awaiting_approval => format!("{}/{n} (needs --approve)", m.streak),
            Some(n) => format!("{}/{n}", m.streak),
            None => m.streak.to_string(),
        };
        vec![
            m.agent_id.clone(),
            format!("{} {}", m.tier.number(), m.tier.role()),
            m.runs.to_string(),
            streak,
            m.revocations.to_string(),
            m.last_outcome.clone().unwrap_or_default(),
            m.last_run.clone().unwrap_or_default(),
        ]
    }
}

pub(in super::super) fn run(_args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let b = Backends::open(ctx)?;
    let rows: Vec<Row> = records::list(&b.ledger, &b.settings.tenant.value, &b.rules.promotion)?
        .into_iter()
        .map(Row)
        .collect();
    ctx.out.list(
        &rows,
        "no agent has run yet: `pipeline agent run --packet FILE -- CMD` starts one",
    )
}
