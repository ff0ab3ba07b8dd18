//! `memory`: large content kept out of an agent's context: log, fetch, list,
//! search, rm, prune, index.

mod fetch;
mod index;
mod list;
mod log;
mod prune;
mod render;
pub(crate) mod rm;
mod search;

use std::process::ExitCode;

use agov_cli::{CliError, Ctx, GlobalArgs, HasGlobalArgs};
use agov_memory::{Memory, MemoryError, MemoryId};
use clap::{Parser, Subcommand};

use crate::backends;

const EXAMPLES: &str = "\
Examples:
  terraform plan -no-color | memory log --title \"plan for prod\" --tag terraform
  memory log build.log --tag ci           # prints the new id, e.g. m7
  memory fetch m7 --summary               # size, headings, first/last lines, error-like lines
  memory fetch m7 --lines 120:180         # just those lines, byte for byte
  memory fetch m7 --chunk 3
  memory fetch m7 > build.log             # the whole content, byte for byte
  memory search \"permission denied\"
  memory list --tag ci --json
  memory prune --older-than 30d
  memory rm m7                            # the entry, and its chunks no other entry lists
  memory index                            # make everything logged searchable now

Content is streamed (memory use stays small whatever the size), cut into
chunks on line boundaries, compressed and stored once per tenant by its
SHA-256. Every log, rm and prune is recorded in the audit ledger in the same
transaction.";

/// The memory store: keep large content out of your context and fetch only what you need
#[derive(Debug, Parser)]
#[command(name = "memory", version, after_long_help = EXAMPLES)]
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
    Fetch(fetch::Args),
    List(list::Args),
    Search(search::Args),
    Rm(rm::Args),
    Prune(prune::Args),
    Index(index::Args),
}

/// Runs the `memory` binary.
pub fn main() -> ExitCode {
    crate::run::<Cli>(|cli, ctx| match cli.command {
        Command::Log(a) => log::run(a, ctx),
        Command::Fetch(a) => fetch::run(a, ctx),
        Command::List(a) => list::run(a, ctx),
        Command::Search(a) => search::run(a, ctx),
        Command::Rm(a) => rm::run(a, ctx),
        Command::Prune(a) => prune::run(a, ctx),
        Command::Index(a) => index::run(a, ctx),
    })
}

/// Opens the tenant's memory store (creating it) and runs `f` on it.
fn with_memory<T>(
    ctx: &mut Ctx,
    f: impl FnOnce(&mut Memory<'_>, &mut Ctx) -> Result<T, CliError>,
) -> Result<T, CliError> {
    let settings = ctx.settings()?;
    let mut ledger = backends::ledger_for_write(&settings)?;
    let mut memory = Memory::open(
        &mut ledger,
        settings.tenant.value.clone(),
        backends::actor(),
    )?;
    f(&mut memory, ctx)
}

/// Parses a memory id argument.
fn memory_id(s: &str) -> Result<MemoryId, CliError> {
    s.parse().map_err(|e: String| {
        CliError::usage(e).with_hint("memory ids look like m42; `memory list` shows them")
    })
}

/// A memory error as a command error; a closed output pipe stays quiet.
fn cli_error(e: MemoryError) -> CliError {
    if e.is_broken_pipe() {
        return CliError::io(
            "cannot write to standard output",
            std::io::ErrorKind::BrokenPipe.into(),
        );
    }
    e.into()
}

/// Brings the search index up to date, with a progress bar; says so when
/// there was anything to do.
fn catch_up_index(memory: &mut Memory<'_>, ctx: &Ctx) -> Result<(), CliError> {
    let (chunks, bytes) = memory.pending()?;
    if chunks == 0 {
        return Ok(());
    }
    ctx.debug(
        1,
        &format!(
            "indexing {} in {chunks} chunks not yet searchable",
            crate::render::size(bytes)
        ),
    );
    let pb = agov_cli::progress::bytes(ctx, Some(bytes), "indexing");
    let done = memory.index_pending(&mut |n| pb.set_position(n));
    pb.finish_and_clear();
    done?;
    Ok(())
}
