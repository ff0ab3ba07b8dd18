//! `status`: the per-directory STATUS.md protocol: sweep, update, dashboard.

pub(crate) mod dashboard;
mod sweep;
mod update;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use agov_cli::{CliError, GlobalArgs, HasGlobalArgs};
use agov_status::{Sweep, SweepOptions};
use clap::{Parser, Subcommand};

const EXAMPLES: &str = "\
Examples:
  status sweep                       # every directory under here: phase, staleness, missing files
  status sweep services/ --stale-days 3 --missing
  status update services/api --phase in_progress --task \"error recovery\" --note \"parser merged\"
  status update services/api --done 1 --phase complete
  status dashboard --json

A STATUS.md is Markdown with a front matter (phase, updated, owner), a
`## Tasks` checklist and `## Notes`; edit it by hand freely: `update`
changes only the lines it must. Every update is recorded in the ledger.";

/// Where work stands, directory by directory (STATUS.md files).
#[derive(Debug, Parser)]
#[command(name = "status", version, after_long_help = EXAMPLES)]
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
    Sweep(sweep::Args),
    Update(update::Args),
    Dashboard(dashboard::Args),
}

/// Runs the `status` binary.
pub fn main() -> ExitCode {
    crate::run::<Cli>(|cli, ctx| match cli.command {
        Command::Sweep(a) => sweep::run(a, ctx),
        Command::Update(a) => update::run(a, ctx),
        Command::Dashboard(a) => dashboard::run(a, ctx),
    })
}

/// The root to sweep: the argument or the current directory.
fn root_or_cwd(root: Option<PathBuf>) -> Result<PathBuf, CliError> {
    match root {
        Some(r) => Ok(r),
        None => std::env::current_dir()
            .map_err(|e| CliError::io("cannot read the current directory", e)),
    }
}

/// Sweeps `root`, reporting unreadable directories as warnings.
fn sweep_root(ctx: &agov_cli::Ctx, root: &Path, stale_days: u64) -> Result<Sweep, CliError> {
    let opts = SweepOptions {
        stale_after: Duration::from_secs(stale_days * 86_400),
        now_us: agov_core::time::now_us(),
    };
    let s = agov_status::sweep(root, opts).map_err(|e| {
        CliError::usage(e).with_hint("give a directory to sweep, e.g. `status sweep .`")
    })?;
    for e in &s.errors {
        ctx.warn(&format!("skipped: {e}"));
    }
    Ok(s)
}
