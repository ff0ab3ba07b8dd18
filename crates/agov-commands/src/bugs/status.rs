//! `bugs status`: counts by status and severity.

use agov_bugs::{Severity, Status};
use agov_cli::{CliError, Ctx};

use super::with_bugs;

/// Count bugs by status and severity
#[derive(Debug, clap::Args)]
pub(super) struct Args {}

pub(super) fn run(_args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let counts = with_bugs(ctx, None, |bugs| Ok(bugs.counts()?))?;
    ctx.out.record(&counts, |out| {
        let mut headers = vec!["status"];
        headers.extend(Severity::ALL.iter().rev().map(|s| s.as_str()));
        headers.push("total");
        let rows = Status::ALL.iter().map(|st| {
            let row = &counts.by_status[st.as_str()];
            let mut cells = vec![st.to_string()];
            cells.extend(
                Severity::ALL
                    .iter()
                    .rev()
                    .map(|sv| row[sv.as_str()].to_string()),
            );
            cells.push(row.values().sum::<u64>().to_string());
            cells
        });
        out.table(&headers, rows)?;
        out.line(&format!("{} bugs", counts.total))
    })
}
