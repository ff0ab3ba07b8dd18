//! `ledger note`: append an operator's annotation.

use std::io::Read;

use agov_cli::{CliError, Ctx};
use agov_ledger::NewEvent;

use crate::backends;

/// Longest note accepted, in bytes.
const MAX_NOTE: usize = 64 * 1024;

/// Append an operator's annotation to the ledger
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The note; `-` reads it from standard input
    #[arg(short, long, value_name = "TEXT")]
    message: String,

    /// What the note is about (a pipeline, a bug id, a host …)
    #[arg(long, value_name = "ID")]
    subject: Option<String>,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let text = if args.message == "-" {
        let mut buf = String::new();
        std::io::stdin()
            .take(MAX_NOTE as u64 + 1)
            .read_to_string(&mut buf)
            .map_err(|e| {
                CliError::usage(format!("cannot read the note from standard input: {e}"))
            })?;
        buf.trim_end_matches('\n').to_string()
    } else {
        args.message
    };
    if text.trim().is_empty() {
        return Err(CliError::usage("the note is empty")
            .with_hint("pass the text with -m TEXT, or -m - to read it from stdin"));
    }
    if text.len() > MAX_NOTE {
        return Err(
            CliError::usage(format!("the note is longer than {} KiB", MAX_NOTE / 1024))
                .with_hint("keep large content in `memory log` and note its id here"),
        );
    }
    let settings = ctx.settings()?;
    let mut ledger = backends::ledger_for_write(&settings)?;
    let mut event =
        NewEvent::new(&settings.tenant.value, backends::actor(), "ledger.note").with("text", text);
    event.subject = args.subject;
    let appended = ledger.append(&event)?;
    ctx.out
        .record(&appended, |out| out.line(&format!("#{}", appended.seq)))
}
