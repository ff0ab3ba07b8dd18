//! `bugs history`: a bug's ledger events.

use agov_cli::{CliError, Ctx};

use super::{bug_id, with_bugs};
use crate::render::EventRow;

/// Show every change to a bug, from the audit ledger
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The bug, e.g. b42
    id: String,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let id = bug_id(&args.id)?;
    let events: Vec<EventRow> = with_bugs(ctx, None, |bugs| Ok(bugs.history(id)?))?
        .into_iter()
        .map(EventRow)
        .collect();
    ctx.out.list(&events, "")
}
