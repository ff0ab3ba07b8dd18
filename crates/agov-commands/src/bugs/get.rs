//! `bugs get`: one bug in full.

use agov_cli::{CliError, Ctx};

use super::{bug_id, render, with_bugs};

/// Show one bug in full
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The bug, e.g. b42
    id: String,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let id = bug_id(&args.id)?;
    let bug = with_bugs(ctx, None, |bugs| Ok(bugs.get(id)?))?;
    ctx.out.record(&bug, |out| render::detail(out, &bug))
}
