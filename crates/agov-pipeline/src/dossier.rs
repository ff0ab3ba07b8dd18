//! Everything recorded about one pipeline, gathered once: its state, its
//! blackboard, conflicts, messages, the votes of every round and its ledger
//! events. `pipeline consensus fallback --action download_log` writes it as
//! JSON ([`Dossier::to_json`]), `pipeline report --html` as a page.

use std::collections::BTreeMap;

use agov_ledger::{Event, Ledger, Query};
use agov_runtime::RuntimeStore;
use agov_runtime::keys::Keyspace;
use serde_json::{Value, json};

use crate::board::{Board, Conflict, Entry, Mail, SECTIONS};
use crate::consensus::Vote;
use crate::error::PipelineError;
use crate::plan::Role;
use crate::state::{self, PipelineState};

/// One pipeline's whole record.
#[derive(Clone, Debug)]
pub struct Dossier {
    /// Its stored state.
    pub state: PipelineState,
    /// Each blackboard section's entries (every round), oldest first.
    pub blackboard: BTreeMap<&'static str, Vec<Entry>>,
    /// Its conflicts, every round, oldest first.
    pub conflicts: Vec<Conflict>,
    /// Its direct messages, oldest first.
    pub messages: Vec<Mail>,
    /// The votes of every round, oldest round first.
    pub votes: Vec<Vote>,
    /// Its ledger events (its own and its agents'), oldest first; empty
    /// without a ledger.
    pub ledger: Vec<Event>,
}

/// Gathers pipeline `id` of `tenant` from the runtime store and, when there
/// is one, the ledger. An unknown id is [`PipelineError::NotFound`] (or
/// [`PipelineError::OtherTenant`]), as for [`state::load`].
pub fn gather(
    store: &dyn RuntimeStore,
    tenant: &str,
    ledger: Option<&Ledger>,
    id: &str,
) -> Result<Dossier, PipelineError> {
    let k = Keyspace::new(tenant);
    let state = state::load(store, &k, id)?;
    let board = Board::new(store, k, id);
    let mut blackboard = BTreeMap::new();
    for s in SECTIONS {
        blackboard.insert(s, board.entries(s)?);
    }
    let ledger = match ledger {
        Some(l) => l.query(&Query {
            tenant: Some(tenant.to_string()),
            pipeline: Some(id.to_string()),
            ..Query::default()
        })?,
        None => Vec::new(),
    };
    Ok(Dossier {
        state,
        blackboard,
        conflicts: board.conflicts(None)?,
        messages: board.messages(None)?,
        votes: board.all_votes()?,
        ledger,
    })
}

impl Dossier {
    /// The blackboard entry with id `id` (`alpha-r1-1`), in any section.
    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.blackboard.values().flatten().find(|e| e.id() == id)
    }

    /// The whole record as one JSON document (`download_log`'s file).
    pub fn to_json(&self) -> Value {
        json!({
            "pipeline": self.state,
            "blackboard": self.blackboard,
            "conflicts": self.conflicts,
            "messages": self.messages,
            "votes": self.votes,
            "ledger": self.ledger,
            "roles": [Role::Alpha, Role::Beta, Role::Gamma],
        })
    }
}
