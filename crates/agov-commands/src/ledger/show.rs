//! `ledger show`: one event in full.

use agov_cli::{CliError, Ctx};

use crate::backends;
use crate::render;

/// Show one event by its sequence number
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The event's sequence number (as in `ledger tail`, with or without #)
    #[arg(value_name = "SEQ")]
    seq: String,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let seq: u64 = args.seq.trim_start_matches('#').parse().map_err(|_| {
        CliError::usage(format!("`{}` is not an event number", args.seq))
            .with_hint("use the number from `ledger tail`, e.g. 42")
    })?;
    let settings = ctx.settings()?;
    let tenant = settings.tenant.value.clone();
    let not_found = || agov_ledger::LedgerError::NoSuchEvent(seq);
    let ledger = backends::ledger_for_read(ctx, &settings)?.ok_or_else(not_found)?;
    let event = ledger.get(seq)?;
    if event.tenant != tenant {
        return Err(CliError::new(
            agov_core::FailureClass::Denied,
            format!("ledger event #{seq} belongs to another tenant or project"),
        )
        .with_hint("act as its tenant (--tenant) to read it"));
    }
    ctx.out.record(&event, |out| {
        out.line(&render::line(&event))?;
        out.line(&format!("hash {}", event.hash))
    })
}
