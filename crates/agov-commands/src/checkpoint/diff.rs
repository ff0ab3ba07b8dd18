//! `checkpoint diff`: what changed between two checkpoints.

use agov_cli::{CliError, Ctx};

use super::{checkpoint_id, with_checkpoints};

/// What changed between two checkpoints
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The earlier checkpoint
    a: String,
    /// The later checkpoint
    b: String,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let (a, b) = (checkpoint_id(&args.a)?, checkpoint_id(&args.b)?);
    let d = with_checkpoints(ctx, |cps| {
        Ok(agov_checkpoint::diff(&cps.get(a)?, &cps.get(b)?))
    })?;
    ctx.out.record(&d, |out| {
        out.line(&format!(
            "{} → {}: {} ledger event(s) apart",
            d.from, d.to, d.ledger_events
        ))?;
        out.line(&format!(
            "active bugs: {} → {}",
            d.bugs_active.0, d.bugs_active.1
        ))?;
        for (sev, (x, y)) in &d.open_by_severity {
            out.line(&format!("open {sev}: {x} → {y}"))?;
        }
        if let Some((x, y)) = &d.git_head {
            out.line(&format!(
                "git HEAD: {} → {}",
                x.as_deref().unwrap_or("-"),
                y.as_deref().unwrap_or("-")
            ))?;
        }
        for (path, (x, y)) in &d.status {
            out.line(&format!(
                "status {path}: {} → {}",
                x.as_deref().unwrap_or("-"),
                y.as_deref().unwrap_or("-")
            ))?;
        }
        Ok(())
    })
}
