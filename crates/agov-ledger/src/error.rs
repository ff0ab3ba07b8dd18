//! Ledger errors.

use std::path::PathBuf;

use agov_core::{Classify, FailureClass};
use agov_sqlite::DbError;

use crate::verify::Problem;

/// What can go wrong with the ledger.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// Opening or using the database failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// No event has this sequence number.
    #[error("no ledger event #{0}")]
    NoSuchEvent(u64),
    /// The chain does not verify, so it must not be sealed.
    #[error(
        "refusing to seal: the ledger does not verify at event #{}: {}",
        .0.seq,
        .0.reason
    )]
    Unverified(Problem),
    /// The HMAC key could not be loaded (e.g. from Vault).
    #[error("{message}")]
    Key {
        /// What went wrong.
        message: String,
        /// Its class (Vault down: unavailable, …).
        class: FailureClass,
        /// What to do.
        hint: Option<String>,
    },
    /// The HMAC key file or seal file could not be used.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

impl LedgerError {
    pub(crate) fn db(path: &std::path::Path, e: rusqlite::Error) -> LedgerError {
        LedgerError::Db(DbError::sqlite(path, e))
    }

    pub(crate) fn key(message: &str) -> LedgerError {
        LedgerError::Key {
            message: message.to_string(),
            class: FailureClass::Failed,
            hint: None,
        }
    }
}

impl Classify for LedgerError {
    fn class(&self) -> FailureClass {
        match self {
            LedgerError::Db(e) => e.class(),
            LedgerError::NoSuchEvent(_) => FailureClass::NotFound,
            LedgerError::Key { class, .. } => *class,
            LedgerError::Unverified(_) | LedgerError::File { .. } => FailureClass::Failed,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            LedgerError::Db(e) => e.hint(),
            LedgerError::NoSuchEvent(_) => {
                Some("`ledger tail` shows the latest sequence numbers".into())
            }
            LedgerError::Key { hint, .. } => hint.clone(),
            LedgerError::Unverified(p) => Some(format!(
                "a seal now would vouch for the altered chain; `ledger show {}` shows the event, restore the ledger from a backup or an export",
                p.seq
            )),
            LedgerError::File { .. } => {
                Some("check the file's permissions (it should be 0600 and owned by you)".into())
            }
        }
    }
}
