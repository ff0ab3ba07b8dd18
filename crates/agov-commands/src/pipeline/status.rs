//! `pipeline status`: where one pipeline stands.

use agov_cli::{CliError, Ctx};
use agov_runtime::keys::Keyspace;

use super::{Backends, view};

/// Show a pipeline: its status, agents, GAMMA, votes and who drives it
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The pipeline
    id: String,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let b = Backends::open(ctx)?;
    let keys = Keyspace::new(&b.settings.tenant.value);
    let st = agov_pipeline::state::load(b.store.as_ref(), &keys, &args.id)?;
    let holder = b.store.lock_owner(&keys.pipeline(&args.id, "lease"))?;
    if ctx.json() {
        ctx.out.json(&view::summary(&st, holder.as_deref()))
    } else {
        for l in view::describe(&st, holder.as_deref()) {
            ctx.out.line(&l)?;
        }
        Ok(())
    }
}
