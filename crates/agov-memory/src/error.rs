//! Memory store errors.

use agov_core::{Classify, FailureClass};

/// What can go wrong with the memory store.
#[derive(Debug, thiserror::Error)]
pub enum MemoryError {
    /// No such entry (for this tenant).
    #[error("no memory entry {0}")]
    NotFound(String),
    /// The entry belongs to another tenant.
    #[error("memory entry {0} belongs to another tenant or project")]
    OtherTenant(String),
    /// Malformed input or arguments.
    #[error("{0}")]
    BadInput(String),
    /// Reading the content failed.
    #[error("cannot read the content: {0}")]
    Read(#[source] std::io::Error),
    /// Writing the content out failed.
    #[error("cannot write the content: {0}")]
    Write(#[source] std::io::Error),
    /// Compressing or decompressing failed.
    #[error("compression failed: {0}")]
    Compress(#[source] std::io::Error),
    /// Stored content does not match its hash, or a chunk is missing.
    #[error("the memory store is damaged: {0}")]
    Corrupt(String),
    /// A bug in agov.
    #[error("internal error: {0}")]
    Internal(String),
    /// The database failed.
    #[error(transparent)]
    Ledger(#[from] agov_ledger::LedgerError),
}

impl MemoryError {
    pub(crate) fn db(path: &std::path::Path, e: rusqlite::Error) -> MemoryError {
        MemoryError::Ledger(agov_ledger::LedgerError::Db(agov_sqlite::DbError::sqlite(
            path, e,
        )))
    }

    /// True when writing the output failed because the reader went away.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, MemoryError::Write(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

impl From<agov_sqlite::DbError> for MemoryError {
    fn from(e: agov_sqlite::DbError) -> MemoryError {
        MemoryError::Ledger(agov_ledger::LedgerError::Db(e))
    }
}

impl Classify for MemoryError {
    fn class(&self) -> FailureClass {
        match self {
            MemoryError::NotFound(_) => FailureClass::NotFound,
            MemoryError::OtherTenant(_) => FailureClass::Denied,
            MemoryError::BadInput(_) | MemoryError::Read(_) => FailureClass::Usage,
            MemoryError::Write(_)
            | MemoryError::Compress(_)
            | MemoryError::Corrupt(_)
            | MemoryError::Internal(_) => FailureClass::Failed,
            MemoryError::Ledger(e) => e.class(),
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            MemoryError::NotFound(_) => Some("`memory list` shows the entries".into()),
            MemoryError::Corrupt(_) => Some(
                "`ledger verify` checks the ledger; remove the damaged entry with `memory rm ID` and log it again".into(),
            ),
            MemoryError::Ledger(e) => e.hint(),
            _ => None,
        }
    }
}
