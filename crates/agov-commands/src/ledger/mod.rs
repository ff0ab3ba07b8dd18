//! `ledger`: note, query, tail, export, seal and verify the audit ledger.

pub(crate) mod export;
pub(crate) mod hmac;
mod note;
mod query;
pub(crate) mod seal;
pub mod seals;
mod show;
mod tail;
mod verify;

use std::process::ExitCode;

use agov_cli::{GlobalArgs, HasGlobalArgs};
use clap::{Parser, Subcommand};

const EXAMPLES: &str = "\
Examples:
  ledger note -m \"rotated the staging credentials\"
  ledger tail -n 50 --follow
  ledger query --action 'token.*' --since 2h --json
  ledger export --format jsonl --output audit.jsonl
  ledger seal && ledger verify --strict
  ledger export | grep \"$(ledger hmac ACCESSOR)\"
  ledger show 1042                      # one event, by its sequence number
  ledger verify --seals /backup/ledger.seals   # the chain, and its head against a copy of the seals
  ledger hmac ACCESSOR                  # the HMAC under which the ledger stores a token accessor

Every agov tool appends here; each event's hash covers the one before it, so
`ledger verify` finds any change. Seal the head (e.g. hourly from cron) to
also catch a rewrite of the whole chain. Token accessors are stored as their
HMAC; `ledger hmac ACCESSOR` prints it.";

/// Query, tail, export and verify agov's hash-chained audit ledger.
#[derive(Debug, Parser)]
#[command(name = "ledger", version, after_long_help = EXAMPLES)]
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
    Note(note::Args),
    Tail(tail::Args),
    Query(query::Args),
    Show(show::Args),
    Export(export::Args),
    Verify(verify::Args),
    Seal(seal::Args),
    Hmac(hmac::Args),
}

/// Runs the `ledger` binary.
pub fn main() -> ExitCode {
    crate::run::<Cli>(|cli, ctx| match cli.command {
        Command::Note(a) => note::run(a, ctx),
        Command::Tail(a) => tail::run(a, ctx),
        Command::Query(a) => query::run(a, ctx),
        Command::Show(a) => show::run(a, ctx),
        Command::Export(a) => export::run(a, ctx),
        Command::Verify(a) => verify::run(a, ctx),
        Command::Seal(a) => seal::run(a, ctx),
        Command::Hmac(a) => hmac::run(a, ctx),
    })
}
