//! `checkpoint show`: one checkpoint in full.

use agov_cli::{CliError, Ctx};

use super::{checkpoint_id, render, with_checkpoints};

/// Show one checkpoint in full
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The checkpoint, e.g. c12
    id: String,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let id = checkpoint_id(&args.id)?;
    let cp = with_checkpoints(ctx, |cps| Ok(cps.get(id)?))?;
    ctx.out.record(&cp, |out| {
        render::header(out, &cp.summary)?;
        render::snapshot(out, &cp.snapshot)
    })
}
