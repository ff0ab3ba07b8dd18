//! `memory prune`: remove old entries and collect unused chunks.

use agov_cli::{CliError, Ctx};
use agov_memory::PruneRule;

use super::with_memory;

/// Remove old entries, then delete chunks nothing uses (left by removed entries or interrupted logs)
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Remove entries logged before this: a duration ago (30d), RFC 3339 or a date
    #[arg(long, value_name = "AGE")]
    older_than: Option<String>,

    /// Keep only the newest N entries
    #[arg(long, value_name = "N")]
    keep: Option<u64>,

    /// Say what would go without changing anything
    #[arg(long)]
    dry_run: bool,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let rule = PruneRule {
        before_us: crate::args::time_arg("--older-than", args.older_than.as_deref())?,
        keep: args.keep,
        dry_run: args.dry_run,
    };
    let report = with_memory(ctx, |memory, _| Ok(memory.prune(&rule)?))?;
    ctx.out.record(&report, |out| {
        let verb = if report.dry_run {
            "would remove"
        } else {
            "removed"
        };
        let entries = match report.removed.len() {
            0 => "no entry".to_string(),
            1 => format!("1 entry ({})", report.removed[0]),
            n if n <= 8 => format!("{n} entries ({})", report.removed.join(", ")),
            n => format!("{n} entries ({}, …)", report.removed[..8].join(", ")),
        };
        out.line(&format!(
            "{verb} {entries}; {} {} chunk{}, {}",
            if report.dry_run {
                "would delete"
            } else {
                "deleted"
            },
            report.chunks_deleted,
            if report.chunks_deleted == 1 { "" } else { "s" },
            crate::render::size(report.bytes_freed)
        ))
    })
}
