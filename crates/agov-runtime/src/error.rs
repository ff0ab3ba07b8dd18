//! Runtime store errors.

use agov_core::{Classify, FailureClass};

/// What can go wrong with the runtime store.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// The server cannot be reached or dropped the connection.
    #[error("the runtime store at {url} is unavailable: {detail}")]
    Unavailable {
        /// The URL, password redacted.
        url: String,
        /// The cause.
        detail: String,
    },
    /// The server refused the credentials.
    #[error("the runtime store at {url} refused authentication: {detail}")]
    Auth {
        /// The URL, password redacted.
        url: String,
        /// The server's message.
        detail: String,
    },
    /// An operation on a key holding another type.
    #[error("key `{key}` holds a {found}, not a {wanted}")]
    WrongType {
        /// The key.
        key: String,
        /// Its type.
        found: String,
        /// The type the operation needs.
        wanted: &'static str,
    },
    /// A counter holding something that is not an integer.
    #[error("key `{0}` does not hold an integer")]
    NotInteger(String),
    /// Malformed input (a bad stream id …).
    #[error("{0}")]
    BadInput(String),
    /// An answer that makes no sense.
    #[error("unexpected answer from the runtime store: {0}")]
    Protocol(String),
    /// The embedded database failed.
    #[error(transparent)]
    Db(#[from] agov_sqlite::DbError),
}

impl Classify for RuntimeError {
    fn class(&self) -> FailureClass {
        match self {
            RuntimeError::Unavailable { .. } | RuntimeError::Auth { .. } => {
                FailureClass::Unavailable
            }
            RuntimeError::BadInput(_) => FailureClass::Usage,
            RuntimeError::Db(e) => e.class(),
            _ => FailureClass::Failed,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            RuntimeError::Unavailable { .. } => Some(
                "is Redis/Dragonfly running at that address? Check AGOV_RUNTIME_URL, or set it to `embedded`".into(),
            ),
            RuntimeError::Auth { .. } => Some(
                "check the password in AGOV_RUNTIME_URL (redis://:PASSWORD@host) or in Vault at runtime.password_secret".into(),
            ),
            RuntimeError::Db(e) => e.hint(),
            _ => None,
        }
    }
}
