//! Template registry errors.

use agov_core::{Classify, FailureClass};

/// What can go wrong with the template registry.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// No such template (for this tenant).
    #[error("no template {0}")]
    NotFound(String),
    /// A template file or argument is malformed.
    #[error("{0}")]
    BadInput(String),
    /// The same name and version is already stored with other content.
    #[error("template {0} is already stored with other content")]
    Conflict(String),
    /// The database failed.
    #[error(transparent)]
    Ledger(#[from] agov_ledger::LedgerError),
}

impl TemplateError {
    pub(crate) fn db(path: &std::path::Path, e: rusqlite::Error) -> TemplateError {
        TemplateError::Ledger(agov_ledger::LedgerError::Db(agov_sqlite::DbError::sqlite(
            path, e,
        )))
    }
}

impl Classify for TemplateError {
    fn class(&self) -> FailureClass {
        match self {
            TemplateError::NotFound(_) => FailureClass::NotFound,
            TemplateError::BadInput(_) | TemplateError::Conflict(_) => FailureClass::Usage,
            TemplateError::Ledger(e) => e.class(),
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            TemplateError::NotFound(_) => Some(
                "`pipeline templates list` shows the stored templates; `pipeline templates add examples/templates` installs the examples".into(),
            ),
            TemplateError::Conflict(_) => Some(
                "a version never changes once added: give the new content a higher `version`, or `pipeline templates rm NAME@VERSION` first".into(),
            ),
            TemplateError::Ledger(e) => e.hint(),
            TemplateError::BadInput(_) => None,
        }
    }
}
