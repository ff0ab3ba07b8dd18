//! `pipeline report ID --html FILE`: one pipeline as a self-contained HTML
//! page to attach to an incident (see [`page`] for what it holds).

mod page;
mod timeline;

use std::path::PathBuf;

use agov_cli::{CliError, Ctx};
use serde::Serialize;

use crate::backends;

/// Write a pipeline's whole record as one self-contained HTML page
///
/// The page holds the plan, a timeline of every agent's phases, the
/// blackboard, messages, votes with the proposal each judges, fallbacks,
/// gate decisions and revocations with who decided, errors, and the
/// pipeline's ledger events with their hashes and how to verify them. It
/// loads nothing from anywhere (no scripts, fonts or images) and prints
/// well. Everything the agents wrote is shown as text, never as markup.
/// FILE is replaced atomically.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  pipeline report p-1a2b3c --html incident-42.html           # attach it to the incident
  pipeline report p-1a2b3c --html /tmp/p.html --json         # {\"path\", \"bytes\", \"events\"}")]
pub(super) struct Args {
    /// The pipeline
    id: String,

    /// Where to write the page (replaced atomically: all of it or nothing)
    #[arg(long, value_name = "FILE", required = true)]
    html: PathBuf,
}

/// Where a pipeline's report was written (`pipeline report ID --html FILE
/// --json`).
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(
    title = "A pipeline's report written to an HTML file",
    description = "`pipeline report ID --html FILE --json`: where the self-contained page was written, its size, and how many ledger events of the pipeline it lists."
)]
pub(crate) struct Written {
    /// The pipeline's id.
    #[schemars(length(min = 1))]
    pipeline: String,
    /// FILE, as given.
    #[schemars(length(min = 1))]
    path: PathBuf,
    /// The page's size.
    #[schemars(range(min = 1))]
    bytes: usize,
    /// The pipeline's ledger events (its own and its agents') listed with
    /// their hashes.
    events: usize,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let settings = ctx.settings()?;
    let store = backends::runtime_store(&settings)?;
    let ledger = backends::existing_ledger(&settings)?;
    let dossier = agov_pipeline::dossier::gather(
        store.as_ref(),
        &settings.tenant.value,
        ledger.as_ref(),
        &args.id,
    )?;
    let html = page::render(&dossier, agov_core::time::now_us());
    agov_core::fsutil::write_atomic(&args.html, html.as_bytes(), 0o600)
        .map_err(|e| CliError::io(&format!("cannot write {}", args.html.display()), e))?;
    let events = dossier.ledger.len();
    let written = Written {
        pipeline: dossier.state.id.clone(),
        path: args.html.clone(),
        bytes: html.len(),
        events,
    };
    // Through a `Value`: its keys in order, as before.
    let written = serde_json::to_value(&written).unwrap_or_default();
    ctx.out.record(&written, |o| {
        o.line(&format!(
            "wrote the report of {} to {} ({} bytes, {events} ledger event{})",
            dossier.state.id,
            args.html.display(),
            html.len(),
            if events == 1 { "" } else { "s" }
        ))
    })
}
