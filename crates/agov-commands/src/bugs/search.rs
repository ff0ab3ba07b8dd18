//! `bugs search`: full-text search, best match first.

use agov_cli::{CliError, Ctx};

use super::render::HitRow;
use super::with_bugs;

/// Search titles and descriptions (words must all match; end a word with * for a prefix)
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The words to find
    #[arg(required = true, num_args = 1.., value_name = "WORDS")]
    query: Vec<String>,

    /// At most this many results
    #[arg(long, default_value_t = 20, value_name = "N")]
    limit: u64,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let query = args.query.join(" ");
    let hits: Vec<HitRow> = with_bugs(ctx, None, |bugs| Ok(bugs.search(&query, args.limit)?))?
        .into_iter()
        .map(HitRow)
        .collect();
    ctx.out.list(&hits, "no bug matches")
}
