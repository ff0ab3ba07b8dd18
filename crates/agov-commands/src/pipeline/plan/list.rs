//! `pipeline plan list`: the stored plans.

use agov_cli::{CliError, Ctx, Tabular};
use agov_pipeline::plans::{Plans, StoredPlan};
use serde::Serialize;

use crate::backends;

/// List the stored plans (id, name, objective)
#[derive(Debug, clap::Args)]
pub(in super::super) struct Args {}

#[derive(Serialize)]
#[serde(transparent)]
struct Row(StoredPlan);

impl Tabular for Row {
    fn headers() -> &'static [&'static str] {
        &["id", "name", "added", "objective"]
    }

    fn row(&self) -> Vec<String> {
        let p = &self.0;
        vec![
            p.id.clone(),
            p.name.clone(),
            p.added.clone(),
            p.objective.lines().next().unwrap_or_default().to_string(),
        ]
    }
}

pub(in super::super) fn run(_args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let settings = ctx.settings()?;
    let rows: Vec<Row> = match backends::existing_ledger(&settings)? {
        None => Vec::new(),
        Some(mut ledger) => Plans::new(
            &mut ledger,
            settings.tenant.value.clone(),
            backends::actor(),
        )
        .list()?
        .into_iter()
        .map(Row)
        .collect(),
    };
    ctx.out
        .list(&rows, "no stored plan: `pipeline plan add FILE` stores one")
}
