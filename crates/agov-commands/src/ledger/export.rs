//! `ledger export`: every event of the tenant as JSON Lines, or a copy of
//! the whole ledger database to verify offline.

use std::io::Write;
use std::path::PathBuf;

use agov_cli::{CliError, Ctx};
use agov_ledger::Query;

use crate::backends;

/// Export the tenant's events as JSON Lines, or copy the whole ledger for offline verification
///
/// JSON Lines go to stdout or to --output (with a file, --json prints where
/// and how many). `--format sqlite --output FILE` writes a consistent copy of
/// the ledger database, every tenant's events included (the chain spans them
/// all), for `ledger verify --db FILE`. Copy the ledger this way, not with
/// `cp`: recent events may still be in its write-ahead log beside it.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Output format
    #[arg(long, value_enum, default_value = "jsonl")]
    format: Format,

    /// Write to this file (atomically: all of it or nothing) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Only events at or after this time (RFC 3339, a date, or 2h, 7d …)
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum Format {
    /// One JSON object per line, the shape of schema/json/ledger-event.schema.json
    Jsonl,
    /// The whole ledger database, one self-contained SQLite file (needs --output)
    Sqlite,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    if let Format::Sqlite = args.format {
        return copy(args, ctx);
    }
    let since_us = crate::args::time_arg("--since", args.since.as_deref())?;
    let settings = ctx.settings()?;
    let q = Query {
        tenant: Some(settings.tenant.value.clone()),
        since_us,
        ..Query::default()
    };
    let ledger = backends::ledger_for_read(ctx, &settings)?;
    let Some(path) = args.output else {
        if let Some(l) = ledger {
            let mut err = None;
            l.for_each(&q, |e| match ctx.out.json_line(&e) {
                Ok(()) => true,
                Err(e) => {
                    err = Some(e);
                    false
                }
            })?;
            if let Some(e) = err {
                return Err(e);
            }
        }
        return Ok(());
    };
    let mut buf = Vec::new();
    let mut count = 0u64;
    if let Some(l) = ledger {
        l.for_each(&q, |e| {
            count += 1;
            serde_json::to_writer(&mut buf, &e).is_ok() && buf.write_all(b"\n").is_ok()
        })?;
    }
    agov_core::fsutil::write_atomic(&path, &buf, 0o600)
        .map_err(|e| CliError::io(&format!("cannot write {}", path.display()), e))?;
    if ctx.json() {
        return ctx.out.json(&Exported::new(&path, count));
    }
    ctx.note(&format!("exported {count} events to {}", path.display()));
    Ok(())
}

/// `--format sqlite`: the whole database, copied consistently.
fn copy(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let Some(path) = args.output else {
        return Err(
            CliError::usage("--format sqlite writes a file: name it with --output")
                .with_hint("ledger export --format sqlite --output copy.db"),
        );
    };
    if args.since.is_some() {
        return Err(CliError::usage("--since applies to JSON Lines only")
            .with_hint("a copy holds the whole chain, so that it verifies"));
    }
    let settings = ctx.settings()?;
    let Some(ledger) = backends::ledger_for_read(ctx, &settings)? else {
        return Err(CliError::new(
            agov_core::FailureClass::NotFound,
            format!(
                "there is no ledger at {}",
                settings.ledger_path.value.display()
            ),
        ));
    };
    ledger.copy_to(&path)?;
    let events = ledger.count()?;
    if ctx.json() {
        return ctx.out.json(&Exported::new(&path, events));
    }
    ctx.note(&format!(
        "copied the ledger ({events} events) to {}",
        path.display()
    ));
    Ok(())
}

/// `ledger export --output FILE --json`: `schema/json/ledger-export.schema.json`.
#[derive(serde::Serialize, schemars::JsonSchema)]
#[schemars(
    title = "A ledger export to a file",
    description = "`ledger export --output FILE --json` (without --output the events themselves are printed, one ledger-event per line)."
)]
pub(crate) struct Exported {
    /// FILE, as given.
    #[schemars(length(min = 1))]
    path: String,
    /// Events written.
    events: u64,
}

impl Exported {
    fn new(path: &std::path::Path, events: u64) -> Exported {
        Exported {
            path: path.display().to_string(),
            events,
        }
    }
}
