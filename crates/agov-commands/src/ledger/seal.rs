//! `ledger seal`: record the chain's head outside the database.
//!
//! The chain is verified against every retained seal first; one that does not
//! verify is refused (exit 1), so the hourly cron job cannot launder a
//! rewrite. A head that is already sealed, or an empty ledger, is a no-op
//! that exits 0 and says so.

use agov_cli::{CliError, Ctx};
use agov_ledger::{NextSeal, Seal};
use serde::Serialize;

use super::seals::{SealStore, Stored};
use crate::backends;

/// Record the head (sequence number and hash) outside the database, after
/// verifying the chain against every seal taken before
///
/// A ledger that was never sealed, while Vault keeps the seals of other
/// ledgers, is refused: it is a new installation sharing that Vault, or a
/// chain replaced from its first event. An operator who knows it is new
/// confirms it once with --new-ledger.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Confirm that this never-sealed ledger is a new one, while Vault keeps
    /// seals of other ledgers
    #[arg(long)]
    new_ledger: bool,
}

/// `ledger seal --json`: `schema/json/ledger-seal.schema.json`.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(
    title = "A seal taken, or why none was",
    description = "`ledger seal --json` (exit 0). `sealed` is false when nothing new was sealed: the head was already sealed (`seal` is that seal) or the ledger is empty (`seal` is null); `note` says which."
)]
pub(crate) struct Sealed {
    /// True when a new seal was recorded.
    sealed: bool,
    /// The head's seal (new or already recorded); `null` for an empty ledger.
    seal: Option<Seal>,
    /// `file PATH` or `Vault ADDR/MOUNT/agov/ledger-seals/ID/SEQ`; null for
    /// an empty ledger.
    stored_in: Option<String>,
    /// Why nothing new was sealed; null when a seal was recorded.
    note: Option<String>,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let settings = ctx.settings()?;
    let store = SealStore::configured(&settings)?;
    let ledger = backends::ledger_for_read(ctx, &settings)?;
    let genesis = ledger.as_ref().map(|l| l.genesis()).transpose()?.flatten();
    let existing = store.load_for(genesis.as_deref())?;
    let next = match &ledger {
        Some(l) => l.next_seal(&existing, &backends::actor())?,
        None => refuse_if_sealed(&existing)?,
    };
    if existing.is_empty() && matches!(next, NextSeal::New(_)) {
        first_seal(
            ctx,
            &store.other_ledgers(genesis.as_deref())?,
            args.new_ledger,
        )?;
    }
    let sealed = match next {
        NextSeal::Empty => skipped(None, None, "the ledger is empty: there is nothing to seal"),
        NextSeal::Unchanged(seal) => unchanged(&store, seal),
        NextSeal::New(seal) => match store.store(&seal)? {
            Stored::New => Sealed {
                sealed: true,
                stored_in: Some(store.describe(&seal)),
                seal: Some(seal),
                note: None,
            },
            Stored::AlreadyThere => unchanged(&store, seal),
        },
    };
    if let Some(note) = &sealed.note {
        ctx.note(note);
    }
    ctx.out
        .record(&sealed, |out| match (&sealed.seal, sealed.sealed) {
            (Some(s), true) => out.line(&format!(
                "sealed #{} {} in {}",
                s.seq,
                s.hash,
                sealed.stored_in.as_deref().unwrap_or("-")
            )),
            _ => Ok(()),
        })
}

/// Without a ledger there is nothing to seal, unless it was sealed before:
/// then it was removed.
fn refuse_if_sealed(existing: &[Seal]) -> Result<NextSeal, CliError> {
    match existing.iter().max_by_key(|s| s.seq) {
        None => Ok(NextSeal::Empty),
        Some(s) => Err(CliError::failed(format!(
            "refusing to seal: the ledger is missing but was sealed at #{} ({} by {})",
            s.seq, s.sealed_at, s.sealed_by
        ))
        .with_hint("restore the ledger from a backup; `ledger verify` says the same")),
    }
}

/// The first seal of a ledger while Vault keeps other ledgers' seals: a new
/// installation, or a chain replaced from its first event (which the next
/// cron run must not launder). Refused unless the operator confirmed it.
fn first_seal(ctx: &Ctx, others: &[String], confirmed: bool) -> Result<(), CliError> {
    if others.is_empty() {
        return Ok(());
    }
    let what = format!(
        "this ledger was never sealed, and Vault keeps seals of {} other ledger(s) ({})",
        others.len(),
        others.join(", ")
    );
    if confirmed {
        ctx.warn(&format!(
            "{what}: sealing it as a new ledger (--new-ledger)"
        ));
        return Ok(());
    }
    Err(CliError::failed(format!(
        "refusing to seal: {what}; if this installation sealed before, its whole chain was replaced"
    ))
    .with_hint(
        "compare the ledger with a backup or an export (`ledger verify` names the other ledgers); if it is a new installation sharing this Vault, confirm once with `ledger seal --new-ledger`",
    ))
}

fn unchanged(store: &SealStore, seal: Seal) -> Sealed {
    let note = format!(
        "no new events since the last seal: #{} is already sealed ({} by {})",
        seal.seq, seal.sealed_at, seal.sealed_by
    );
    skipped(Some(store.describe(&seal)), Some(seal), &note)
}

fn skipped(stored_in: Option<String>, seal: Option<Seal>, note: &str) -> Sealed {
    Sealed {
        sealed: false,
        seal,
        stored_in,
        note: Some(note.to_string()),
    }
}
