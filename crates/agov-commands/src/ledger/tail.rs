//! `ledger tail`: the newest events, optionally following new ones.

use std::time::Duration;

use agov_cli::{CliError, Ctx};
use agov_ledger::Query;

use crate::backends;
use crate::render;

/// Show the newest events (JSON Lines with --json)
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// How many events to show
    #[arg(short = 'n', long, default_value_t = 20, value_name = "N")]
    lines: u64,

    /// Keep printing new events as they are appended (Ctrl-C to stop)
    #[arg(short, long)]
    follow: bool,
}

const POLL: Duration = Duration::from_millis(200);

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let settings = ctx.settings()?;
    let tenant = settings.tenant.value.clone();
    let mut ledger = backends::ledger_for_read(ctx, &settings)?;
    let mut last = 0;
    if let Some(l) = &ledger {
        for e in l.tail(Some(&tenant), args.lines)? {
            last = e.seq;
            print(ctx, &e)?;
        }
    }
    if !args.follow {
        return Ok(());
    }
    ctx.out.flush()?;
    loop {
        std::thread::sleep(POLL);
        if ledger.is_none() && settings.ledger_path.value.exists() {
            ledger = Some(agov_ledger::Ledger::open(
                &settings.ledger_path.value,
                false,
            )?);
        }
        let Some(l) = &ledger else { continue };
        let q = Query {
            tenant: Some(tenant.clone()),
            after_seq: Some(last),
            ..Query::default()
        };
        for e in l.query(&q)? {
            last = e.seq;
            print(ctx, &e)?;
        }
        ctx.out.flush()?;
    }
}

fn print(ctx: &mut Ctx, e: &agov_ledger::Event) -> Result<(), CliError> {
    if ctx.json() {
        ctx.out.json_line(e)
    } else {
        ctx.out.line(&render::line(e))
    }
}
