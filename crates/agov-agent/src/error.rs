//! Lifecycle errors.

use agov_core::{Classify, FailureClass};

/// What stops an agent from running (as opposed to what revokes it, which
/// is an [`crate::Outcome`]).
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    /// The agent is on the revocation list.
    #[error("agent {agent} is revoked: {reason}")]
    OnRevocationList {
        /// The agent.
        agent: String,
        /// Why it was revoked.
        reason: String,
    },
    /// Another run of the agent holds its execution lock.
    #[error("agent {agent} is already running (lock held by run {holder})")]
    LockHeld {
        /// The agent.
        agent: String,
        /// The run holding it.
        holder: String,
    },
    /// The agent asked for a tier it has not earned.
    #[error("agent {agent} may run at tier {earned} at most; tier {asked} was asked for")]
    TierTooHigh {
        /// The agent.
        agent: String,
        /// Its earned tier.
        earned: u8,
        /// The tier asked for.
        asked: u8,
    },
    /// The tenant's quota does not allow the tier.
    #[error("tenant {tenant} may request tier {max} at most; tier {asked} was asked for")]
    AboveTenantQuota {
        /// The tenant.
        tenant: String,
        /// Its highest tier.
        max: u8,
        /// The tier asked for.
        asked: u8,
    },
    /// A bad request.
    #[error("{0}")]
    BadInput(String),
    /// Starting or talking to the agent process failed.
    #[error("agent process: {0}")]
    Process(String),
    /// The token authority failed.
    #[error(transparent)]
    Token(#[from] agov_tokens::TokenError),
    /// The runtime store failed.
    #[error(transparent)]
    Runtime(#[from] agov_runtime::RuntimeError),
    /// The ledger failed.
    #[error(transparent)]
    Ledger(#[from] agov_ledger::LedgerError),
    /// A document was invalid.
    #[error(transparent)]
    Input(#[from] agov_governance::InputError),
    /// The agent cannot be confined as its tier needs; it was not started.
    #[error(transparent)]
    Sandbox(#[from] agov_sandbox::SandboxError),
}

impl AgentError {
    pub(crate) fn db(path: &std::path::Path, e: rusqlite::Error) -> AgentError {
        AgentError::Ledger(agov_ledger::LedgerError::Db(agov_sqlite::DbError::sqlite(
            path, e,
        )))
    }
}

impl Classify for AgentError {
    fn class(&self) -> FailureClass {
        match self {
            AgentError::OnRevocationList { .. }
            | AgentError::LockHeld { .. }
            | AgentError::TierTooHigh { .. }
            | AgentError::AboveTenantQuota { .. } => FailureClass::Denied,
            AgentError::BadInput(_) => FailureClass::Usage,
            AgentError::Process(_) => FailureClass::Failed,
            AgentError::Token(e) => e.class(),
            AgentError::Runtime(e) => e.class(),
            AgentError::Ledger(e) => e.class(),
            AgentError::Input(e) => e.class(),
            AgentError::Sandbox(
                agov_sandbox::SandboxError::Profile(_) | agov_sandbox::SandboxError::Places(_),
            ) => FailureClass::Usage,
            AgentError::Sandbox(_) => FailureClass::Unavailable,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            AgentError::OnRevocationList { agent, .. } => Some(format!(
                "`pipeline handoff TASK` shows what it left; `pipeline agents reinstate {agent}` lets it run again"
            )),
            AgentError::LockHeld { agent, .. } => Some(format!(
                "`pipeline agents show {agent}` shows the running instance; a crashed one's lock expires within 30 s"
            )),
            AgentError::TierTooHigh { agent, .. } => Some(format!(
                "run it lower, or `pipeline agents promote {agent}` once it has earned it"
            )),
            AgentError::AboveTenantQuota { tenant, .. } => Some(format!(
                "the quota is `max_tier` under [tenants.{tenant}] in the config file"
            )),
            AgentError::Token(e) => e.hint(),
            AgentError::Runtime(e) => e.hint(),
            AgentError::Ledger(e) => e.hint(),
            AgentError::Input(e) => e.hint(),
            AgentError::Sandbox(e) => Some(e.hint()),
            _ => None,
        }
    }
}
