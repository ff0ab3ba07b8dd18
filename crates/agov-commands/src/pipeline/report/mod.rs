//! `pipeline report ID --html FILE`: one pipeline as a self-contained HTML
//! page to attach to an incident (see [`page`] for what it holds).

mod page;
mod timeline;

use std::path::PathBuf;

use agov_cli::{CliError, Ctx};
use serde_json::json;

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
    let written = json!({
        "pipeline": dossier.state.id,
        "path": args.html,
        "bytes": html.len(),
        "events": events,
    });
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
