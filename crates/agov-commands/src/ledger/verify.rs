//! `ledger verify`: walk the chain and the seals.

use std::path::PathBuf;

use agov_cli::{CliError, Ctx};
use agov_ledger::{Ledger, VerifyReport};

use crate::backends::{self, SealStore};

/// Check every event's hash and every seal; exit 1 naming the first bad event
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Verify this database file (e.g. a copy) instead of the configured ledger
    #[arg(long, value_name = "FILE")]
    db: Option<PathBuf>,

    /// Compare with the seals in this file (default: the configured seal store)
    #[arg(long, value_name = "FILE")]
    seals: Option<PathBuf>,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let seals = match (&args.seals, &args.db) {
        (Some(file), _) => agov_ledger::seal::read_file(file)?,
        (None, Some(_)) => Vec::new(),
        (None, None) => SealStore::configured(&ctx.settings()?)?.load()?,
    };
    let ledger = match &args.db {
        Some(path) => Some(Ledger::open(path, false)?),
        None => {
            let settings = ctx.settings()?;
            backends::ledger_for_read(ctx, &settings)?
        }
    };
    let report = match &ledger {
        Some(l) => {
            let bar = agov_cli::progress::bar(ctx, l.count()?, "verifying");
            let r = l.verify(&seals, |done, _| bar.set_position(done))?;
            bar.finish_and_clear();
            r
        }
        None => empty_report(&seals),
    };
    ctx.out.record(&report, |out| {
        if report.ok {
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
    })?;
    match &report.problem {
        None => Ok(()),
        Some(p) => Err(CliError::failed(format!(
            "the ledger does not verify at event #{}: {}",
            p.seq, p.reason
        ))
        .with_hint(format!(
            "`ledger show {}` shows that event; compare with a backup or an export",
            p.seq
        ))),
    }
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
    }
}
