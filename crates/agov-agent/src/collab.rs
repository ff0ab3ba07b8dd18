//! What an agent does when it is part of a pipeline, besides its lifecycle.
//!
//! The drivers hand the pipeline messages of the protocol (post, send, vote,
//! conflict, resolve, complexity) to a [`Collab`], which the pipeline layer
//! implements over its blackboard. A driver without one counts such a message
//! as an error against the agent's budget: it is not in a pipeline.

use agov_governance::protocol::{Message, ReadWhat};

use crate::engine::Run;
use crate::error::AgentError;

/// A pipeline, as seen by one of its agents.
pub trait Collab {
    /// Carries out one pipeline message from `run`'s agent.
    fn act(&mut self, run: &mut Run<'_>, message: Message) -> Result<(), AgentError>;

    /// Variables the agent's process gets besides the governor's
    /// (`AGOV_PIPELINE_ID`, `AGOV_ROLE`).
    fn env(&self) -> Vec<(String, String)>;

    /// The pipeline's objective and blackboard as text, for a model's prompt.
    fn context(&self) -> String;

    /// What the agent asked to read ([`Message::Read`]), as JSON.
    fn read(
        &mut self,
        what: ReadWhat,
        section: Option<&str>,
    ) -> Result<serde_json::Value, AgentError>;

    /// The agent's process started, so that a successor can stop it.
    fn started(&mut self, pid: u32);
}

/// True for the messages only an agent in a pipeline may send.
pub fn is_pipeline_message(m: &Message) -> bool {
    matches!(
        m,
        Message::Post { .. }
            | Message::Send { .. }
            | Message::Vote { .. }
            | Message::Conflict { .. }
            | Message::Resolve { .. }
            | Message::Complexity { .. }
            | Message::Read { .. }
    )
}
