//! Handoffs: what a revoked (or finished) agent leaves for the next one.
//! JSON shape: `schema/json/handoff.schema.json`.

use serde::{Deserialize, Serialize};

use crate::error::InputError;
use crate::phase::Phase;

/// A handoff object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handoff {
    /// The agent that left it.
    pub agent_id: String,
    /// Its task.
    pub task_id: String,
    /// Why it was revoked (`null` when it finished normally).
    pub revocation_reason: Option<String>,
    /// The last phase it reached.
    pub last_phase: Phase,
    /// The last step it reported, if any.
    #[serde(default)]
    pub last_step: Option<String>,
    /// What it tried (steps and errors, newest last).
    #[serde(default)]
    pub tried: Vec<String>,
    /// What stopped it.
    #[serde(default)]
    pub blocking_issue: Option<String>,
    /// What the next agent must do first.
    #[serde(default)]
    pub next_actions: Vec<String>,
    /// Artifacts it produced (names).
    #[serde(default)]
    pub artifacts: Vec<String>,
    /// When, RFC 3339.
    pub created: String,
}

impl Handoff {
    /// Reads a handoff; `what` names it in errors.
    pub fn parse(what: &str, text: &str) -> Result<Handoff, InputError> {
        InputError::parse_json(what, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_names_bad_fields() {
        let h = Handoff {
            agent_id: "alpha-1".into(),
            task_id: "t42".into(),
            revocation_reason: Some("procedure violation: PREFLIGHT → EXECUTE skips PLAN".into()),
            last_phase: Phase::Preflight,
            last_step: Some("checked inputs".into()),
            tried: vec!["checked inputs".into()],
            blocking_issue: None,
            next_actions: vec!["start again from PLAN".into()],
            artifacts: vec![],
            created: "2026-11-22T10:00:00Z".into(),
        };
        let text = serde_json::to_string(&h).unwrap();
        assert!(text.contains("\"last_phase\":\"PREFLIGHT\""));
        assert_eq!(Handoff::parse("handoff", &text).unwrap(), h);
        let bad = text.replace("PREFLIGHT", "LUNCH");
        assert_eq!(
            Handoff::parse("handoff", &bad).unwrap_err().field,
            "last_phase"
        );
    }
}
