//! `pipeline list`: pipelines, the active ones by default.

use std::collections::BTreeMap;

use agov_cli::{CliError, Ctx, Tabular};
use agov_pipeline::Status;
use agov_pipeline::state::SlotStatus;
use agov_runtime::keys::Keyspace;
use serde::Serialize;

use super::Backends;

/// List pipelines: the active ones, or all with --all
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Also the settled ones (completed, failed, no consensus)
    #[arg(long)]
    all: bool,
}

/// One pipeline of `pipeline list --json`.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct Row {
    /// Its id.
    id: String,
    /// Where it is.
    status: Status,
    /// Its plan's name.
    plan: String,
    /// Its tier.
    tier: u8,
    /// Its round.
    #[schemars(range(min = 1))]
    round: u32,
    /// When it was created.
    #[schemars(extend("format" = "date-time"))]
    created: String,
    /// Each agent's status, by role (or stage name).
    agents: BTreeMap<String, SlotStatus>,
}

impl Tabular for Row {
    fn headers() -> &'static [&'static str] {
        &["id", "status", "plan", "tier", "round", "created", "agents"]
    }

    fn row(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.status.as_str().to_string(),
            self.plan.clone(),
            self.tier.to_string(),
            self.round.to_string(),
            self.created.clone(),
            self.agents
                .iter()
                .map(|(r, s)| format!("{r}:{}", s.as_str()))
                .collect::<Vec<_>>()
                .join(" "),
        ]
    }
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let b = Backends::open(ctx)?;
    let keys = Keyspace::new(&b.settings.tenant.value);
    let rows: Vec<Row> = agov_pipeline::state::list(b.store.as_ref(), &keys)?
        .into_iter()
        .filter(|p| args.all || !p.status.is_settled() || p.status == Status::ConsensusFailed)
        .map(|p| Row {
            agents: p
                .agents
                .iter()
                .map(|(r, s)| (r.to_string(), s.status))
                .collect(),
            id: p.id,
            status: p.status,
            plan: p.plan.name,
            tier: p.tier,
            round: p.round,
            created: agov_core::time::format_us(p.created_us),
        })
        .collect();
    let empty = if args.all {
        "no pipelines yet: `pipeline spawn --plan examples/plans/quickstart.yaml` runs one"
    } else {
        "no active pipeline (`--all` shows the settled ones)"
    };
    ctx.out.list(&rows, empty)
}
