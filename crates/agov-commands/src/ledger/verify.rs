//! `ledger verify`: walk the chain and every retained seal.
//!
//! A broken chain or a seal it does not match exits 1. Missing append-only
//! triggers and a ledger without any seal are warnings; `--strict` makes
//! them failures too (exit 1), for cron.

use std::path::PathBuf;

use agov_cli::{CliError, Ctx};
use agov_ledger::{Ledger, VerifyReport};

use super::seals::SealStore;
use crate::backends;

/// Check every event's hash and every seal; exit 1 naming the first bad event
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Verify this database file (e.g. a copy) instead of the configured ledger
    #[arg(long, value_name = "FILE")]
    db: Option<PathBuf>,

    /// Compare with the seals in this file (default: every seal the
    /// configured store retains: the seal file, and Vault when configured)
    #[arg(long, value_name = "FILE")]
    seals: Option<PathBuf>,

    /// Also fail (exit 1) on warnings: missing append-only triggers, no seal
    #[arg(long)]
    strict: bool,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let ledger = match &args.db {
        Some(path) => Some(Ledger::open(path, false)?),
        None => {
            let settings = ctx.settings()?;
            backends::ledger_for_read(ctx, &settings)?
        }
    };
    let genesis = ledger.as_ref().map(|l| l.genesis()).transpose()?.flatten();
    let store = match (&args.seals, &args.db) {
        (None, None) => Some(SealStore::configured(&ctx.settings()?)?),
        _ => None,
    };
    let seals = match (&args.seals, &store) {
        (Some(file), _) => agov_ledger::seal::read_file(file)?,
        (None, Some(s)) => s.load_for(genesis.as_deref())?,
        (None, None) => Vec::new(),
    };
    let mut report = match &ledger {
        Some(l) => {
            let bar = agov_cli::progress::bar(ctx, l.count()?, "verifying");
            let r = l.verify(&seals, |done, _| bar.set_position(done))?;
            bar.finish_and_clear();
            r
        }
        None => empty_report(&seals),
    };
    if seals.is_empty()
        && let Some(s) = &store
    {
        note_other_ledgers(&mut report, &s.other_ledgers(genesis.as_deref())?);
    }
    for w in &report.warnings {
        ctx.warn(w);
    }
    let strict_failure = args.strict && report.problem.is_none() && !report.warnings.is_empty();
    if strict_failure {
        report.ok = false;
    }
    print(ctx, &report)?;
    if let Some(p) = &report.problem {
        return Err(CliError::failed(format!(
            "the ledger does not verify at event #{}: {}",
            p.seq, p.reason
        ))
        .with_hint(
            if ledger.as_ref().is_some_and(|l| l.get(p.seq).is_ok()) {
                format!(
                    "`ledger show {}` shows that event; compare with a backup or an export",
                    p.seq
                )
            } else {
                format!(
                    "event #{} is no longer in the ledger: restore the ledger from a backup, or compare with an export",
                    p.seq
                )
            },
        ));
    }
    if strict_failure {
        return Err(CliError::failed(format!(
            "--strict: the chain verifies but with {} warning(s): {}",
            report.warnings.len(),
            report.warnings.join("; ")
        ))
        .with_hint("`ledger seal` takes a seal; `validate-phases --apply` restores the triggers"));
    }
    Ok(())
}

fn print(ctx: &mut Ctx, report: &VerifyReport) -> Result<(), CliError> {
    ctx.out.record(report, |out| {
        if report.problem.is_none() {
            out.line(&format!(
                "ok: {} events, head #{} {}, {} seal(s) matched",
                report.events,
                report.head_seq,
                report.head_hash.as_deref().unwrap_or("-"),
                report.seals_checked
            ))
        } else {
            out.line(&format!("FAILED after {} good events", report.events))
        }
    })
}

/// A ledger without seals of its own while Vault keeps seals of other
/// ledgers may be a chain replaced from its first event: say so.
fn note_other_ledgers(report: &mut VerifyReport, others: &[String]) {
    if others.is_empty() || report.events == 0 {
        return;
    }
    report.warnings.push(format!(
        "Vault keeps seals of {} other ledger(s) ({}) but none of this one: if this installation sealed before, its whole chain was replaced",
        others.len(),
        others.join(", ")
    ));
}

fn empty_report(seals: &[agov_ledger::Seal]) -> VerifyReport {
    let problem = seals
        .iter()
        .max_by_key(|s| s.seq)
        .map(|s| agov_ledger::Problem {
            seq: 1,
            reason: format!(
                "the ledger is missing but was sealed at #{} ({})",
                s.seq, s.sealed_at
            ),
        });
    VerifyReport {
        ok: problem.is_none(),
        events: 0,
        head_seq: 0,
        head_hash: None,
        seals_checked: 0,
        problem,
        warnings: Vec::new(),
    }
}
