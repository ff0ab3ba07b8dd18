//! `pipeline continue`: take over a pipeline whose driver died (or that a
//! fallback left to run again) and drive it to its end.

use agov_cli::{CliError, Ctx};
use agov_runtime::keys::Keyspace;

use super::{Backends, metrics, spawn, view};

/// Drive a pipeline whose driver stopped; finished work is not repeated
///
/// Takes the pipeline's lease (it lapses AGOV_LEASE_TTL after its holder
/// died), stops the agents the dead driver left, runs the unfinished ones
/// again and counts the votes. Exit codes as for `spawn`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The pipeline
    id: String,

    /// Run in the background: return at once
    #[arg(long)]
    detach: bool,

    #[command(flatten)]
    metrics: metrics::FileArg,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let b = Backends::open(ctx)?;
    let keys = Keyspace::new(&b.settings.tenant.value);
    let st = agov_pipeline::state::load(b.store.as_ref(), &keys, &args.id)?;
    if args.detach {
        let log = spawn::detach(&b, &ctx.global, &args.id, &args.metrics)?;
        let hint = format!("continuing in the background (log {})", log.display());
        return spawn::detached(ctx, &st, &log, &hint);
    }
    let llm = spawn::llm_for(ctx, &b, &st.plan)?;
    let seal = b.seal_key()?;
    let containment = crate::backends::containment(&b.settings)?;
    let env = b.pipeline_env(&seal, llm, &containment);
    if !ctx.json() && !ctx.global.quiet && !st.status.is_settled() {
        agov_cli::stderr_line(&format!("pipeline {} is {}; taking over", st.id, st.status));
    }
    let _metrics = metrics::textfile(&b.settings, args.metrics.metrics_file.as_deref())?;
    let st = {
        let mut printer = view::progress_printer(ctx, &args.id);
        agov_pipeline::drive(&env, &args.id, &mut printer)?
    };
    view::finish(ctx, &st)
}
