//! `ledger query`: events matching filters.

use agov_cli::{CliError, Ctx};
use agov_ledger::Query;

use crate::backends;
use crate::render::EventRow;

/// Find events by agent, action and time (a JSON array with --json)
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Only events about this agent
    #[arg(long, value_name = "ID")]
    agent: Option<String>,

    /// Only this action; a trailing * matches a prefix, e.g. 'token.*'
    #[arg(long, value_name = "NAME")]
    action: Option<String>,

    /// Only events of this pipeline
    #[arg(long, value_name = "ID")]
    pipeline: Option<String>,

    /// Only events at or after this time: RFC 3339, a date, or a duration ago (2h, 7d)
    #[arg(long, value_name = "TIME")]
    since: Option<String>,

    /// Only events before this time (same forms as --since)
    #[arg(long, value_name = "TIME")]
    until: Option<String>,

    /// At most this many events (the oldest matching ones; see --newest)
    #[arg(long, default_value_t = 100, value_name = "N")]
    limit: u64,

    /// Take the newest matching events instead of the oldest, newest first
    #[arg(long)]
    newest: bool,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let since_us = crate::args::time_arg("--since", args.since.as_deref())?;
    let until_us = crate::args::time_arg("--until", args.until.as_deref())?;
    if let (Some(s), Some(u)) = (since_us, until_us)
        && s >= u
    {
        return Err(CliError::usage("--since is not before --until"));
    }
    let settings = ctx.settings()?;
    let Some(ledger) = backends::ledger_for_read(ctx, &settings)? else {
        return ctx.out.list::<EventRow>(&[], "");
    };
    let q = Query {
        tenant: Some(settings.tenant.value.clone()),
        agent: args.agent,
        action: args.action,
        subject: None,
        pipeline: args.pipeline,
        since_us,
        until_us,
        after_seq: None,
        limit: Some(args.limit),
        newest_first: args.newest,
    };
    let rows: Vec<EventRow> = ledger.query(&q)?.into_iter().map(EventRow).collect();
    if rows.len() as u64 == args.limit && !ctx.json() {
        ctx.hint(&format!(
            "showing the first {} matches; raise --limit or narrow the filters for more",
            args.limit
        ));
    }
    ctx.out.list(&rows, "no matching events")
}
