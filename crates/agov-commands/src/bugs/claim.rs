//! `bugs claim`: take a bug for an agent, atomically.

use agov_cli::{CliError, Ctx};

use super::{bug_id, render, with_bugs};

/// Take a bug for an agent; if someone else holds it, exit 3 naming the holder
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The bug, e.g. b42
    id: String,

    /// Who takes it
    #[arg(long, value_name = "NAME")]
    agent: String,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let id = bug_id(&args.id)?;
    let agent = args.agent.clone();
    let bug = with_bugs(ctx, Some(args.agent), |bugs| Ok(bugs.claim(id, &agent)?))?;
    ctx.out.record(&bug, |out| render::changed(out, &bug))
}
