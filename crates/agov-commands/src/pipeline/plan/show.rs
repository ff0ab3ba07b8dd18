//! `pipeline plan show`: one stored plan, as written.

use agov_cli::{CliError, Ctx};
use agov_pipeline::PipelineError;
use agov_pipeline::plans::Plans;

use crate::backends;

/// Show a stored plan as written (by id, pl3, or by name: the newest stored with it)
#[derive(Debug, clap::Args)]
pub(in super::super) struct Args {
    /// The plan's id (pl3) or name
    #[arg(value_name = "PLAN")]
    plan: String,
}

pub(in super::super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let settings = ctx.settings()?;
    let Some(mut ledger) = backends::existing_ledger(&settings)? else {
        return Err(PipelineError::PlanNotFound(args.plan).into());
    };
    let stored = Plans::new(
        &mut ledger,
        settings.tenant.value.clone(),
        backends::actor(),
    )
    .get(&args.plan)?;
    ctx.out.record(&stored, |out| {
        out.line(&format!(
            "# {} ({}), added by {} at {} from {}",
            stored.id, stored.name, stored.added_by, stored.added, stored.source
        ))?;
        out.line(stored.text.as_deref().unwrap_or_default().trim_end())
    })
}
