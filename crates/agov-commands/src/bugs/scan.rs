//! `bugs scan`: anomalies worth a bug.

use agov_bugs::scan::{self, Anomaly, ScanOptions};
use agov_cli::{CliError, Ctx, Tabular};
use serde::Serialize;

use super::with_bugs;

/// Find error spikes and revocations in the ledger, bugs stuck in progress and likely duplicates
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Log each anomaly as a bug tagged `scan` (each only once, however often you run it);
    /// with -q, print only the anomalies this run logged (nothing when none)
    #[arg(long)]
    apply: bool,

    /// Look at ledger events since: RFC 3339, a date, or a duration ago
    #[arg(long, default_value = "24h", value_name = "TIME")]
    since: String,

    /// A bug in progress for longer than this is stuck
    #[arg(long, default_value = "3d", value_name = "DURATION")]
    stuck_after: String,
}

#[derive(Serialize, schemars::JsonSchema)]
#[serde(transparent)]
struct AnomalyRow(Anomaly);

impl Tabular for AnomalyRow {
    fn headers() -> &'static [&'static str] {
        &["kind", "severity", "bug", "anomaly"]
    }
    fn row(&self) -> Vec<String> {
        let a = &self.0;
        vec![
            a.kind.clone(),
            a.severity.to_string(),
            a.bug.clone().unwrap_or_default(),
            a.title.clone(),
        ]
    }
}

/// `bugs scan --json`: `schema/json/bug-scan.schema.json`.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(title = "Anomaly scan", description = "`bugs scan --json`.")]
pub(crate) struct Report {
    /// What was found.
    anomalies: Vec<AnomalyRow>,
    /// New bugs logged by --apply.
    logged: usize,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let now_us = agov_core::time::now_us();
    let since_us = crate::args::time_arg("--since", Some(&args.since))?.unwrap_or(now_us);
    let stuck = agov_core::time::parse_duration(&args.stuck_after)
        .map_err(|e| CliError::usage(format!("--stuck-after: {e}")))?;
    let opts = ScanOptions {
        since_us,
        stuck_after_us: stuck.as_micros() as i64,
        now_us,
    };
    let (anomalies, logged) = with_bugs(ctx, Some("agov:bugs-scan".into()), |bugs| {
        let mut found = scan::scan(bugs, opts)?;
        let logged = if args.apply {
            scan::apply(bugs, &mut found)?
        } else {
            0
        };
        Ok((found, logged))
    })?;
    let report = Report {
        anomalies: anomalies.into_iter().map(AnomalyRow).collect(),
        logged,
    };
    if ctx.json() {
        return ctx.out.json(&report);
    }
    if args.apply && ctx.global.quiet {
        // For cron: only what this run logged, so an unchanged state prints nothing.
        let logged: Vec<Vec<String>> = report
            .anomalies
            .iter()
            .filter(|a| a.0.new)
            .map(Tabular::row)
            .collect();
        return if logged.is_empty() {
            Ok(())
        } else {
            ctx.out.table(AnomalyRow::headers(), logged.into_iter())
        };
    }
    ctx.out.list(&report.anomalies, "no anomalies")?;
    if args.apply {
        ctx.note(&format!("logged {logged} new bug(s)"));
    } else if !report.anomalies.is_empty() {
        ctx.hint("`bugs scan --apply` logs them as bugs");
    }
    Ok(())
}
