//! `checkpoint`: snapshots of the governance state, and the recovery briefing.

pub(crate) mod attention;
pub(crate) mod collect;
mod diff;
mod handoff;
pub(crate) mod load;
mod now;
pub(crate) mod prune;
mod render;
mod report;
mod show;
mod timeline;

use std::process::ExitCode;

use agov_checkpoint::{CheckpointId, Checkpoints};
use agov_cli::{CliError, Ctx, GlobalArgs, HasGlobalArgs};
use clap::{Parser, Subcommand};

use crate::backends;

const EXAMPLES: &str = "\
Examples:
  checkpoint now --notes \"parser done; next: error recovery\"
  checkpoint load                # after a reset: the last checkpoint and everything since
  checkpoint load --json         # the same, as one document for an agent
  checkpoint report              # where things stand right now
  checkpoint timeline --since 7d
  checkpoint diff c3 c7
  checkpoint prune --keep 50
  checkpoint show c7             # one checkpoint as it was taken

A checkpoint records the working directory and its git state, the bug log,
the STATUS.md files below the working directory, agents and pipelines in the
runtime store, and the latest ledger events. `load` adds what the ledger
recorded after it: new bugs, bug changes, revocations, status changes,
pipelines and notes.";

/// Snapshots of the governance state; `load` is the briefing after a reset.
#[derive(Debug, Parser)]
#[command(name = "checkpoint", version, after_long_help = EXAMPLES)]
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
    Now(now::Args),
    Load(load::Args),
    Report(report::Args),
    Timeline(timeline::Args),
    Show(show::Args),
    Diff(diff::Args),
    Prune(prune::Args),
}

/// Runs the `checkpoint` binary.
pub fn main() -> ExitCode {
    crate::run::<Cli>(|cli, ctx| match cli.command {
        Command::Now(a) => now::run(a, ctx),
        Command::Load(a) => load::run(a, ctx),
        Command::Report(a) => report::run(a, ctx),
        Command::Timeline(a) => timeline::run(a, ctx),
        Command::Show(a) => show::run(a, ctx),
        Command::Diff(a) => diff::run(a, ctx),
        Command::Prune(a) => prune::run(a, ctx),
    })
}

/// Runs `f` on the tenant's checkpoints.
fn with_checkpoints<T>(
    ctx: &mut Ctx,
    f: impl FnOnce(&mut Checkpoints<'_>) -> Result<T, CliError>,
) -> Result<T, CliError> {
    let settings = ctx.settings()?;
    let mut ledger = backends::ledger_for_write(&settings)?;
    let mut cps = Checkpoints::new(
        &mut ledger,
        settings.tenant.value.clone(),
        backends::actor(),
    );
    f(&mut cps)
}

/// Parses a checkpoint id argument.
fn checkpoint_id(s: &str) -> Result<CheckpointId, CliError> {
    s.parse()
        .map_err(|e: String| CliError::usage(e).with_hint("`checkpoint timeline` lists the ids"))
}
