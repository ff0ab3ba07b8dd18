//! `bugs list`: bugs by status, severity, component and age.

use agov_bugs::{ListQuery, Severity, Sort, Status};
use agov_cli::{CliError, Ctx, offering};
use clap::builder::StringValueParser;

use super::render::BugRow;
use super::with_bugs;

/// List bugs (active ones unless --status says otherwise), most severe first
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Statuses to show, comma-separated, or `all` [default: open,in_progress]
    #[arg(long, value_name = "LIST", value_parser = offering(
        StringValueParser::new(),
        Status::ALL.map(Status::as_str).into_iter().chain(["all"]),
    ))]
    status: Option<String>,

    /// Severities to show, comma-separated
    #[arg(long, value_name = "LIST", value_parser = offering(
        StringValueParser::new(),
        Severity::ALL.map(Severity::as_str),
    ))]
    severity: Option<String>,

    /// Only this component
    #[arg(long, value_name = "NAME")]
    component: Option<String>,

    /// Only bugs reported since: RFC 3339, a date, or a duration ago (7d)
    #[arg(long, value_name = "TIME")]
    since: Option<String>,

    /// At most this many
    #[arg(long, default_value_t = 50, value_name = "N")]
    limit: u64,

    /// Order: severity (then newest), created (newest first), updated (latest change first)
    #[arg(long, value_enum, default_value = "severity")]
    sort: SortArg,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum SortArg {
    Severity,
    Created,
    Updated,
}

fn list_of<T>(
    flag: &str,
    raw: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Vec<T>, CliError> {
    raw.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| parse(s).map_err(|e| CliError::usage(format!("{flag}: {e}"))))
        .collect()
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let statuses = match args.status.as_deref() {
        None => vec![Status::Open, Status::InProgress],
        Some(s) if s.trim().eq_ignore_ascii_case("all") => Vec::new(),
        Some(s) => list_of("--status", s, str::parse::<Status>)?,
    };
    let severities = match args.severity.as_deref() {
        None => Vec::new(),
        Some(s) => list_of("--severity", s, str::parse::<Severity>)?,
    };
    let since_us = crate::args::time_arg("--since", args.since.as_deref())?;
    let q = ListQuery {
        statuses,
        severities,
        component: args.component,
        since_us,
        limit: Some(args.limit),
        sort: match args.sort {
            SortArg::Severity => Sort::Severity,
            SortArg::Created => Sort::Created,
            SortArg::Updated => Sort::Updated,
        },
    };
    let rows: Vec<BugRow> = with_bugs(ctx, None, |bugs| Ok(bugs.list(&q)?))?
        .into_iter()
        .map(BugRow)
        .collect();
    if rows.len() as u64 == args.limit && !ctx.json() {
        ctx.hint(&format!(
            "showing {} bugs; raise --limit for more",
            args.limit
        ));
    }
    ctx.out.list(&rows, "no matching bugs")
}
