//! Vault errors, classified for exit codes and hints.

use agov_core::{Classify, FailureClass};

/// What went wrong talking to Vault.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// Vault is configured without credentials.
    #[error("Vault at {addr} is configured but agov has no credentials for it")]
    NoCredentials {
        /// The address.
        addr: String,
    },
    /// The client could not be set up (bad CA file, bad address).
    #[error("cannot set up the Vault client: {0}")]
    Setup(String),
    /// Nothing answered, or the connection failed.
    #[error("Vault at {addr} is unreachable: {detail}")]
    Unreachable {
        /// The address.
        addr: String,
        /// The cause.
        detail: String,
    },
    /// Vault answered that it is sealed.
    #[error("Vault at {addr} is sealed")]
    Sealed {
        /// The address.
        addr: String,
    },
    /// The token was refused or lacks the capability.
    #[error("Vault refused {what}: {detail}")]
    Denied {
        /// The operation.
        what: String,
        /// Vault's message.
        detail: String,
    },
    /// The path or object does not exist.
    #[error("Vault has no {what}")]
    NotFound {
        /// What was looked for.
        what: String,
    },
    /// Any other answer from Vault.
    #[error("Vault failed {what} (HTTP {code}): {detail}")]
    Api {
        /// The operation.
        what: String,
        /// HTTP status.
        code: u16,
        /// Vault's messages.
        detail: String,
    },
}

impl VaultError {
    /// Classifies an HTTP status and Vault's error text.
    pub fn from_status(addr: &str, what: &str, code: u16, detail: &str) -> VaultError {
        let lower = detail.to_ascii_lowercase();
        match code {
            503 if lower.contains("sealed") => VaultError::Sealed {
                addr: addr.to_string(),
            },
            503 => VaultError::Unreachable {
                addr: addr.to_string(),
                detail: format!("HTTP 503: {detail}"),
            },
            401 | 403 => VaultError::Denied {
                what: what.to_string(),
                detail: detail.to_string(),
            },
            400 if lower.contains("bad token")
                || lower.contains("invalid token")
                || lower.contains("invalid role or secret id")
                || lower.contains("invalid accessor")
                || lower.contains("unauthorized by cidr restrictions") =>
            {
                VaultError::Denied {
                    what: what.to_string(),
                    detail: detail.to_string(),
                }
            }
            404 => VaultError::NotFound {
                what: what.to_string(),
            },
            _ => VaultError::Api {
                what: what.to_string(),
                code,
                detail: detail.to_string(),
            },
        }
    }
}

pub(crate) use agov_core::failure::error_chain;

impl Classify for VaultError {
    fn class(&self) -> FailureClass {
        match self {
            VaultError::NoCredentials { .. } | VaultError::Setup(_) => FailureClass::Usage,
            VaultError::Unreachable { .. } | VaultError::Sealed { .. } => FailureClass::Unavailable,
            VaultError::Denied { .. } => FailureClass::Denied,
            VaultError::NotFound { .. } => FailureClass::NotFound,
            VaultError::Api { .. } => FailureClass::Failed,
        }
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            VaultError::NoCredentials { .. } => {
                "set VAULT_TOKEN, or AGOV_VAULT_ROLE_ID with AGOV_VAULT_SECRET_ID (or vault.role_id and vault.secret_id_file in the config)".into()
            }
            VaultError::Setup(_) => "check VAULT_ADDR and VAULT_CACERT".into(),
            VaultError::Unreachable { .. } => {
                "is Vault running at that address? Check VAULT_ADDR, or unset it to use the embedded token authority".into()
            }
            VaultError::Sealed { .. } => "unseal it (`bao operator unseal` / `vault operator unseal`) and retry".into(),
            VaultError::Denied { what, .. } if what == "AppRole login" => {
                "check AGOV_VAULT_ROLE_ID and AGOV_VAULT_SECRET_ID; a new secret id: `bao write -f -field=secret_id auth/approle/role/agov/secret-id`".into()
            }
            VaultError::Denied { .. } => {
                "the token is revoked or expired, or its policy lacks this path; `validate-phases --apply` installs agov's policies".into()
            }
            VaultError::NotFound { .. } => return None,
            VaultError::Api { .. } => "see Vault's message above; Vault's own log has the details".into(),
        })
    }
}
