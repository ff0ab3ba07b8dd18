//! Checkpoint errors.

use agov_core::{Classify, FailureClass};

/// What can go wrong with checkpoints.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    /// No such checkpoint for this tenant.
    #[error("no checkpoint {0}")]
    NotFound(String),
    /// The checkpoint belongs to another tenant.
    #[error("checkpoint {0} belongs to another tenant or project")]
    OtherTenant(String),
    /// Malformed input.
    #[error("{0}")]
    BadInput(String),
    /// The database failed.
    #[error(transparent)]
    Ledger(#[from] agov_ledger::LedgerError),
}

impl CheckpointError {
    pub(crate) fn db(path: &std::path::Path, e: rusqlite::Error) -> CheckpointError {
        CheckpointError::Ledger(agov_ledger::LedgerError::Db(agov_sqlite::DbError::sqlite(
            path, e,
        )))
    }
}

impl Classify for CheckpointError {
    fn class(&self) -> FailureClass {
        match self {
            CheckpointError::NotFound(_) => FailureClass::NotFound,
            CheckpointError::OtherTenant(_) => FailureClass::Denied,
            CheckpointError::BadInput(_) => FailureClass::Usage,
            CheckpointError::Ledger(e) => e.class(),
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            CheckpointError::NotFound(_) => {
                Some("`checkpoint timeline` lists the checkpoints".into())
            }
            CheckpointError::Ledger(e) => e.hint(),
            CheckpointError::BadInput(_) | CheckpointError::OtherTenant(_) => None,
        }
    }
}
