//! `bugs update`: change a bug's status, severity or assignee.

use agov_bugs::{Changes, Severity, Status};
use agov_cli::{CliError, Ctx, offering};

use super::log::severity_arg;
use super::{bug_id, render, with_bugs};

/// Change a bug's status, severity or assignee (illegal status moves are refused)
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The bug, e.g. b42
    id: String,

    /// The new status: open, in_progress, resolved, closed or wontfix
    #[arg(value_parser = offering(parse_status, Status::ALL.map(Status::as_str)))]
    status: Option<Status>,

    /// A note, recorded in the ledger with the change
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,

    /// A new severity
    #[arg(long, value_parser = severity_arg())]
    severity: Option<Severity>,

    /// A new assignee (`none` clears it)
    #[arg(long, value_name = "NAME")]
    assignee: Option<String>,
}

fn parse_status(s: &str) -> Result<Status, String> {
    s.parse()
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let id = bug_id(&args.id)?;
    let changes = Changes {
        status: args.status,
        severity: args.severity,
        assignee: args
            .assignee
            .map(|a| (!a.eq_ignore_ascii_case("none")).then_some(a)),
        note: args.note,
    };
    let bug = with_bugs(ctx, None, |bugs| Ok(bugs.update(id, &changes)?))?;
    ctx.out.record(&bug, |out| render::changed(out, &bug))
}
