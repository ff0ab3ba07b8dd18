//! The parts agents play in a pipeline ([`Role`]) and how they run
//! ([`Driver`]): shared by plans and agent templates.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An agent's part in a pipeline.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Research.
    Alpha,
    /// Synthesis.
    Beta,
    /// The mediator, spawned on its triggers.
    Gamma,
}

impl Role {
    /// `alpha`, `beta` or `gamma`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Alpha => "alpha",
            Role::Beta => "beta",
            Role::Gamma => "gamma",
        }
    }

    /// The role named `s`.
    pub fn parse(s: &str) -> Option<Role> {
        match s.to_ascii_lowercase().as_str() {
            "alpha" => Some(Role::Alpha),
            "beta" => Some(Role::Beta),
            "gamma" => Some(Role::Gamma),
            _ => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// How an agent runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Driver {
    /// A program speaking the JSON-lines protocol.
    #[default]
    Command,
    /// A model behind an OpenAI-compatible API (AGOV_LLM_*).
    Llm,
}

impl Driver {
    /// `command` or `llm`.
    pub fn as_str(self) -> &'static str {
        match self {
            Driver::Command => "command",
            Driver::Llm => "llm",
        }
    }
}
