//! The governance rules (docs/agents.md), as data and pure functions.
//!
//! Nothing here talks to a backend: the lifecycle engine feeds these types
//! what happened and acts on their verdicts. [`packet`] and [`handoff`] are
//! the documents an agent starts from and leaves behind; [`phase`] the fixed
//! lifecycle order; [`budget`] the error budget; [`action`] what an action
//! really names and runs; [`rules`] what each tier may do and when it is
//! promoted; [`triggers`] the pipeline-level revocation
//! triggers; [`protocol`] the JSON-lines messages a command agent speaks.

pub mod action;
pub mod budget;
mod error;
pub mod escalation;
pub mod handoff;
pub mod packet;
pub mod phase;
pub mod protocol;
pub mod rules;
pub mod triggers;

pub use budget::{Breach, Budget, BudgetState};
pub use error::InputError;
pub use handoff::{Handoff, LastKnownState, Reason};
pub use packet::Packet;
pub use phase::Phase;
pub use rules::{Decision, TierRules};
