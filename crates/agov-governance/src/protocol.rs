//! The JSON-lines protocol a `command` agent speaks on stdout, and the
//! governor's answers on its stdin. Shape: `schema/json/agent-protocol.schema.json`.
//!
//! A line that is not one of these messages is an error against the
//! agent's budget (key `protocol`), never a crash of the governor.

use serde::{Deserialize, Serialize};

use crate::phase::Phase;

/// Longest line read, in bytes; longer lines are malformed.
pub const MAX_LINE: usize = 64 * 1024;

/// A message from the agent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[schemars(
    title = "A line of the command-agent protocol",
    description = "One JSON object per line on a `command` agent's stdout. A line that is not one of these counts as an error (key `protocol`) against the agent's budget. The governor answers each `action` with one line on the agent's stdin: {\"type\":\"decision\",\"id\":…,\"decision\":\"allow|deny|needs_approval\",\"reason\":…}. In a pipeline, agents also write `post` (a blackboard section), `send` (a direct message), `vote`, `conflict`, `resolve` and `complexity`; an agent that is not in a pipeline gets an error for them. They get AGOV_PIPELINE_ID, AGOV_ROLE, AGOV_ROUND and AGOV_OUTPUT_DIR, and read the board or their messages with `read` (what: blackboard or messages; for the board optionally a section), answered on stdin with {\"type\":\"answer\",\"id\":…,\"data\":…} in the shape of `pipeline blackboard --json` or `pipeline messages --json`; reads count as calls (above 100 a minute the answers are throttled)."
)]
pub enum Message {
    /// It enters a phase.
    Phase {
        /// The phase.
        phase: Phase,
    },
    /// It is alive (and, optionally, how far along).
    Heartbeat {
        /// Words on its progress.
        #[serde(default)]
        note: Option<String>,
    },
    /// It did one of the packet's required steps (or any named step).
    Step {
        /// The step's name.
        name: String,
    },
    /// It asks to act; it must wait for the decision.
    Action {
        /// Its id for this request, echoed in the decision.
        id: String,
        /// `kind:target`, e.g. `cmd:terraform plan`.
        action: String,
    },
    /// Something went wrong.
    Error {
        /// Which errors count as "the same" (default: the message).
        #[serde(default)]
        key: Option<String>,
        /// What went wrong.
        message: String,
    },
    /// It produced an artifact.
    Artifact {
        /// The name, as in the packet's deliverables.
        name: String,
        /// Where it is, if it is a file.
        #[serde(default)]
        path: Option<String>,
    },
    /// A line for the log.
    Log {
        /// debug, info, warn or error.
        #[serde(default = "info")]
        #[schemars(extend("enum" = ["debug", "info", "warn", "error"]))]
        level: String,
        /// The text.
        message: String,
    },
    /// Pipelines only: writes to a blackboard section (problem, solutions, progress).
    Post {
        /// The section.
        section: Section,
        /// What to write (text or any JSON).
        content: serde_json::Value,
    },
    /// Pipelines only: a direct message to another agent of the pipeline.
    Send {
        /// The role it is for (alpha, beta, gamma).
        to: String,
        /// PROPOSAL, FEEDBACK or HANDOFF.
        kind: MessageKind,
        /// The message (text or any JSON).
        body: serde_json::Value,
    },
    /// Pipelines only: the agent's vote on the pipeline's result (a later
    /// vote replaces its earlier one).
    Vote {
        /// ACCEPT, REJECT or ABSTAIN.
        vote: VoteChoice,
        /// Why.
        reasoning: String,
        /// The proposal it judges: the id of a post in `solutions` this
        /// round (`alpha-r1-1`), as the blackboard shows it.
        #[serde(default)]
        proposal: Option<String>,
    },
    /// Pipelines only: a disagreement to be mediated (three unresolved ones spawn GAMMA).
    Conflict {
        /// What it is about.
        about: String,
        /// The role it disagrees with, if any.
        #[serde(default)]
        with: Option<String>,
    },
    /// Pipelines only: a conflict settled, by its id (`alpha-1`: the first
    /// conflict alpha raised in this round).
    Resolve {
        /// The conflict's id.
        conflict: String,
        /// How it was settled.
        #[serde(default)]
        note: Option<String>,
    },
    /// Pipelines only: the agent's estimate of the task's complexity, 0 to 1
    /// (above the plan's threshold, 0.8 by default, GAMMA is spawned).
    Complexity {
        /// The estimate.
        #[schemars(range(min = 0.0, max = 1.0))]
        score: f64,
    },
    /// Pipelines only: asks for the current round's blackboard or its own
    /// messages; the governor answers on stdin with an [`Answer`] of the
    /// same id. Agents read the pipeline only this way: they have no access
    /// to agov's data.
    Read {
        /// Its id for this request, echoed in the answer.
        id: String,
        /// What to read.
        what: ReadWhat,
        /// Blackboard only: just this section (problem, solutions, progress,
        /// conflicts, consensus).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(extend("enum" = ["problem", "solutions", "progress", "conflicts", "consensus"]))]
        section: Option<String>,
    },
}

/// What an agent may read of its pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReadWhat {
    /// The current round's blackboard, as `pipeline blackboard --json` shows it.
    Blackboard,
    /// The messages sent to it (and to all), oldest first.
    Messages,
}

/// The governor's answer to a [`Message::Read`], one JSON line on the agent's stdin.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    /// Always `answer`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The request's id.
    pub id: String,
    /// What was asked for.
    pub data: serde_json::Value,
}

/// A blackboard section an agent may write (the consensus section holds
/// votes, written only through [`Message::Vote`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// The problem as understood, open questions.
    Problem,
    /// Proposed solutions and results.
    Solutions,
    /// Progress notes.
    Progress,
}

impl Section {
    /// The section's name in keys and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Section::Problem => "problem",
            Section::Solutions => "solutions",
            Section::Progress => "progress",
        }
    }
}

/// The kind of a direct message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MessageKind {
    /// A proposed solution or change.
    Proposal,
    /// An answer to a proposal.
    Feedback,
    /// Work handed over.
    Handoff,
}

impl MessageKind {
    /// `PROPOSAL`, `FEEDBACK` or `HANDOFF`.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Proposal => "PROPOSAL",
            MessageKind::Feedback => "FEEDBACK",
            MessageKind::Handoff => "HANDOFF",
        }
    }
}

/// A vote.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VoteChoice {
    /// For.
    Accept,
    /// Against.
    Reject,
    /// Neither.
    Abstain,
}

impl VoteChoice {
    /// `ACCEPT`, `REJECT` or `ABSTAIN`.
    pub fn as_str(self) -> &'static str {
        match self {
            VoteChoice::Accept => "ACCEPT",
            VoteChoice::Reject => "REJECT",
            VoteChoice::Abstain => "ABSTAIN",
        }
    }
}

impl std::str::FromStr for VoteChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<VoteChoice, String> {
        match s.to_ascii_uppercase().as_str() {
            "ACCEPT" => Ok(VoteChoice::Accept),
            "REJECT" => Ok(VoteChoice::Reject),
            "ABSTAIN" => Ok(VoteChoice::Abstain),
            _ => Err(format!("`{s}` is not a vote (ACCEPT, REJECT or ABSTAIN)")),
        }
    }
}

fn info() -> String {
    "info".into()
}

/// The governor's answer to an action request, one JSON line on the agent's stdin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    /// Always `decision`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The request's id.
    pub id: String,
    /// allow, deny or needs_approval.
    pub decision: String,
    /// Why, when not allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Message {
    /// Reads one line. Errors say what is wrong, briefly, for the agent's log.
    pub fn parse(line: &str) -> Result<Message, String> {
        if line.len() > MAX_LINE {
            return Err(format!("line longer than {MAX_LINE} bytes"));
        }
        let line = line.trim();
        if !line.starts_with('{') {
            return Err("not a JSON object".into());
        }
        let m: Message = serde_json::from_str(line).map_err(|e| {
            let mut s = e.to_string();
            if let Some(i) = s.find(" at line ") {
                s.truncate(i);
            }
            s
        })?;
        let empty = match &m {
            Message::Step { name } | Message::Artifact { name, .. } => name.trim().is_empty(),
            Message::Action { id, action } => id.is_empty() || !action.contains(':'),
            Message::Read { id, .. } => id.is_empty(),
            Message::Error { message, .. } | Message::Log { message, .. } => message.is_empty(),
            Message::Send { to, .. } => to.trim().is_empty(),
            Message::Vote { reasoning, .. } => reasoning.trim().is_empty(),
            Message::Conflict { about, .. } => about.trim().is_empty(),
            Message::Resolve { conflict, .. } => conflict.trim().is_empty(),
            Message::Complexity { score } => !(0.0..=1.0).contains(score),
            _ => false,
        };
        if empty {
            return Err(
                "a required field is empty or out of range (an action must look like `kind:target`, a vote needs its reasoning, a complexity is 0 to 1)".into(),
            );
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_kind_parses() {
        assert_eq!(
            Message::parse(r#"{"type":"phase","phase":"PLAN"}"#),
            Ok(Message::Phase { phase: Phase::Plan })
        );
        assert_eq!(
            Message::parse(r#"{"type":"heartbeat"}"#),
            Ok(Message::Heartbeat { note: None })
        );
        assert!(matches!(
            Message::parse(r#"{"type":"action","id":"1","action":"cmd:ls"}"#),
            Ok(Message::Action { .. })
        ));
        assert!(matches!(
            Message::parse(r#"{"type":"error","message":"boom"}"#),
            Ok(Message::Error { key: None, .. })
        ));
        assert!(matches!(
            Message::parse(r#"{"type":"artifact","name":"r.md","path":"out/r.md"}"#),
            Ok(Message::Artifact { .. })
        ));
        assert_eq!(
            Message::parse(r#"{"type":"log","message":"hi"}"#),
            Ok(Message::Log {
                level: "info".into(),
                message: "hi".into()
            })
        );
    }

    #[test]
    fn pipeline_messages_parse() {
        assert_eq!(
            Message::parse(r#"{"type":"vote","vote":"ACCEPT","reasoning":"all links resolve"}"#),
            Ok(Message::Vote {
                vote: VoteChoice::Accept,
                reasoning: "all links resolve".into(),
                proposal: None,
            })
        );
        assert!(matches!(
            Message::parse(r#"{"type":"post","section":"solutions","content":{"broken":[]}}"#),
            Ok(Message::Post {
                section: Section::Solutions,
                ..
            })
        ));
        assert!(matches!(
            Message::parse(r#"{"type":"send","to":"beta","kind":"FEEDBACK","body":"ok"}"#),
            Ok(Message::Send {
                kind: MessageKind::Feedback,
                ..
            })
        ));
        assert!(matches!(
            Message::parse(r#"{"type":"conflict","about":"scope","with":"beta"}"#),
            Ok(Message::Conflict { .. })
        ));
        assert_eq!(
            Message::parse(r#"{"type":"resolve","conflict":"alpha-2"}"#),
            Ok(Message::Resolve {
                conflict: "alpha-2".into(),
                note: None
            })
        );
        assert_eq!(
            Message::parse(r#"{"type":"complexity","score":0.9}"#),
            Ok(Message::Complexity { score: 0.9 })
        );
    }

    #[test]
    fn malformed_lines_are_errors_not_panics() {
        for bad in [
            "",
            "hello",
            "{",
            "[1]",
            r#"{"type":"phase","phase":"LUNCH"}"#,
            r#"{"type":"teleport"}"#,
            r#"{"type":"phase","phase":"PLAN","extra":1}"#,
            r#"{"type":"action","id":"1","action":"ls"}"#,
            r#"{"type":"step","name":" "}"#,
            "{\"type\":\"log\",\"message\":\"\u{0}\"",
            r#"{"type":"vote","vote":"MAYBE","reasoning":"x"}"#,
            r#"{"type":"vote","vote":"ACCEPT","reasoning":" "}"#,
            r#"{"type":"post","section":"consensus","content":"x"}"#,
            r#"{"type":"send","to":"","kind":"PROPOSAL","body":"x"}"#,
            r#"{"type":"send","to":"beta","kind":"GOSSIP","body":"x"}"#,
            r#"{"type":"complexity","score":1.5}"#,
        ] {
            assert!(Message::parse(bad).is_err(), "{bad:?}");
        }
        assert!(
            Message::parse(&format!(
                "{{\"type\":\"log\",\"message\":\"{}\"}}",
                "x".repeat(MAX_LINE)
            ))
            .is_err()
        );
    }
}
