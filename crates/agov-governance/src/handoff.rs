//! Handoffs: what a revoked (or failed) agent leaves for the next one, in
//! the reference's shape. JSON shape: `schema/json/handoff.schema.json`.
//!
//! Handoffs written by earlier agov versions (`agent_id`, `last_phase`,
//! `last_step`, `tried`, `next_actions`, a reason as plain text) still read.

use serde::{Deserialize, Serialize};

use crate::error::InputError;
use crate::phase::Phase;

/// A handoff object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "Wire")]
#[schemars(
    title = "A handoff",
    description = "What a revoked (or failed) agent leaves for the next one (`pipeline handoff TASK`), in the reference system's shape plus `created`. Handoffs stored by earlier versions are shown in this shape."
)]
pub struct Handoff {
    /// The task.
    pub task_id: String,
    /// The agent that left it.
    pub previous_agent_id: String,
    /// True when agov revoked it; false when it failed (stopped before
    /// EXIT).
    pub revoked: bool,
    /// Why it stopped; null when it ended normally.
    pub revocation_reason: Option<Reason>,
    /// Where it was.
    pub last_known_state: LastKnownState,
    /// Steps and errors, newest last.
    pub what_was_tried: Vec<String>,
    /// What stopped it.
    pub blocking_issue: Option<String>,
    /// What the next agent must do first.
    pub required_next_actions: Vec<String>,
    /// The bounds it worked in: scope, forbidden actions, required steps,
    /// deliverables.
    pub constraints_reminder: Vec<String>,
    /// Artifacts it produced (names).
    pub artifacts: Vec<String>,
    /// When, RFC 3339 (agov's addition).
    #[schemars(extend("format" = "date-time"))]
    pub created: String,
}

/// Why an agent stopped: a kind and the details.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    /// `procedure`, `budget`, `forbidden`, `trigger`, `failure`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// What happened.
    pub details: String,
}

/// The phase and step it reached.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LastKnownState {
    /// The last phase reached.
    pub phase: Phase,
    /// The last step reported (`null`: none).
    #[serde(default)]
    pub step: Option<String>,
}

impl Handoff {
    /// Reads a handoff; `what` names it in errors.
    pub fn parse(what: &str, text: &str) -> Result<Handoff, InputError> {
        InputError::parse_json(what, text)
    }
}

/// A reason as written: the reference's object, or earlier agov's text.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
enum WireReason {
    Object(Reason),
    Text(String),
}

/// What a handoff may look like on the wire: the reference's fields, and
/// the names earlier agov versions wrote.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct Wire {
    task_id: String,
    #[serde(default, alias = "agent_id")]
    previous_agent_id: Option<String>,
    #[serde(default)]
    revoked: Option<bool>,
    #[serde(default)]
    revocation_reason: Option<WireReason>,
    #[serde(default)]
    last_known_state: Option<LastKnownState>,
    #[serde(default)]
    last_phase: Option<Phase>,
    #[serde(default)]
    last_step: Option<String>,
    #[serde(default, alias = "tried")]
    what_was_tried: Vec<String>,
    #[serde(default)]
    blocking_issue: Option<String>,
    #[serde(default, alias = "next_actions")]
    required_next_actions: Vec<String>,
    #[serde(default)]
    constraints_reminder: Vec<String>,
    #[serde(default)]
    artifacts: Vec<String>,
    #[serde(default)]
    created: Option<String>,
}

impl TryFrom<Wire> for Handoff {
    type Error = String;

    fn try_from(w: Wire) -> Result<Handoff, String> {
        let previous_agent_id = w
            .previous_agent_id
            .ok_or("missing field `previous_agent_id`")?;
        let last_known_state = match (w.last_known_state, w.last_phase) {
            (Some(s), _) => s,
            (None, Some(phase)) => LastKnownState {
                phase,
                step: w.last_step,
            },
            (None, None) => return Err("missing field `last_known_state`".into()),
        };
        let revocation_reason = w.revocation_reason.map(|r| match r {
            WireReason::Object(r) => r,
            WireReason::Text(details) => Reason {
                kind: "revoked".into(),
                details,
            },
        });
        Ok(Handoff {
            task_id: w.task_id,
            previous_agent_id,
            // Earlier agov wrote a reason only for a stop it imposed.
            revoked: w.revoked.unwrap_or(revocation_reason.is_some()),
            revocation_reason,
            last_known_state,
            what_was_tried: w.what_was_tried,
            blocking_issue: w.blocking_issue,
            required_next_actions: w.required_next_actions,
            constraints_reminder: w.constraints_reminder,
            artifacts: w.artifacts,
            created: w.created.unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A handoff exactly as the reference's interface has it.
    const REFERENCE: &str = r#"{
        "task_id": "task-42",
        "previous_agent_id": "agent-7f3a",
        "revoked": true,
        "revocation_reason": {"type": "procedure_violation", "details": "PREFLIGHT -> EXECUTE skips PLAN"},
        "last_known_state": {"phase": "PREFLIGHT", "step": "checked inputs"},
        "what_was_tried": ["checked inputs"],
        "blocking_issue": "skipped PLAN",
        "required_next_actions": ["start again from PLAN"],
        "constraints_reminder": ["scope: infra/staging/*", "forbidden: cmd:terraform apply*"],
        "artifacts": []
    }"#;

    #[test]
    fn the_reference_s_handoff_reads_as_written_and_round_trips() {
        let h = Handoff::parse("handoff", REFERENCE).unwrap();
        assert!(h.revoked);
        assert_eq!(
            h.revocation_reason.as_ref().unwrap().kind,
            "procedure_violation"
        );
        assert_eq!(h.last_known_state.phase, Phase::Preflight);
        assert_eq!(h.constraints_reminder.len(), 2);
        let text = serde_json::to_string(&h).unwrap();
        for field in [
            "previous_agent_id",
            "\"revoked\":true",
            "\"type\":\"procedure_violation\"",
            "last_known_state",
            "what_was_tried",
            "required_next_actions",
            "constraints_reminder",
        ] {
            assert!(text.contains(field), "{field} in {text}");
        }
        assert_eq!(Handoff::parse("handoff", &text).unwrap(), h);
        let bad = text.replace("PREFLIGHT", "LUNCH");
        assert_eq!(
            Handoff::parse("handoff", &bad).unwrap_err().field,
            "last_known_state.phase"
        );
    }

    #[test]
    fn a_handoff_of_an_earlier_agov_still_reads() {
        let old = r#"{"agent_id":"alpha-1","task_id":"t42","revocation_reason":"budget spent",
            "last_phase":"EXECUTE","last_step":"ran tests","tried":["ran tests"],
            "blocking_issue":"budget spent","next_actions":["resume"],"artifacts":[],
            "created":"2026-11-22T10:00:00Z"}"#;
        let h = Handoff::parse("handoff", old).unwrap();
        assert_eq!(h.previous_agent_id, "alpha-1");
        assert!(h.revoked);
        assert_eq!(h.revocation_reason.unwrap().details, "budget spent");
        assert_eq!(h.last_known_state.step.as_deref(), Some("ran tests"));
        assert_eq!(h.required_next_actions, ["resume"]);
        let unknown = old.replace("\"tried\"", "\"tired\"");
        assert!(Handoff::parse("handoff", &unknown).is_err());
    }
}
