//! One governed agent, from BOOTSTRAP to EXIT.
//!
//! A [`Run`] is the governor's side of one agent run. [`Run::bootstrap`]
//! refuses an agent on the revocation list, stores its packet, takes its
//! execution lock and obtains a token for its tier. Every call after that
//! (a phase change, a step, an error, an artifact, an action request)
//! heartbeats, refreshes the lock, checks the error budget and is ledgered;
//! a transition costs one runtime-store round trip and one ledger commit. A
//! breach, a missing deliverable after EXECUTE or a forbidden action revokes
//! the agent ([`Run::revoke`]): its token is revoked, it lands on the
//! revocation list, a violation row and a handoff are written and its trust
//! state is demoted. [`Run::finish`] is EXIT: it releases the lock, revokes
//! the token and records a compliant run, which may promote the agent.
//! [`command`] drives any executable through the JSON-lines protocol;
//! [`llm`] drives a model behind an OpenAI-compatible API.

pub mod collab;
pub mod command;
pub mod contain;
mod engine;
mod error;
pub mod llm;
pub mod records;

pub use engine::{Governor, LOCK_TTL, Outcome, Run, Under};
pub use error::AgentError;
