//! `pipeline plan rm`: removes a stored plan (ledgered).

use agov_cli::{CliError, Ctx};
use agov_pipeline::plans::Plans;

use crate::backends;

/// Remove a stored plan (by id, pl3, or by name: the newest stored with it); pipelines already spawned keep their copy
#[derive(Debug, clap::Args)]
pub(in super::super) struct Args {
    /// The plan's id (pl3) or name
    #[arg(value_name = "PLAN")]
    plan: String,
}

pub(in super::super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let settings = ctx.settings()?;
    let Some(mut ledger) = backends::existing_ledger(&settings)? else {
        return Err(agov_pipeline::PipelineError::PlanNotFound(args.plan).into());
    };
    let removed = Plans::new(
        &mut ledger,
        settings.tenant.value.clone(),
        backends::actor(),
    )
    .remove(&args.plan)?;
    let value = Removed {
        removed: removed.id.clone(),
        name: removed.name.clone(),
    };
    ctx.out.record(&value, |out| {
        out.line(&format!("removed {} ({})", removed.id, removed.name))
    })
}

/// `pipeline plan rm --json`: `schema/json/plan-rm.schema.json`.
#[derive(serde::Serialize, schemars::JsonSchema)]
#[schemars(title = "Plan removed", description = "`pipeline plan rm --json`.")]
pub(crate) struct Removed {
    /// The id of the plan removed.
    removed: String,
    /// Its name.
    name: String,
}
