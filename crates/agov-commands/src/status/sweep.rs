//! `status sweep`: every directory's status under a root.

use std::path::PathBuf;

use agov_cli::{CliError, Ctx, Tabular};
use agov_status::DirStatus;
use serde::Serialize;

use super::{root_or_cwd, sweep_root};

/// Report every directory's phase, the stale ones and those without a STATUS.md
///
/// Exits 1 when any STATUS.md is invalid, naming each.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The tree to sweep [default: the current directory]
    root: Option<PathBuf>,

    /// A STATUS.md not updated for this many days is stale
    #[arg(long, default_value_t = 7, value_name = "DAYS")]
    stale_days: u64,

    /// Also list the directories without a STATUS.md
    #[arg(long)]
    missing: bool,
}

#[derive(Serialize)]
#[serde(transparent)]
struct Row(DirStatus);

impl Tabular for Row {
    fn headers() -> &'static [&'static str] {
        &["path", "phase", "state", "updated", "owner", "tasks"]
    }
    fn row(&self) -> Vec<String> {
        let d = &self.0;
        vec![
            d.path.clone(),
            d.phase.map(|p| p.to_string()).unwrap_or_else(|| "-".into()),
            d.problem
                .as_ref()
                .map_or_else(|| d.state.clone(), |p| format!("invalid: {p}")),
            d.updated
                .as_deref()
                .map(|u| u.get(..10).unwrap_or(u).to_string())
                .unwrap_or_default(),
            d.owner.clone().unwrap_or_default(),
            if d.tasks_total > 0 {
                format!("{}/{}", d.tasks_done, d.tasks_total)
            } else {
                String::new()
            },
        ]
    }
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let root = root_or_cwd(args.root)?;
    let sweep = sweep_root(ctx, &root, args.stale_days)?;
    let invalid: Vec<String> = sweep
        .dirs
        .iter()
        .filter(|d| d.state == "invalid")
        .map(|d| d.path.clone())
        .collect();
    if ctx.json() {
        ctx.out.json(&sweep)?;
        return invalid_ones(&invalid);
    }
    let (missing, present): (Vec<DirStatus>, Vec<DirStatus>) =
        sweep.dirs.into_iter().partition(|d| d.state == "missing");
    let count = |s: &str| present.iter().filter(|d| d.state == s).count();
    let (stale, n_invalid, n_present, n_missing) =
        (count("stale"), invalid.len(), present.len(), missing.len());
    let mut rows: Vec<Row> = present.into_iter().map(Row).collect();
    if args.missing {
        rows.extend(missing.into_iter().map(Row));
        rows.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    }
    ctx.out.list(&rows, "")?;
    ctx.out.line(&format!(
        "{n_present} directories with a STATUS.md ({stale} stale, {n_invalid} invalid), {n_missing} without"
    ))?;
    if n_missing > 0 && !args.missing {
        ctx.hint("--missing lists the directories without a STATUS.md");
    }
    invalid_ones(&invalid)
}

/// Any invalid STATUS.md fails the sweep (exit 1), naming each, so cron
/// notices.
fn invalid_ones(paths: &[String]) -> Result<(), CliError> {
    if paths.is_empty() {
        return Ok(());
    }
    Err(CliError::failed(format!(
        "the STATUS.md of {} director{} is invalid: {}",
        paths.len(),
        if paths.len() == 1 { "y" } else { "ies" },
        paths.join(", ")
    ))
    .with_hint("the table says what is wrong with each (`--json`: `problem`); fix its front matter (phase, updated, owner)"))
}
