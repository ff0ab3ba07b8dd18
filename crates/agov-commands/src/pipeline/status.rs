//! `pipeline status`: where one pipeline stands.

use agov_cli::{CliError, Ctx};
use agov_runtime::keys::Keyspace;

use super::{Backends, view};

/// Show a pipeline: its status, agents, GAMMA, votes, deliverables and who drives it
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The pipeline
    id: String,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let b = Backends::open(ctx)?;
    let keys = Keyspace::new(&b.settings.tenant.value);
    let st = agov_pipeline::state::load(b.store.as_ref(), &keys, &args.id)?;
    let driver = agov_pipeline::driver::driver(b.store.as_ref(), &keys, &args.id)?;
    let runs = super::runs_dir(&b.settings);
    if ctx.json() {
        ctx.out.json(&view::summary(&st, Some(&driver), &runs))
    } else {
        for l in view::describe(&st, Some(&driver), &runs) {
            ctx.out.line(&l)?;
        }
        Ok(())
    }
}
