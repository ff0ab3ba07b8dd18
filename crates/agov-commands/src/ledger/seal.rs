//! `ledger seal`: record the chain's head outside the database.

use agov_cli::{CliError, Ctx};
use serde::Serialize;

use crate::backends::{self, SealStore};

/// Record the head (sequence number and hash) outside the database
#[derive(Debug, clap::Args)]
pub(super) struct Args {}

#[derive(Serialize)]
struct Sealed {
    seal: agov_ledger::Seal,
    stored_in: String,
}

pub(super) fn run(_args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let settings = ctx.settings()?;
    let ledger = backends::ledger_for_read(ctx, &settings)?;
    let Some(seal) = ledger
        .map(|l| l.seal(&backends::actor()))
        .transpose()?
        .flatten()
    else {
        return Err(
            CliError::failed("the ledger is empty: there is nothing to seal")
                .with_hint("seal after the first event, e.g. `ledger note -m \"installed agov\"`"),
        );
    };
    let store = SealStore::configured(&settings)?;
    store.store(&seal)?;
    let sealed = Sealed {
        stored_in: store.describe(),
        seal,
    };
    ctx.out.record(&sealed, |out| {
        out.line(&format!(
            "sealed #{} {} in {}",
            sealed.seal.seq, sealed.seal.hash, sealed.stored_in
        ))
    })
}
