//! Seals: the head of the chain, recorded outside the database.
//!
//! A hash chain alone cannot tell a rewritten chain from the original: whoever
//! can write the database can recompute every hash. A seal taken at some time
//! (`ledger seal`, e.g. from cron) and kept where the database's writer cannot
//! reach it (Vault KV, or a file elsewhere) pins the head as it was; `verify`
//! then fails if the event at that sequence number changed or is gone.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::LedgerError;
use crate::store::Ledger;

/// The head of the chain at one point in time.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Seal {
    /// Sequence number of the head event.
    pub seq: u64,
    /// Its hash, hex.
    pub hash: String,
    /// When the seal was taken, RFC 3339.
    pub sealed_at: String,
    /// Who took it.
    pub sealed_by: String,
}

impl Ledger {
    /// A seal of the current head, or `None` when the ledger is empty.
    pub fn seal(&self, sealed_by: &str) -> Result<Option<Seal>, LedgerError> {
        Ok(self.head()?.map(|(seq, hash)| Seal {
            seq,
            hash: hex::encode(hash),
            sealed_at: agov_core::time::format_us(agov_core::time::now_us()),
            sealed_by: sealed_by.to_string(),
        }))
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
