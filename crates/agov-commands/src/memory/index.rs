//! `memory index`: bring the search index up to date.

use agov_cli::{CliError, Ctx};

use super::with_memory;

/// Make everything logged searchable now (`memory log` and `memory search` do this themselves)
#[derive(Debug, clap::Args)]
pub(super) struct Args {}

pub(super) fn run(_args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    with_memory(ctx, |memory, ctx| {
        let (_, bytes) = memory.pending()?;
        let pb = agov_cli::progress::bytes(ctx, Some(bytes), "indexing");
        let report = memory.index_pending(&mut |n| pb.set_position(n));
        pb.finish_and_clear();
        let report = report?;
        ctx.out.record(&report, |out| {
            if report.chunks == 0 {
                out.line("the search index is up to date")
            } else {
                out.line(&format!(
                    "indexed {} chunk{} ({})",
                    report.chunks,
                    if report.chunks == 1 { "" } else { "s" },
                    crate::render::size(report.bytes)
                ))
            }
        })
    })
}
