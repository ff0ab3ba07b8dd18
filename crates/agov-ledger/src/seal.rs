//! Seals: the head of the chain, recorded outside the database.
//!
//! A hash chain alone cannot tell a rewritten chain from the original: whoever
//! can write the database can recompute every hash. A seal taken at some time
//! (`ledger seal`, e.g. from cron) and kept where the database's writer cannot
//! reach it (Vault KV, or a file elsewhere) pins the head as it was; `verify`
//! then fails if the event at that sequence number changed or is gone.
//!
//! A seal also names the ledger it belongs to: the hash of its first event
//! ([`Seal::genesis`], the ledger's identity), so a chain replaced from its
//! first event does not pass as the sealed one. [`Ledger::next_seal`] refuses
//! to seal a chain that does not verify against every seal already taken, so
//! a rewrite cannot be laundered by sealing it.

use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::LedgerError;
use crate::store::Ledger;

/// Hex characters of the genesis hash that name a ledger ([`ledger_id`]).
const ID_LEN: usize = 16;

/// The head of the chain at one point in time.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
pub struct Seal {
    /// Sequence number of the head event.
    #[schemars(range(min = 1))]
    pub seq: u64,
    /// Its hash, hex.
    pub hash: String,
    /// Hash of the ledger's first event, hex: which ledger this seal is of.
    /// Absent in seals taken by older versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub genesis: Option<String>,
    /// When the seal was taken, RFC 3339.
    #[schemars(extend("format" = "date-time"))]
    pub sealed_at: String,
    /// Who took it.
    pub sealed_by: String,
}

/// What `ledger seal` has to do once the chain verified against every seal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NextSeal {
    /// The ledger has no events: there is nothing to seal.
    Empty,
    /// The head is already sealed (by this seal): nothing new to seal.
    Unchanged(Seal),
    /// A new seal of the head, to be stored.
    New(Seal),
}

/// The identity of the ledger whose first event has hash `genesis` (hex):
/// its first 16 hex characters. Seals in Vault live under it.
pub fn ledger_id(genesis: &str) -> &str {
    genesis.get(..ID_LEN).unwrap_or(genesis)
}

impl Ledger {
    /// Hash of the first event, hex (the ledger's identity), or `None` when
    /// the ledger is empty.
    pub fn genesis(&self) -> Result<Option<String>, LedgerError> {
        match self.get(1) {
            Ok(e) => Ok(Some(e.hash)),
            Err(LedgerError::NoSuchEvent(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// A seal of the current head, or `None` when the ledger is empty. It
    /// vouches for nothing by itself: `ledger seal` uses [`Ledger::next_seal`].
    pub fn seal(&self, sealed_by: &str) -> Result<Option<Seal>, LedgerError> {
        let Some((seq, hash)) = self.head()? else {
            return Ok(None);
        };
        Ok(Some(new_seal(
            seq,
            hex::encode(hash),
            self.genesis()?,
            sealed_by,
        )))
    }

    /// Verifies the chain against every seal in `existing` and decides what
    /// to seal: nothing for an empty ledger, nothing when the verified head
    /// is already sealed, else a new seal of the verified head.
    /// A chain that does not verify is [`LedgerError::Unverified`]: sealing
    /// it would vouch for the altered chain.
    pub fn next_seal(&self, existing: &[Seal], sealed_by: &str) -> Result<NextSeal, LedgerError> {
        let report = self.verify(existing, |_, _| {})?;
        if let Some(problem) = report.problem {
            return Err(LedgerError::Unverified(problem));
        }
        let Some(hash) = report.head_hash else {
            return Ok(NextSeal::Empty);
        };
        if let Some(done) = existing.iter().find(|s| s.seq == report.head_seq) {
            return Ok(NextSeal::Unchanged(done.clone()));
        }
        Ok(NextSeal::New(new_seal(
            report.head_seq,
            hash,
            self.genesis()?,
            sealed_by,
        )))
    }
}

fn new_seal(seq: u64, hash: String, genesis: Option<String>, sealed_by: &str) -> Seal {
    Seal {
        seq,
        hash,
        genesis,
        sealed_at: agov_core::time::format_us(agov_core::time::now_us()),
        sealed_by: sealed_by.to_string(),
    }
}

/// Reads every seal in a seal file (JSON Lines). A missing file has none.
pub fn read_file(path: &Path) -> Result<Vec<Seal>, LedgerError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(LedgerError::File {
                path: path.to_path_buf(),
                message: e.to_string(),
            });
        }
    };
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, line)| {
            serde_json::from_str(line).map_err(|e| LedgerError::File {
                path: path.to_path_buf(),
                message: format!("line {} is not a seal: {e}", i + 1),
            })
        })
        .collect()
}

/// Appends a seal to a seal file (created mode 0600) and flushes it to disk.
pub fn append_file(path: &Path, seal: &Seal) -> Result<(), LedgerError> {
    let line = serde_json::to_string(seal).expect("a seal always serialises");
    agov_core::fsutil::append_line(path, &line, 0o600).map_err(|e| LedgerError::File {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}
