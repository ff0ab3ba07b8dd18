//! Bug log errors.

use agov_core::{Classify, FailureClass};

use crate::model::Status;

/// What can go wrong with the bug log.
#[derive(Debug, thiserror::Error)]
pub enum BugError {
    /// No such bug (for this tenant).
    #[error("no bug {0}")]
    NotFound(String),
    /// The bug belongs to another tenant.
    #[error("bug {0} belongs to another tenant or project")]
    OtherTenant(String),
    /// The status change is not allowed.
    #[error("{id} is {from}; it cannot become {to}")]
    IllegalTransition {
        /// The bug.
        id: String,
        /// Its status.
        from: Status,
        /// The status asked for.
        to: Status,
    },
    /// Someone else holds the bug.
    #[error("{id} is already claimed by {holder}")]
    Claimed {
        /// The bug.
        id: String,
        /// Who holds it.
        holder: String,
    },
    /// The bug cannot be claimed in its status.
    #[error("{id} is {status}: only open or in-progress bugs can be claimed")]
    NotClaimable {
        /// The bug.
        id: String,
        /// Its status.
        status: Status,
    },
    /// Malformed input.
    #[error("{0}")]
    BadInput(String),
    /// The database failed.
    #[error(transparent)]
    Ledger(#[from] agov_ledger::LedgerError),
}

impl BugError {
    pub(crate) fn db(path: &std::path::Path, e: rusqlite::Error) -> BugError {
        BugError::Ledger(agov_ledger::LedgerError::Db(agov_sqlite::DbError::sqlite(
            path, e,
        )))
    }
}

impl Classify for BugError {
    fn class(&self) -> FailureClass {
        match self {
            BugError::NotFound(_) => FailureClass::NotFound,
            BugError::OtherTenant(_) | BugError::Claimed { .. } | BugError::NotClaimable { .. } => {
                FailureClass::Denied
            }
            BugError::IllegalTransition { .. } | BugError::BadInput(_) => FailureClass::Usage,
            BugError::Ledger(e) => e.class(),
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            BugError::NotFound(_) => Some("`bugs list --status all` shows every bug".into()),
            BugError::IllegalTransition { from, .. } => Some(format!(
                "from {from} a bug can become: {}",
                from.next()
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            BugError::Claimed { id, .. } => {
                Some(format!("`bugs get {id}` shows who holds it and since when"))
            }
            BugError::NotClaimable { id, .. } => Some(format!(
                "if it is not fixed after all, reopen it first: `bugs update {id} open`, then claim it"
            )),
            BugError::Ledger(e) => e.hint(),
            _ => None,
        }
    }
}
