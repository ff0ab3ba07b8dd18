//! `checkpoint now`: take a checkpoint.

use agov_checkpoint::Checkpoints;
use agov_cli::{CliError, Ctx};

use super::{collect, render};
use crate::backends;

/// Take a checkpoint of the current state, with notes for whoever resumes
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// What you were doing and what comes next
    #[arg(long, short = 'n', value_name = "TEXT", default_value = "")]
    notes: String,

    /// Do not sweep the STATUS.md files under the current directory
    #[arg(long)]
    no_sweep: bool,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let (settings, mut ledger, snapshot) = collect::current(
        ctx,
        collect::Options {
            no_sweep: args.no_sweep,
        },
    )?;
    let cp = Checkpoints::new(
        &mut ledger,
        settings.tenant.value.clone(),
        backends::actor(),
    )
    .create(&args.notes, &snapshot)?;
    ctx.out.record(&cp, |out| {
        out.line(&format!(
            "{} taken (bugs: {})",
            cp.summary.id,
            render::bugs_line(&cp.snapshot)
        ))
    })
}
