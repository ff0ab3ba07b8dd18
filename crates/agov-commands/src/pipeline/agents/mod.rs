//! `pipeline agents`: agents' trust state, and approvals of their T3/T4 actions.

pub(crate) mod approve;
mod demote;
mod list;
mod promote;
mod reinstate;
pub(crate) mod revoke;
pub(crate) mod show;

use agov_cli::{CliError, Ctx};

/// The `agents` subcommands.
#[derive(Debug, clap::Subcommand)]
pub(super) enum Command {
    List(list::Args),
    Show(show::Args),
    Promote(promote::Args),
    Demote(demote::Args),
    Revoke(revoke::Args),
    Reinstate(reinstate::Args),
    Approve(approve::Args),
}

pub(super) fn run(c: Command, ctx: &mut Ctx) -> Result<(), CliError> {
    match c {
        Command::List(a) => list::run(a, ctx),
        Command::Show(a) => show::run(a, ctx),
        Command::Promote(a) => promote::run(a, ctx),
        Command::Demote(a) => demote::run(a, ctx),
        Command::Revoke(a) => revoke::run(a, ctx),
        Command::Reinstate(a) => reinstate::run(a, ctx),
        Command::Approve(a) => approve::run(a, ctx),
    }
}

/// Checks an agent id argument.
fn agent_arg(s: &str) -> Result<String, String> {
    if agov_governance::packet::valid_id(s) {
        Ok(s.to_string())
    } else {
        Err(format!(
            "`{s}` is not an agent id (letters, digits, -, _ or ., up to 64)"
        ))
    }
}
