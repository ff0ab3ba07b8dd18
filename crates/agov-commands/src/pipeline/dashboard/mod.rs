//! `pipeline dashboard`: the tenant's pipelines on one screen, following
//! the store as it changes: alerts, pipelines, the selected pipeline's
//! agents, votes and ledger events, charts, and actions by key. `--once`
//! prints one frame as text.

mod action;
#[doc(hidden)]
pub mod bench;
mod changes;
mod charts;
mod keys;
mod log;
mod prompt;
pub(crate) mod snapshot;
mod stuck;
mod term;
mod ui;

use std::io::IsTerminal;

use agov_cli::{CliError, Ctx};
use agov_runtime::keys::Keyspace;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::Backends;

/// A full-screen view of the tenant's pipelines, alerts, agents, votes, ledger events and charts, with actions by key
///
/// Follows the store: a change shows within a second. Keys: up/down or
/// j/k select a pipeline, left/right or h/l an agent, Tab shows its agents,
/// its ledger events or the charts, / filters, ? shows help, q quits.
/// Actions, each asking y/n and each the command's own (who you are is
/// checked and recorded as the command does): f chooses a fallback after a
/// consensus failure (`pipeline consensus fallback`; a rerun goes on in
/// the background), a and d approve or reject its waiting gate (`pipeline
/// approve`, with the digest shown; a number chooses among several), R revokes the pipeline (`pipeline
/// revoke`) and x the selected agent (`pipeline agents revoke`), both with
/// a reason. `--once` prints one frame as text (the terminal's size, or
/// 80x24 without one); --json prints the data of one frame.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  pipeline dashboard                                  # full screen, until q
  pipeline dashboard --once --pane log --pipeline p-1a2b3c
  pipeline dashboard --once --pane charts
  pipeline dashboard --json")]
pub(super) struct Args {
    /// Print one frame as text and exit (for scripts)
    #[arg(long)]
    once: bool,

    /// The pipeline to select at first (the newest otherwise)
    #[arg(long, value_name = "ID")]
    pipeline: Option<String>,

    /// Show only the pipelines whose id, state or plan contains TEXT
    #[arg(long, value_name = "TEXT", default_value = "")]
    filter: String,

    /// The pane under the pipelines at first (Tab changes it)
    #[arg(long, value_enum, default_value_t = ui::Pane::Agents)]
    pane: ui::Pane,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let interactive = !args.once && !ctx.json();
    if interactive && !(std::io::stdout().is_terminal() && std::io::stdin().is_terminal()) {
        return Err(CliError::usage("pipeline dashboard needs a terminal").with_hint(
            "`pipeline dashboard --once` prints one frame as text; `pipeline watch ID` follows one pipeline line by line",
        ));
    }
    let mut b = Backends::open(ctx)?;
    if interactive {
        return term::run(ctx, &mut b, args);
    }
    let tenant = b.settings.tenant.value.clone();
    let keys = Keyspace::new(&tenant);
    let ledger = crate::backends::existing_ledger(&b.settings)?;
    let src = snapshot::Source {
        store: b.store.as_ref(),
        keys: &keys,
        tenant: &tenant,
        ledger: ledger.as_ref(),
    };
    let snap = snapshot::gather(&src, args.pipeline.as_deref(), &args.filter)?;
    if ctx.json() {
        return ctx.out.json(&snap);
    }
    let (w, h) = if std::io::stdout().is_terminal() {
        crossterm::terminal::size().unwrap_or((80, 24))
    } else {
        (80, 24)
    };
    let view = ui::View {
        selected: snap.selected_index(),
        pane: args.pane,
        ..ui::View::default()
    };
    let text = frame_text(&snap, &view, w, h)?;
    ctx.out.line(text.trim_end_matches('\n'))
}

/// One frame of `snap`, `w` by `h`, as text.
pub(crate) fn frame_text(
    snap: &snapshot::Snapshot,
    view: &ui::View,
    w: u16,
    h: u16,
) -> Result<String, CliError> {
    let mut terminal = Terminal::new(TestBackend::new(w.max(20), h.max(10)))
        .map_err(|e| CliError::failed(format!("cannot draw: {e}")))?;
    terminal
        .draw(|f| ui::draw(f, snap, view))
        .map_err(|e| CliError::failed(format!("cannot draw: {e}")))?;
    Ok(ui::text(terminal.backend().buffer()))
}
