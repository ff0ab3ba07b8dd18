//! `memory search`: full-text search over stored content.

use agov_cli::{CliError, Ctx};

use super::render::HitRow;
use super::{catch_up_index, with_memory};

/// Search stored content (every word must match; end a word with * for a prefix)
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The words to find
    #[arg(required = true, num_args = 1.., value_name = "WORDS")]
    query: Vec<String>,

    /// At most this many entries (the best place in each)
    #[arg(long, default_value_t = 10, value_name = "N")]
    limit: u64,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let query = args.query.join(" ");
    let hits: Vec<HitRow> = with_memory(ctx, |memory, ctx| {
        catch_up_index(memory, ctx)?;
        Ok(memory.search(&query, args.limit)?)
    })?
    .into_iter()
    .map(HitRow)
    .collect();
    ctx.out.list(&hits, "nothing stored matches")
}
