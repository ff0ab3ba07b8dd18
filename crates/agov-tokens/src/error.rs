//! Token authority errors.

use agov_core::{Classify, FailureClass};

/// What can go wrong issuing or checking tokens.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The token (or accessor) is revoked, expired or unknown.
    #[error("the token is revoked, expired or unknown")]
    Invalid,
    /// The request breaks a rule (a child above its parent's tier …).
    #[error("token request refused: {0}")]
    Refused(String),
    /// The request itself is malformed.
    #[error("invalid token request: {0}")]
    BadRequest(String),
    /// Vault failed.
    #[error(transparent)]
    Vault(#[from] agov_vault::VaultError),
    /// The embedded database failed.
    #[error(transparent)]
    Db(#[from] agov_sqlite::DbError),
}

impl Classify for TokenError {
    fn class(&self) -> FailureClass {
        match self {
            TokenError::Invalid | TokenError::Refused(_) => FailureClass::Denied,
            TokenError::BadRequest(_) => FailureClass::Usage,
            TokenError::Vault(e) => e.class(),
            TokenError::Db(e) => e.class(),
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            TokenError::Invalid => Some("ask for a new token; `ledger query --action 'token.*'` shows what happened to the old one".into()),
            TokenError::Refused(_) | TokenError::BadRequest(_) => None,
            TokenError::Vault(e) => e.hint(),
            TokenError::Db(e) => e.hint(),
        }
    }
}
