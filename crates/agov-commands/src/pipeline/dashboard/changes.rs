//! What wakes the dashboard, without a busy loop: a key (read by a thread
//! of its own), a change pushed by Redis, or a tick at which it looks at
//! the backends cheaply.
//!
//! - Redis pushes: a thread of its own, on a connection of its own,
//!   subscribes to the `changes:pipelines` channel (published at every write
//!   of a pipeline's state) and, where the server sends keyspace
//!   notifications, to every write of the tenant's keys; each message wakes
//!   the dashboard at once. Where subscribing is refused or the
//!   subscription is lost, the `changes:pipelines` counter is read at each
//!   tick instead, and a lost subscription is taken up again (after 1 s,
//!   then up to every 30 s while Redis refuses).
//! - The embedded store and the ledger are SQLite files: at each tick the
//!   dashboard asks `PRAGMA data_version`, which moves when another
//!   process wrote; the log pane follows the ledger this way on both
//!   backends.

use std::sync::mpsc::Sender;

use agov_config::Settings;
use agov_ledger::Ledger;
use agov_runtime::RuntimeStore;
use agov_runtime::keys::Keyspace;

/// What wakes the dashboard before its tick.
#[derive(Debug)]
pub(crate) enum Wake {
    /// Something happened in the terminal (a key, a resize).
    Term(crossterm::event::Event),
    /// The terminal cannot be read any more.
    TermGone(String),
    /// The backend pushed a change.
    Changed,
    /// The subscription failed or was lost: poll from now on.
    Lost(String),
}

/// Starts the thread that reads the terminal and sends what happens to `tx`.
pub(crate) fn terminal(tx: Sender<Wake>) {
    std::thread::spawn(move || {
        loop {
            let wake = match crossterm::event::read() {
                Ok(e) => Wake::Term(e),
                Err(e) => Wake::TermGone(e.to_string()),
            };
            let gone = matches!(wake, Wake::TermGone(_));
            if tx.send(wake).is_err() || gone {
                return;
            }
        }
    });
}

/// Starts the thread that listens for Redis's pushes and sends them to
/// `tx`; false where the backend cannot push (embedded).
pub(crate) fn listen(settings: &Settings, store: &dyn RuntimeStore, tx: Sender<Wake>) -> bool {
    if store.backend() != "redis" {
        return false;
    }
    let settings = settings.clone();
    let keys = Keyspace::new(&settings.tenant.value);
    std::thread::spawn(move || {
        let mut wait = RESUBSCRIBE_FIRST;
        loop {
            let outcome = crate::backends::runtime_store(&settings)
                .map_err(|e| e.message().to_string())
                .and_then(|store| {
                    store
                        .listen(&keys.changes(), keys.prefix(), &mut || {
                            tx.send(Wake::Changed).is_ok()
                        })
                        .map_err(|e| e.to_string())
                });
            let lost = match outcome {
                // The dashboard is gone.
                Ok(true) => return,
                Ok(false) => {
                    let _ = tx.send(Wake::Lost("the runtime store cannot push changes".into()));
                    return;
                }
                Err(e) => e,
            };
            // Polled meanwhile; subscribed again after a pause that grows.
            if tx.send(Wake::Lost(lost)).is_err() {
                return;
            }
            std::thread::sleep(wait);
            wait = (wait * 2).min(RESUBSCRIBE_MAX);
        }
    });
    true
}

/// The pause before subscribing again after the subscription was lost,
/// doubling up to [`RESUBSCRIBE_MAX`] while it keeps failing.
const RESUBSCRIBE_FIRST: std::time::Duration = std::time::Duration::from_secs(1);
const RESUBSCRIBE_MAX: std::time::Duration = std::time::Duration::from_secs(30);

/// The cheap look at the backends made at each tick, when nothing was pushed.
pub(crate) struct Poll {
    /// Redis pushes changes to a listener: its counter need not be read.
    pub pushed: bool,
    store: Option<i64>,
    counter: Option<Vec<u8>>,
    ledger: Option<i64>,
}

impl Poll {
    /// Where the backends are now.
    pub(crate) fn new(
        store: &dyn RuntimeStore,
        keys: &Keyspace,
        ledger: Option<&Ledger>,
        pushed: bool,
    ) -> Poll {
        let mut p = Poll {
            pushed,
            store: None,
            counter: None,
            ledger: None,
        };
        p.changed(store, keys, ledger);
        p
    }

    /// Whether anything was written since the last look: the embedded
    /// store's or the ledger's data version, or (Redis without a listener)
    /// the pipelines' change counter.
    pub(crate) fn changed(
        &mut self,
        store: &dyn RuntimeStore,
        keys: &Keyspace,
        ledger: Option<&Ledger>,
    ) -> bool {
        let version = store.data_version().ok().flatten();
        let counter = if version.is_some() || self.pushed {
            None
        } else {
            store.get(&keys.changes()).ok().flatten()
        };
        let ledger = ledger.and_then(|l| {
            l.conn()
                .query_row("PRAGMA data_version", [], |r| r.get::<_, i64>(0))
                .ok()
        });
        let moved = (version, &counter, ledger) != (self.store, &self.counter, self.ledger);
        (self.store, self.counter, self.ledger) = (version, counter, ledger);
        moved
    }
}
