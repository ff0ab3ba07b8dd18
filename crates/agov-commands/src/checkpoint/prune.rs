//! `checkpoint prune`: drop old checkpoints (the ledger keeps its record).

use agov_cli::{CliError, Ctx};
use serde::Serialize;

use super::with_checkpoints;

/// Delete old checkpoints; the ledger's record of them stays and still verifies
#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("what").required(true).multiple(true))]
pub(super) struct Args {
    /// Keep the newest N
    #[arg(long, value_name = "N", group = "what")]
    keep: Option<u64>,

    /// Delete those older than this, e.g. 30d
    #[arg(long, value_name = "DURATION", group = "what")]
    older_than: Option<String>,
}

/// `checkpoint prune --json`: `schema/json/checkpoint-prune.schema.json`.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(
    title = "Checkpoints deleted",
    description = "`checkpoint prune --keep N | --older-than D --json`. The ledger's record of them stays."
)]
pub(crate) struct Pruned {
    /// How many were deleted.
    deleted: u64,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let older_than_us = args
        .older_than
        .as_deref()
        .map(|d| {
            agov_core::time::parse_duration(d)
                .map_err(|e| CliError::usage(format!("--older-than: {e}")))
        })
        .transpose()?
        .map(|d| agov_core::time::now_us() - d.as_micros() as i64);
    let deleted = with_checkpoints(ctx, |cps| Ok(cps.prune(args.keep, older_than_us)?))?;
    let p = Pruned { deleted };
    ctx.out.record(&p, |out| {
        out.line(&format!("deleted {deleted} checkpoint(s)"))
    })
}
