//! `pipeline watch`: follow a pipeline from any shell until it settles.

use std::time::Duration;

use agov_cli::{CliError, Ctx};
use agov_runtime::keys::Keyspace;

use super::{Backends, metrics, view};

/// Follow a pipeline live until it settles (exit codes as for `spawn`)
///
/// Prints a line whenever its status or an agent's phase changes (JSON
/// Lines with --json).
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The pipeline
    id: String,

    /// How often to look
    #[arg(long, default_value = "500ms", value_name = "DURATION", value_parser = agov_core::time::parse_duration)]
    every: Duration,

    #[command(flatten)]
    metrics: metrics::FileArg,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let b = Backends::open(ctx)?;
    let keys = Keyspace::new(&b.settings.tenant.value);
    let _metrics = metrics::textfile(&b.settings, args.metrics.metrics_file.as_deref())?;
    let runs = super::runs_dir(&b.settings);
    let mut last: Vec<String> = Vec::new();
    loop {
        let st = agov_pipeline::state::load(b.store.as_ref(), &keys, &args.id)?;
        let now = view::describe(&st, None, &runs);
        if now != last {
            if ctx.json() {
                ctx.out.json_line(&view::summary(&st, None, &runs))?;
            } else {
                for l in now.iter().filter(|l| !last.contains(l)) {
                    ctx.out.line(l)?;
                }
            }
            ctx.out.flush()?;
            last = now;
        }
        if st.status.is_settled() {
            return view::outcome(&st);
        }
        std::thread::sleep(args.every);
    }
}
