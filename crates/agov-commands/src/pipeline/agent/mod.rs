//! `pipeline agent`: run one governed agent, or one governed command.

mod exec;
pub(crate) mod run;

use agov_cli::{CliError, Ctx};

/// The `agent` subcommands.
#[derive(Debug, clap::Subcommand)]
pub(super) enum Command {
    Run(run::Args),
    Exec(exec::Args),
}

pub(super) fn run(c: Command, ctx: &mut Ctx) -> Result<(), CliError> {
    match c {
        Command::Run(a) => run::run(a, ctx),
        Command::Exec(a) => exec::run(a, ctx),
    }
}
