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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
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
        level: String,
        /// The text.
        message: String,
    },
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
            Message::Error { message, .. } | Message::Log { message, .. } => message.is_empty(),
            _ => false,
        };
        if empty {
            return Err(
                "a required field is empty (an action must look like `kind:target`)".into(),
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
