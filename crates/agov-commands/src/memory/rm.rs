//! `memory rm`: remove an entry.

use agov_cli::{CliError, Ctx};
use agov_memory::Entry;
use serde::Serialize;

use super::{memory_id, with_memory};

/// Remove an entry (chunks no other entry shares are deleted)
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The entry, e.g. m42
    #[arg(value_name = "ID")]
    id: String,
}

/// `memory rm --json`: `schema/json/memory-rm.schema.json`.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(
    title = "A removed memory entry",
    description = "`memory rm ID --json`."
)]
pub(crate) struct Removed {
    /// The entry as it was.
    entry: Entry,
    /// Compressed bytes of chunks no other entry shares.
    bytes_freed: u64,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let id = memory_id(&args.id)?;
    let (entry, bytes_freed) = with_memory(ctx, |memory, _| Ok(memory.rm(id)?))?;
    let removed = Removed { entry, bytes_freed };
    ctx.out.record(&removed, |out| {
        out.line(&format!(
            "removed {} ({}), freed {}",
            removed.entry.id,
            removed.entry.title,
            crate::render::size(removed.bytes_freed)
        ))
    })
}
