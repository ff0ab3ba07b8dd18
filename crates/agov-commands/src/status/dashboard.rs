//! `status dashboard`: counts and progress per phase.

use std::collections::BTreeMap;
use std::path::PathBuf;

use agov_cli::{CliError, Ctx};
use agov_status::Phase;
use serde::Serialize;

use super::{root_or_cwd, sweep_root};

/// Counts and task progress per phase across a tree
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The tree [default: the current directory]
    root: Option<PathBuf>,

    /// A STATUS.md not updated for this many days is stale
    #[arg(long, default_value_t = 7, value_name = "DAYS")]
    stale_days: u64,
}

/// One phase's line of the dashboard.
#[derive(Default, Serialize, schemars::JsonSchema)]
struct PhaseSummary {
    /// Directories in this phase.
    dirs: usize,
    /// Their ticked tasks.
    tasks_done: usize,
    /// Their tasks.
    tasks_total: usize,
}

/// `status dashboard --json`: `schema/json/status-dashboard.schema.json`.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(title = "A dashboard", description = "`status dashboard --json`.")]
pub(crate) struct Dashboard {
    /// The root, as given.
    root: String,
    /// phase → {dirs, tasks_done, tasks_total}, every phase present.
    #[schemars(with = "BTreeMap<agov_status::Phase, PhaseSummary>")]
    phases: BTreeMap<&'static str, PhaseSummary>,
    /// Directories with a STATUS.md.
    with_status: usize,
    /// Directories whose STATUS.md was not updated for --stale-days.
    stale: usize,
    /// Directories whose STATUS.md is unreadable or malformed.
    invalid: usize,
    /// Directories without a STATUS.md.
    missing: usize,
    /// Ticked tasks.
    tasks_done: usize,
    /// All tasks.
    tasks_total: usize,
}

fn bar(done: usize, total: usize) -> String {
    if total == 0 {
        return String::new();
    }
    let filled = done * 10 / total;
    format!(
        "{}{} {:>3}%",
        "#".repeat(filled),
        ".".repeat(10 - filled),
        done * 100 / total
    )
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let root = root_or_cwd(args.root)?;
    let sweep = sweep_root(ctx, &root, args.stale_days)?;
    let mut d = Dashboard {
        root: sweep.root.clone(),
        phases: Phase::ALL
            .iter()
            .map(|p| (p.as_str(), PhaseSummary::default()))
            .collect(),
        with_status: 0,
        stale: 0,
        invalid: 0,
        missing: 0,
        tasks_done: 0,
        tasks_total: 0,
    };
    for dir in &sweep.dirs {
        match dir.state.as_str() {
            "missing" => d.missing += 1,
            "invalid" => d.invalid += 1,
            "stale" => d.stale += 1,
            _ => {}
        }
        if dir.state != "missing" {
            d.with_status += 1;
        }
        if let Some(p) = dir.phase {
            let s = d.phases.entry(p.as_str()).or_default();
            s.dirs += 1;
            s.tasks_done += dir.tasks_done;
            s.tasks_total += dir.tasks_total;
        }
        d.tasks_done += dir.tasks_done;
        d.tasks_total += dir.tasks_total;
    }
    ctx.out.record(&d, |out| {
        let rows = Phase::ALL.iter().map(|p| {
            let s = &d.phases[p.as_str()];
            vec![
                p.to_string(),
                s.dirs.to_string(),
                format!("{}/{}", s.tasks_done, s.tasks_total),
                bar(s.tasks_done, s.tasks_total),
            ]
        });
        out.table(&["phase", "dirs", "tasks", "progress"], rows)?;
        out.line(&format!(
            "{} directories with a STATUS.md ({} stale, {} invalid), {} without; overall {}",
            d.with_status,
            d.stale,
            d.invalid,
            d.missing,
            if d.tasks_total == 0 {
                "no tasks".into()
            } else {
                bar(d.tasks_done, d.tasks_total)
            }
        ))
    })
}
