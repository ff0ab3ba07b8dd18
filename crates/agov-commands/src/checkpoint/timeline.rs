//! `checkpoint timeline`: the checkpoints, newest first.

use agov_checkpoint::Summary;
use agov_cli::{CliError, Ctx, Tabular};
use serde::Serialize;

use super::with_checkpoints;

/// List checkpoints, newest first
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Only those taken since: RFC 3339, a date, or a duration ago (7d)
    #[arg(long, value_name = "TIME")]
    since: Option<String>,

    /// At most this many
    #[arg(long, default_value_t = 50, value_name = "N")]
    limit: u64,
}

#[derive(Serialize)]
#[serde(transparent)]
struct Row(Summary);

impl Tabular for Row {
    fn headers() -> &'static [&'static str] {
        &["id", "time", "actor", "ledger", "notes"]
    }
    fn row(&self) -> Vec<String> {
        let s = &self.0;
        vec![
            s.id.clone(),
            s.created.get(..19).unwrap_or(&s.created).to_string(),
            s.actor.clone(),
            format!("#{}", s.head_seq),
            s.notes.clone(),
        ]
    }
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let since = crate::args::time_arg("--since", args.since.as_deref())?;
    let rows: Vec<Row> = with_checkpoints(ctx, |cps| Ok(cps.list(since, args.limit)?))?
        .into_iter()
        .map(Row)
        .collect();
    ctx.out.list(&rows, "no checkpoints yet")
}
