//! `bugs`: the bug log: log, list, get, update, claim, search, history, status, scan.

mod claim;
mod get;
mod history;
mod list;
mod log;
mod render;
pub(crate) mod scan;
mod search;
mod status;
mod update;

use std::process::ExitCode;

use agov_bugs::{BugId, Bugs};
use agov_cli::{CliError, Ctx, GlobalArgs, HasGlobalArgs};
use agov_ledger::Ledger;
use clap::{Parser, Subcommand};

use crate::backends;

const EXAMPLES: &str = "\
Examples:
  bugs log -m \"lock never released after crash\" --severity high --component runtime --tag locks
  bugs list                              # active bugs, most severe first
  bugs list --status all --since 7d --json
  bugs claim b42 --agent alpha           # exactly one of many racing agents wins; the others exit 3
  bugs update b42 resolved --note \"fixed in 3f2a1c\"
  bugs search \"token renewal\"
  bugs scan --apply                      # log error spikes, revocations, stuck and duplicate bugs
  bugs get b42                           # one bug in full
  bugs history b42                       # every change to it, from the ledger
  bugs status                            # counts by status and severity

Every change is recorded in the audit ledger in the same transaction;
`bugs history b42` shows it. Statuses: open -> in_progress -> resolved -> closed, and wontfix.";

/// The bug log: what is broken, who is on it, and what happened to it.
#[derive(Debug, Parser)]
#[command(name = "bugs", version, after_long_help = EXAMPLES)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalArgs,

    #[command(subcommand)]
    command: Command,
}

impl HasGlobalArgs for Cli {
    fn global_args(&self) -> &GlobalArgs {
        &self.global
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    Log(log::Args),
    List(list::Args),
    Get(get::Args),
    Update(update::Args),
    Claim(claim::Args),
    Search(search::Args),
    History(history::Args),
    Status(status::Args),
    Scan(scan::Args),
}

/// Runs the `bugs` binary.
pub fn main() -> ExitCode {
    crate::run::<Cli>(|cli, ctx| match cli.command {
        Command::Log(a) => log::run(a, ctx),
        Command::List(a) => list::run(a, ctx),
        Command::Get(a) => get::run(a, ctx),
        Command::Update(a) => update::run(a, ctx),
        Command::Claim(a) => claim::run(a, ctx),
        Command::Search(a) => search::run(a, ctx),
        Command::History(a) => history::run(a, ctx),
        Command::Status(a) => status::run(a, ctx),
        Command::Scan(a) => scan::run(a, ctx),
    })
}

/// Opens the governance database (creating it) and runs `f` on the tenant's bug log.
fn with_bugs<T>(
    ctx: &mut Ctx,
    actor: Option<String>,
    f: impl FnOnce(&mut Bugs<'_>) -> Result<T, CliError>,
) -> Result<T, CliError> {
    let settings = ctx.settings()?;
    let mut ledger: Ledger = backends::ledger_for_write(&settings)?;
    let mut bugs = Bugs::new(
        &mut ledger,
        settings.tenant.value.clone(),
        actor.unwrap_or_else(backends::actor),
    );
    f(&mut bugs)
}

/// Parses a bug id argument.
fn bug_id(s: &str) -> Result<BugId, CliError> {
    s.parse().map_err(|e: String| {
        CliError::usage(e).with_hint("bug ids look like b42; `bugs list` shows them")
    })
}
