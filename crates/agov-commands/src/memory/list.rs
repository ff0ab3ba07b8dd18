//! `memory list`: entries, newest first.

use agov_cli::{CliError, Ctx};
use agov_memory::ListQuery;

use super::render::EntryRow;
use super::with_memory;

/// List stored entries, newest first
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Only entries with this tag
    #[arg(long, value_name = "TAG")]
    tag: Option<String>,

    /// Only entries logged since: RFC 3339, a date, or a duration ago (7d)
    #[arg(long, value_name = "TIME")]
    since: Option<String>,

    /// At most this many
    #[arg(long, default_value_t = 50, value_name = "N")]
    limit: u64,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let q = ListQuery {
        tag: args.tag,
        since_us: crate::args::time_arg("--since", args.since.as_deref())?,
        limit: Some(args.limit),
    };
    let rows: Vec<EntryRow> = with_memory(ctx, |memory, _| Ok(memory.list(&q)?))?
        .into_iter()
        .map(EntryRow)
        .collect();
    ctx.out.list(
        &rows,
        "no memory entries: `memory log FILE` or `cmd | memory log` stores one",
    )
}
