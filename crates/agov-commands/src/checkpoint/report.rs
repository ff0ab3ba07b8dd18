//! `checkpoint report`: where things stand right now.

use agov_cli::{CliError, Ctx};

use super::{collect, render};

/// Where things stand right now: workdir, bugs, STATUS.md files, runtime, latest events
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Do not sweep the STATUS.md files under the current directory
    #[arg(long)]
    no_sweep: bool,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let (_settings, _ledger, snapshot) = collect::current(
        ctx,
        collect::Options {
            no_sweep: args.no_sweep,
        },
    )?;
    ctx.out.record(&snapshot, |out| {
        render::snapshot(out, &snapshot)?;
        if !snapshot.recent.is_empty() {
            out.line("latest events:")?;
            for item in &snapshot.recent {
                out.line(&format!("  #{} {}", item.seq, item.summary))?;
            }
        }
        Ok(())
    })
}
