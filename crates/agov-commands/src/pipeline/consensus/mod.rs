//! `pipeline consensus`: the votes of a pipeline, and the fallbacks after
//! a consensus failure.

pub(crate) mod fallback;
pub(crate) mod status;

use agov_cli::{CliError, Ctx};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub(super) enum Command {
    Status(status::Args),
    Fallback(fallback::Args),
}

pub(super) fn run(c: Command, ctx: &mut Ctx) -> Result<(), CliError> {
    match c {
        Command::Status(a) => status::run(a, ctx),
        Command::Fallback(a) => fallback::run(a, ctx),
    }
}
