//! What can go wrong with a pipeline, classified for exit codes and hints.

use agov_core::{Classify, FailureClass};

/// A pipeline error.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The plan is invalid, or its templates could not be looked up.
    #[error(transparent)]
    Plan(#[from] agov_plan::PlanError),
    /// The request is malformed.
    #[error("{0}")]
    BadInput(String),
    /// No such pipeline.
    #[error("there is no pipeline `{0}`")]
    NotFound(String),
    /// The pipeline belongs to another tenant.
    #[error("pipeline {0} belongs to another tenant or project")]
    OtherTenant(String),
    /// The caller may not do this (a gate's approvers do not include them).
    #[error("{0}")]
    NotAllowed(String),
    /// No such stored plan (for this tenant).
    #[error("there is no stored plan `{0}`")]
    PlanNotFound(String),
    /// Another process drives it.
    #[error("pipeline {id} is being driven by {holder}")]
    LeaseHeld {
        /// The pipeline.
        id: String,
        /// Who holds its lease.
        holder: String,
    },
    /// This process stopped holding the lease (it lapsed and someone took over).
    #[error("lost the lease on pipeline {0}: another process took it over")]
    LeaseLost(String),
    /// The driver was interrupted (SIGINT, SIGTERM); the pipeline can be continued.
    #[error("interrupted: pipeline {0} stopped its running agents and can be continued")]
    Interrupted(String),
    /// The command does not apply in the pipeline's state.
    #[error("pipeline {id} is {status}: {detail}")]
    WrongState {
        /// The pipeline.
        id: String,
        /// Its status.
        status: String,
        /// What cannot be done.
        detail: String,
    },
    /// The sealed pipeline token could not be used.
    #[error("the pipeline token of {id} cannot be unsealed: {detail}")]
    Sealed {
        /// The pipeline.
        id: String,
        /// Why.
        detail: String,
    },
    /// A file could not be read or written.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// Why it failed.
        source: std::io::Error,
    },
    /// The runtime store failed.
    #[error(transparent)]
    Runtime(#[from] agov_runtime::RuntimeError),
    /// The ledger failed.
    #[error(transparent)]
    Ledger(#[from] agov_ledger::LedgerError),
    /// The token authority failed.
    #[error(transparent)]
    Token(#[from] agov_tokens::TokenError),
    /// An agent could not be run.
    #[error(transparent)]
    Agent(#[from] agov_agent::AgentError),
}

impl PipelineError {
    /// An I/O error while doing `what`.
    pub fn io(what: impl Into<String>, source: std::io::Error) -> PipelineError {
        PipelineError::Io {
            what: what.into(),
            source,
        }
    }
}

impl Classify for PipelineError {
    fn class(&self) -> FailureClass {
        match self {
            PipelineError::BadInput(_) => FailureClass::Usage,
            PipelineError::Plan(e) => e.class(),
            PipelineError::NotFound(_) | PipelineError::PlanNotFound(_) => FailureClass::NotFound,
            PipelineError::OtherTenant(_) | PipelineError::NotAllowed(_) => FailureClass::Denied,
            PipelineError::LeaseHeld { .. } | PipelineError::WrongState { .. } => {
                FailureClass::Usage
            }
            PipelineError::LeaseLost(_)
            | PipelineError::Interrupted(_)
            | PipelineError::Sealed { .. }
            | PipelineError::Io { .. } => FailureClass::Failed,
            PipelineError::Runtime(e) => e.class(),
            PipelineError::Ledger(e) => e.class(),
            PipelineError::Token(e) => e.class(),
            PipelineError::Agent(e) => e.class(),
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            PipelineError::Plan(e) => e.hint(),
            PipelineError::NotFound(_) => Some("`pipeline list --all` shows the pipelines".into()),
            PipelineError::PlanNotFound(_) => Some(
                "`pipeline plan list` shows the stored plans; `pipeline plan add FILE` stores one".into(),
            ),
            PipelineError::LeaseHeld { id, .. } => Some(format!(
                "`pipeline watch {id}` follows it; if that process died, its lease lapses and `pipeline continue {id}` takes over"
            )),
            PipelineError::LeaseLost(id) => Some(format!("`pipeline status {id}` shows who drives it now")),
            PipelineError::Interrupted(id) => Some(format!(
                "`pipeline continue {id}` runs the stopped agents again; `pipeline revoke {id}` ends it"
            )),
            PipelineError::WrongState { id, .. } => {
                Some(format!("`pipeline status {id}` shows where it stands"))
            }
            PipelineError::Sealed { .. } => Some(
                "the token is sealed with pipeline-token.key in the data folder of the machine that spawned it; continue it there, or `pipeline revoke` it"
                    .into(),
            ),
            PipelineError::Runtime(e) => e.hint(),
            PipelineError::Ledger(e) => e.hint(),
            PipelineError::Token(e) => e.hint(),
            PipelineError::Agent(e) => e.hint(),
            _ => None,
        }
    }
}
