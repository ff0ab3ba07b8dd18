//! The interactive dashboard: the alternate screen in raw mode (restored
//! on every way out, a panic included), woken by a key, by a change Redis
//! pushes, or by a tick at which it looks cheaply at the backends, so that
//! a change shows within a second without re-reading every pipeline all
//! the time; the actions its keys take, and their answers on screen.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use agov_cli::{CliError, Ctx};
use agov_ledger::Ledger;
use agov_runtime::keys::Keyspace;
use crossterm::event::{Event, KeyEventKind};

use super::super::Backends;
use super::changes::{self, Poll, Wake};
use super::keys::{self, Outcome};
use super::snapshot::{self, Snapshot, Source};
use super::ui::{self, View};
use super::{Args, action};

/// How long to wait for a key or a push before looking at the backends.
const TICK: Duration = Duration::from_millis(250);

/// Pushed changes are read at most this often (a burst is read once).
const MIN_GAP: Duration = Duration::from_millis(100);

/// Redraws at least this often (ages, token time left) and re-reads the
/// store, whatever the change check says (Redis without keyspace
/// notifications: writes other than a pipeline's state or the ledger).
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
pub(super) fn run(ctx: &Ctx, b: &mut Backends, args: Args) -> Result<(), CliError> {
    let tenant = b.settings.tenant.value.clone();
    let keys = Keyspace::new(&tenant);
    let mut ledger = crate::backends::existing_ledger(&b.settings)?;
    // Installs a panic hook that restores the terminal too.
    let mut terminal = ratatui::try_init().map_err(draw_err)?;
    let _restore = Restore;
    let (tx, rx) = mpsc::channel();
    changes::terminal(tx.clone());
    let pushed = changes::listen(&b.settings, b.store.as_ref(), tx);
    let mut poll = Poll::new(b.store.as_ref(), &keys, ledger.as_ref(), pushed);
    let mut view = View {
        pane: args.pane,
        feed: if pushed { "pushed" } else { "polled" },
        ..View::default()
    };
    let mut filter = args.filter;
    let mut select = args.pipeline;
    let mut snap = read(
        b,
        &keys,
        &tenant,
        ledger.as_ref(),
        select.as_deref(),
        &filter,
    )?;
    view.selected = snap.selected_index();
    let mut last_read = Instant::now();
    let mut pending = false;
    let mut dirty = true;
    loop {
        if dirty {
            terminal
                .draw(|f| ui::draw(f, &snap, &view))
                .map_err(draw_err)?;
            dirty = false;
        }
        let wait = if pending {
            MIN_GAP.saturating_sub(last_read.elapsed())
        } else {
            TICK
        };
        let mut reread = false;
        match rx.recv_timeout(wait) {
            Ok(Wake::Term(Event::Key(k))) if k.kind != KeyEventKind::Release => {
                match keys::key(k, &mut view, &snap, &mut filter) {
                    Outcome::Quit => return Ok(()),
                    Outcome::Nothing => {}
                    Outcome::Redraw => dirty = true,
                    Outcome::Reread => {
                        select = snap.pipelines.get(view.selected).map(|p| p.id.clone());
                        reread = true;
                    }
                    Outcome::Take(a) => {
                        view.message = Some(answer(ctx, b, &a));
                        reread = true;
                    }
                }
            }
            Ok(Wake::Term(Event::Resize(..))) => dirty = true,
            Ok(Wake::Term(_)) | Err(RecvTimeoutError::Timeout) => {}
            Ok(Wake::TermGone(why)) => {
                return Err(CliError::failed(format!("cannot read the terminal: {why}")));
            }
            Ok(Wake::Changed) => {
                pending = true;
                // Subscribed again after a loss: pushed from now on.
                if !poll.pushed {
                    poll.pushed = true;
                    view.feed = "pushed";
                    view.message = Some("pushed changes again".into());
                    dirty = true;
                }
            }
            Ok(Wake::Lost(why)) => {
                poll.pushed = false;
                view.feed = "polled";
                view.message = Some(format!("no pushed changes ({why}): looking every 250 ms"));
                dirty = true;
            }
            // The loop holds no sender; both threads' senders are gone.
            Err(RecvTimeoutError::Disconnected) => {
                return Err(CliError::failed("cannot read the terminal"));
            }
        }
        if ledger.is_none() && last_read.elapsed() >= REFRESH {
            ledger = crate::backends::existing_ledger(&b.settings)?;
        }
        if poll.changed(b.store.as_ref(), &keys, ledger.as_ref())
            || last_read.elapsed() >= REFRESH
            || (pending && last_read.elapsed() >= MIN_GAP)
        {
            reread = true;
        }
        if reread {
            snap = read(
                b,
                &keys,
                &tenant,
                ledger.as_ref(),
                select.as_deref(),
                &filter,
            )?;
            // The selected pipeline keeps its row's highlight as rows move.
            view.selected = snap.selected_index();
            last_read = Instant::now();
            pending = false;
            dirty = true;
        }
    }
}

/// Takes a confirmed action; what it did, or why it was refused, for the
/// status line (a refusal is shown, never the end of the dashboard).
fn answer(ctx: &Ctx, b: &mut Backends, a: &action::Action) -> String {
    match action::perform(ctx, b, a) {
        Ok(done) => done,
        Err(e) => match e.hint() {
            Some(h) => format!("refused: {} ({h})", e.message()),
            None => format!("refused: {}", e.message()),
        },
    }
}

/// A snapshot; a store that cannot be read ends the dashboard with its
/// error (after the terminal is restored).
fn read(
    b: &Backends,
    keys: &Keyspace,
    tenant: &str,
    ledger: Option<&Ledger>,
    select: Option<&str>,
    filter: &str,
) -> Result<Snapshot, CliError> {
    let src = Source {
        store: b.store.as_ref(),
        keys,
        tenant,
        ledger,
    };
    snapshot::gather(&src, select, filter)
}
