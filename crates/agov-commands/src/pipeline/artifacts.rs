//! `pipeline artifacts`: what a pipeline's agents left, where to find it.

use agov_cli::{CliError, Ctx, Tabular};
use agov_pipeline::artifacts::Artifact;
use agov_runtime::keys::Keyspace;
use serde::Serialize;

use super::Backends;

/// List the files a pipeline's agents left (deliverables first), with their paths
///
/// Each agent writes into its own folder, `<data>/pipelines/ID/ROLE/` (or
/// `stage-NAME/`); a deliverable the plan asked for and that is not there is
/// listed as missing.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The pipeline
    id: String,
}

#[derive(Serialize)]
#[serde(transparent)]
struct Row(Artifact);

impl Tabular for Row {
    fn headers() -> &'static [&'static str] {
        &["agent", "file", "kind", "bytes", "path"]
    }

    fn row(&self) -> Vec<String> {
        let a = &self.0;
        vec![
            a.agent.clone(),
            a.name.clone(),
            if a.deliverable { "deliverable" } else { "file" }.to_string(),
            a.bytes
                .map_or_else(|| "missing".to_string(), |b| b.to_string()),
            a.path.clone(),
        ]
    }
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let b = Backends::open(ctx)?;
    let keys = Keyspace::new(&b.settings.tenant.value);
    let st = agov_pipeline::state::load(b.store.as_ref(), &keys, &args.id)?;
    let runs = super::runs_dir(&b.settings);
    let rows: Vec<Row> = agov_pipeline::artifacts::list(&st, &runs)
        .into_iter()
        .map(Row)
        .collect();
    ctx.out.list(
        &rows,
        &format!("no files yet in {}", runs.join(&st.id).display()),
    )?;
    let missing = rows.iter().filter(|r| !r.0.present()).count();
    if missing > 0 && !st.status.is_settled() {
        ctx.note(&format!(
            "{missing} deliverable(s) not written yet: pipeline {} is {}",
            st.id, st.status
        ));
    }
    Ok(())
}
