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
    /// The identity presented may not perform a privileged act.
    #[error(
        "the Vault identity `{who}` may not {act}: its token lacks the agov-operator policy (Vault grants no `update` on agov/operator/{act})"
    )]
    NotOperator {
        /// The token's display name.
        who: String,
        /// The act.
        act: String,
    },
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
            TokenError::Invalid | TokenError::Refused(_) | TokenError::NotOperator { .. } => {
                FailureClass::Denied
            }
            TokenError::BadRequest(_) => FailureClass::Usage,
            TokenError::Vault(e) => e.class(),
            TokenError::Db(e) => e.class(),
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            TokenError::Invalid => Some("ask for a new token; `ledger query --action 'token.*'` shows what happened to the old one".into()),
            TokenError::NotOperator { .. } => Some("present an operator's Vault token in VAULT_TOKEN, one with the agov-operator policy (`bao token create -policy=agov-operator -display-name=NAME`; add -policy=agov-governor when agov has no AppRole credentials); `validate-phases --apply` installs the policy".into()),
            TokenError::Refused(_) | TokenError::BadRequest(_) => None,
            TokenError::Vault(e) => e.hint(),
            TokenError::Db(e) => e.hint(),
        }
    }
}
