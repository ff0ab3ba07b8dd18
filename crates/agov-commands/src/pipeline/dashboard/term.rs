//! The interactive dashboard: the alternate screen in raw mode (restored
//! on every way out, a panic included), keys read with a timeout, and a
//! cheap check of the store between keys so that a change shows within a
//! second without re-reading every pipeline all the time.

use std::time::{Duration, Instant};

use agov_cli::CliError;
use agov_runtime::RuntimeStore;
use agov_runtime::keys::Keyspace;
use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};

use super::snapshot::{self, Snapshot};
use super::ui::{self, View};

/// How long to wait for a key before looking at the store again.
const TICK: Duration = Duration::from_millis(250);

/// Redraws at least this often (ages, token time left) and re-reads the
/// store, whatever the change check says (Redis: writes other than a
/// pipeline's state, such as the revocation list).
const REFRESH: Duration = Duration::from_secs(5);

/// Restores the terminal when dropped: on return, error or panic.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

fn draw_err(e: std::io::Error) -> CliError {
    CliError::io("cannot draw the dashboard", e)
}

/// Runs the dashboard until `q`.
pub(super) fn run(
    store: &dyn RuntimeStore,
    keys: &Keyspace,
    tenant: &str,
    select: Option<String>,
    filter: String,
) -> Result<(), CliError> {
    // Installs a panic hook that restores the terminal too.
    let mut terminal = ratatui::try_init().map_err(draw_err)?;
    let _restore = Restore;
    let mut view = View::default();
    let mut filter = filter;
    let mut select = select;
    let mut marker = snapshot::change_marker(store, keys);
    let mut snap = load(store, keys, tenant, select.as_deref(), &filter, &mut view)?;
    view.selected = snap.selected_index();
    let mut last_read = Instant::now();
    let mut dirty = true;
    loop {
        if dirty {
            terminal
                .draw(|f| ui::draw(f, &snap, &view))
                .map_err(draw_err)?;
            dirty = false;
        }
        let mut reread = false;
        if event::poll(TICK).map_err(draw_err)? {
            match event::read().map_err(draw_err)? {
                Event::Key(k) if k.kind != KeyEventKind::Release => {
                    let ctrl_c =
                        k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL);
                    if ctrl_c {
                        return Ok(());
                    }
                    if view.typing {
                        match k.code {
                            KeyCode::Enter => view.typing = false,
                            KeyCode::Esc => {
                                view.typing = false;
                                filter.clear();
                            }
                            KeyCode::Backspace => {
                                filter.pop();
                            }
                            KeyCode::Char(c) => filter.push(c),
                            _ => {}
                        }
                        view.selected = 0;
                        select = None;
                        reread = true;
                    } else {
                        view.message = None;
                        match k.code {
                            KeyCode::Char('q') => return Ok(()),
                            KeyCode::Esc if view.help => view.help = false,
                            KeyCode::Esc => return Ok(()),
                            KeyCode::Char('?') => view.help = !view.help,
                            KeyCode::Char('/') => view.typing = true,
                            KeyCode::Down | KeyCode::Char('j') => {
                                view.selected =
                                    (view.selected + 1).min(snap.pipelines.len().saturating_sub(1));
                                reread = true;
                            }
                            KeyCode::Up | KeyCode::Char('k') => {
                                view.selected = view.selected.saturating_sub(1);
                                reread = true;
                            }
                            KeyCode::Home | KeyCode::Char('g') => {
                                view.selected = 0;
                                reread = true;
                            }
                            KeyCode::End | KeyCode::Char('G') => {
                                view.selected = snap.pipelines.len().saturating_sub(1);
                                reread = true;
                            }
                            _ => {}
                        }
                        if reread {
                            select = snap.pipelines.get(view.selected).map(|p| p.id.clone());
                        }
                    }
                    dirty = true;
                }
                Event::Resize(..) => dirty = true,
                _ => {}
            }
        }
        let now = snapshot::change_marker(store, keys);
        if now != marker || last_read.elapsed() >= REFRESH {
            marker = now;
            reread = true;
        }
        if reread {
            snap = load(store, keys, tenant, select.as_deref(), &filter, &mut view)?;
            // The selected pipeline keeps its row's highlight as rows move.
            view.selected = snap.selected_index();
            last_read = Instant::now();
            dirty = true;
        }
    }
}

/// A snapshot; a store that cannot be read ends the dashboard with its
/// error (after the terminal is restored).
fn load(
    store: &dyn RuntimeStore,
    keys: &Keyspace,
    tenant: &str,
    select: Option<&str>,
    filter: &str,
    view: &mut View,
) -> Result<Snapshot, CliError> {
    match snapshot::gather(store, keys, tenant, select, filter) {
        Ok(s) => Ok(s),
        Err(e) => {
            view.message = Some(format!("cannot read the store: {}", e.message()));
            Err(e)
        }
    }
}
