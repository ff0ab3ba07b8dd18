//! Instruction packets: what an agent is asked to do and within which bounds.
//! JSON shape: `schema/json/packet.schema.json`.

use agov_core::Tier;
use serde::{Deserialize, Serialize};

use crate::budget::Budget;
use crate::error::InputError;

/// Largest packet read, in bytes.
pub const MAX_PACKET_BYTES: usize = 1 << 20;

/// The bounds an agent works in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Constraints {
    /// Targets it may touch (glob patterns, e.g. `sandbox/*`); empty: what its tier allows.
    pub scope: Vec<String>,
    /// Actions it must never request (glob patterns over `kind:target`, e.g. `cmd:rm -rf *`).
    pub forbidden: Vec<String>,
    /// Steps it must report doing (by name) before VERIFY.
    pub required_steps: Vec<String>,
}

/// What to do when something happens: agov's `{when, then}`, or the
/// reference's rule in words (`"after 2 failed attempts, hand off"`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum EscalationRule {
    /// A condition and what to do.
    Rule(Rule),
    /// The rule in words, as the reference writes it.
    Text(#[schemars(length(min = 1))] String),
}

/// A condition and what to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The condition, in words or a trigger name (`budget_half_spent`, `blocked`).
    pub when: String,
    /// What to do (`notify`, `handoff`, `request_tier`, or words).
    pub then: String,
}

/// An instruction packet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "An instruction packet",
    description = "What one governed agent is asked to do and within which bounds (`pipeline agent run --packet FILE`). Unknown fields are refused; errors name the field."
)]
pub struct Packet {
    /// 1-64 letters, digits, -, _ or ., not starting with . ([`valid_id`]).
    #[schemars(regex(pattern = "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$"))]
    pub agent_id: String,
    /// The task it works on: the same rules as agent_id.
    #[schemars(regex(pattern = "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$"))]
    pub task_id: String,
    /// Its role (`alpha`, `beta`, `gamma`, or any name).
    #[serde(default)]
    pub role: Option<String>,
    /// Whom or what it was created for (a pipeline, a person's request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_for: Option<String>,
    /// What it is to achieve.
    pub objective: String,
    /// Artifacts it must produce by the end of EXECUTE (names).
    #[serde(default)]
    pub deliverables: Vec<String>,
    /// Its bounds.
    #[serde(default)]
    pub constraints: Constraints,
    /// How success is judged.
    #[serde(default)]
    pub success_criteria: Vec<String>,
    /// Counts at which it is revoked; defaults 8 / 2 / 1. A limit of 0
    /// is reached by the first error (or violation).
    #[serde(default)]
    pub error_budget: Budget,
    /// What to do when things go wrong.
    #[serde(default)]
    pub escalation_rules: Vec<EscalationRule>,
    /// The tier it asks to run under; the caller's tier caps it.
    #[serde(default)]
    pub tier: Option<Tier>,
    /// When it was created, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "date-time"))]
    pub created_at: Option<String>,
    /// How the round before ended, when an operator ran it again (a
    /// fallback): its round, the fallback, why it failed, the tally and
    /// each agent's outcome. Set by the pipeline; agov's addition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub previous_attempt: Option<serde_json::Value>,
}

/// A valid id: 1-64 of letters, digits, `-`, `_`, `.`, not starting with `.`.
pub fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && !s.starts_with('.')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

impl Packet {
    /// Reads and checks a packet; `what` names it in errors (`packet p.json`).
    pub fn parse(what: &str, text: &str) -> Result<Packet, InputError> {
        if text.len() > MAX_PACKET_BYTES {
            return Err(InputError::new(
                what,
                "(document)",
                format!("larger than {MAX_PACKET_BYTES} bytes"),
            ));
        }
        let p: Packet = InputError::parse_json(what, text)?;
        p.check(what)?;
        Ok(p)
    }

    fn check(&self, what: &str) -> Result<(), InputError> {
        let err = |field: &str, problem: &str| Err(InputError::new(what, field, problem));
        for (field, id) in [("agent_id", &self.agent_id), ("task_id", &self.task_id)] {
            if !valid_id(id) {
                return err(
                    field,
                    "1-64 letters, digits, `-`, `_` or `.`, not starting with `.`",
                );
            }
        }
        if self.objective.trim().is_empty() {
            return err("objective", "must say what the agent is to achieve");
        }
        let lists = [
            ("deliverables", &self.deliverables),
            ("constraints.scope", &self.constraints.scope),
            ("constraints.forbidden", &self.constraints.forbidden),
            (
                "constraints.required_steps",
                &self.constraints.required_steps,
            ),
            ("success_criteria", &self.success_criteria),
        ];
        for (field, list) in lists {
            if let Some(i) = list.iter().position(|s| s.trim().is_empty()) {
                return err(&format!("{field}[{i}]"), "must not be empty");
            }
        }
        for (i, r) in self.escalation_rules.iter().enumerate() {
            let problem = match r {
                EscalationRule::Rule(r) if r.when.trim().is_empty() || r.then.trim().is_empty() => {
                    "needs both `when` and `then`"
                }
                EscalationRule::Text(t) if t.trim().is_empty() => "must not be empty",
                _ => continue,
            };
            return err(&format!("escalation_rules[{i}]"), problem);
        }
        if let Some(at) = &self.created_at
            && humantime::parse_rfc3339_weak(at).is_err()
        {
            return err("created_at", "not an RFC 3339 time (2026-11-22T10:00:00Z)");
        }
        // A limit of 0 is allowed (a plan may say so): the first error
        // (or violation) reaches it.
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{
        "agent_id": "alpha-1", "task_id": "t42", "role": "alpha",
        "objective": "Find why token renewal fails",
        "deliverables": ["report.md"],
        "constraints": {"scope": ["sandbox/*"], "forbidden": ["cmd:rm -rf *"], "required_steps": ["reproduce"]},
        "success_criteria": ["root cause named"],
        "error_budget": {"max_total_errors": 4},
        "escalation_rules": [{"when": "blocked", "then": "handoff"}],
        "tier": 1
    }"#;

    /// An instruction packet exactly as the reference's interface has it.
    const REFERENCE: &str = r#"{
        "agent_id": "agent-7f3a", "task_id": "task-42",
        "created_for": "pipeline p-20260101",
        "objective": "Plan the staging rollout",
        "deliverables": ["plan.md"],
        "constraints": {"scope": ["infra/staging/*"], "forbidden": ["cmd:terraform apply*"], "required_steps": ["read state"]},
        "success_criteria": ["plan reviewed"],
        "error_budget": {"max_total_errors": 8, "max_same_error_repeats": 2, "max_procedure_violations": 1},
        "escalation_rules": ["after 2 failed attempts, hand off", "on scope doubt, ask the operator"],
        "created_at": "2026-01-01T09:30:00Z"
    }"#;

    #[test]
    fn the_reference_s_packet_reads_as_written_and_round_trips() {
        let p = Packet::parse("packet", REFERENCE).unwrap();
        assert_eq!(p.created_for.as_deref(), Some("pipeline p-20260101"));
        assert_eq!(p.created_at.as_deref(), Some("2026-01-01T09:30:00Z"));
        assert_eq!(
            p.escalation_rules[0],
            EscalationRule::Text("after 2 failed attempts, hand off".into())
        );
        let again = Packet::parse("packet", &serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(again, p);
        // agov's own rule form still reads, and both kinds are checked.
        let mixed = GOOD.replace(
            r#"[{"when": "blocked", "then": "handoff"}]"#,
            r#"[{"when": "blocked", "then": "handoff"}, "or else notify"]"#,
        );
        assert_eq!(
            Packet::parse("packet", &mixed)
                .unwrap()
                .escalation_rules
                .len(),
            2
        );
        for (bad, field) in [
            (
                REFERENCE.replace("\"after 2 failed attempts, hand off\"", "\" \""),
                "escalation_rules[0]",
            ),
            (
                REFERENCE.replace("2026-01-01T09:30:00Z", "yesterday"),
                "created_at",
            ),
        ] {
            assert_eq!(
                Packet::parse("packet", &bad).unwrap_err().field,
                field,
                "{bad}"
            );
        }
    }

    #[test]
    fn a_full_packet_reads_with_defaults_filled_in() {
        let p = Packet::parse("packet", GOOD).unwrap();
        assert_eq!(p.tier, Some(Tier::Operator));
        assert_eq!(
            p.error_budget,
            Budget {
                max_total_errors: 4,
                ..Budget::default()
            }
        );
        let minimal = Packet::parse(
            "packet",
            r#"{"agent_id":"a","task_id":"t","objective":"x"}"#,
        )
        .unwrap();
        assert_eq!(minimal.error_budget, Budget::default());
        assert!(minimal.deliverables.is_empty());
    }

    #[test]
    fn errors_name_the_field() {
        let cases = [
            (
                r#"{"agent_id":"a","task_id":"t"}"#,
                "(document)",
                "missing field `objective`",
            ),
            (
                r#"{"agent_id":"a","task_id":"t","objective":"x","constraints":{"forbidden":[3]}}"#,
                "constraints.forbidden[0]",
                "invalid type",
            ),
            (
                r#"{"agent_id":"a","task_id":"t","objective":"x","budget":{}}"#,
                "budget",
                "unknown field `budget`",
            ),
            (
                r#"{"agent_id":"a","task_id":"t","objective":"x","error_budget":{"max_total":1}}"#,
                "error_budget.max_total",
                "unknown field `max_total`",
            ),
            (
                r#"{"agent_id":"a b","task_id":"t","objective":"x"}"#,
                "agent_id",
                "letters, digits",
            ),
            (
                r#"{"agent_id":"a","task_id":"t","objective":"  "}"#,
                "objective",
                "must say",
            ),
            (
                r#"{"agent_id":"a","task_id":"t","objective":"x","tier":9}"#,
                "tier",
                "tier",
            ),
            (
                r#"{"agent_id":"a","task_id":"t","objective":"x","deliverables":["ok",""]}"#,
                "deliverables[1]",
                "must not be empty",
            ),
            ("not json", "(document)", "expected"),
        ];
        for (text, field, problem) in cases {
            let e = Packet::parse("packet", text).unwrap_err();
            assert_eq!(e.field, field, "{text}: {e}");
            assert!(e.problem.contains(problem), "{text}: {e}");
        }
    }

    #[test]
    fn a_budget_of_0_is_reached_by_the_first_error() {
        let p = Packet::parse(
            "packet",
            r#"{"agent_id":"a","task_id":"t","objective":"x","error_budget":{"max_total_errors":0,"max_same_error_repeats":0,"max_procedure_violations":0}}"#,
        )
        .unwrap();
        let b = p.error_budget;
        assert_eq!((b.max_total_errors, b.max_procedure_violations), (0, 0));
        let mut used = crate::budget::BudgetState::default();
        assert_eq!(used.remaining(&b).errors, 0);
        assert!(used.error("k", &b).is_some());
        assert!(used.violation(&b).is_some());
    }
}
