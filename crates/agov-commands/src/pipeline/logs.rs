//! `pipeline logs`: a pipeline's ledger events, oldest first.

use agov_cli::{CliError, Ctx};
use agov_ledger::Query;

use crate::backends;
use crate::render::EventRow;

/// Show a pipeline's audit trail: its own events and its agents'
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The pipeline
    id: String,

    /// At most this many events (the newest)
    #[arg(long, default_value_t = 500, value_name = "N")]
    limit: u64,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let settings = ctx.settings()?;
    let Some(ledger) = backends::ledger_for_read(ctx, &settings)? else {
        return ctx.out.list::<EventRow>(&[], "");
    };
    let q = Query {
        tenant: Some(settings.tenant.value.clone()),
        pipeline: Some(args.id.clone()),
        limit: Some(args.limit),
        newest_first: true,
        ..Query::default()
    };
    let mut events = ledger.query(&q)?;
    if events.is_empty() {
        let anyone = Query {
            tenant: None,
            limit: Some(1),
            ..q
        };
        if !ledger.query(&anyone)?.is_empty() {
            return Err(agov_pipeline::PipelineError::OtherTenant(args.id).into());
        }
    }
    events.reverse();
    let rows: Vec<EventRow> = events.into_iter().map(EventRow).collect();
    ctx.out
        .list(&rows, &format!("no events of pipeline {}", args.id))
}
