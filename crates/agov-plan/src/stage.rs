//! Stages: a plan's steps as a DAG instead of the ALPHA/BETA/GAMMA roles.
//!
//! ```yaml
//! stages:
//!   - name: plan
//!     command: [sh, tf-plan.sh]
//!     deliverables: [plan.txt]
//!     retry: { max: 2, backoff: 1s }    # waits 1s, then 2s
//!     timeout: 5m
//!   - name: review
//!     template: terraform-plan-reviewer@1
//!     requires: [plan]
//!   - name: approve
//!     type: human-gate
//!     requires: [review]
//!     approvers: [ana]                  # OS users or Vault identities; none: anyone
//!     timeout: 24h
//!   - name: notify-failure
//!     requires: [review]
//!     when: review == failed            # runs only then
//!     command: [sh, notify.sh]
//! ```
//!
//! A stage runs once everything it `requires` has ended; stages that do not
//! depend on each other run in parallel. A stage whose requirement failed
//! (or was skipped) fails (or is skipped) too, unless its `when` names that
//! requirement; siblings go on. A `when` that is false skips the stage.

use std::collections::BTreeMap;
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::plan::AgentSpec;
use agov_core::role::Role;

/// Most stages a plan may have.
pub const MAX_STAGES: usize = 2000;
/// Most retries a stage may ask for.
pub const MAX_RETRIES: u32 = 10;

/// What a stage is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum StageKind {
    /// One governed agent.
    #[default]
    Agent,
    /// A person approves (`pipeline approve ID --stage S`) or rejects.
    HumanGate,
}

/// How a failed stage is tried again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Retry {
    /// Tries after the first (0 to 10), for a try that failed or timed out
    /// (a revoked agent is not retried).
    #[schemars(range(max = MAX_RETRIES))]
    pub max: u32,
    /// The wait before the first retry, doubled before each next (`1s`).
    pub backoff: String,
}

impl Default for Retry {
    fn default() -> Retry {
        Retry {
            max: 0,
            backoff: "1s".into(),
        }
    }
}

impl Retry {
    /// The wait before retry `n` (1 for the first).
    pub fn wait(&self, n: u32) -> Duration {
        let base = agov_core::time::parse_duration(&self.backoff).unwrap_or(Duration::from_secs(1));
        base.saturating_mul(1u32 << n.saturating_sub(1).min(16))
    }
}

/// One stage of a plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
// Unknown keys are refused by the flattened agent's `deny_unknown_fields`.
#[schemars(extend("additionalProperties" = false))]
pub struct Stage {
    /// Unique in the plan; `requires`, `when` and `pipeline approve
    /// --stage` name it.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_.-]{1,64}$"))]
    pub name: String,
    /// agent: one governed agent (the agent fields). human-gate: waits for
    /// `pipeline approve ID --stage NAME` (or --reject) until `timeout`
    /// (default 24h); runs nothing.
    #[serde(rename = "type", default)]
    pub kind: StageKind,
    /// The role it takes on the blackboard (default: its template's, else alpha).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Stages that must end first. A requirement that failed fails this
    /// stage (one that was skipped skips it) unless `when` names it. Cycles
    /// are errors.
    #[serde(default)]
    pub requires: Vec<String>,
    /// Runs only if this holds, else skipped: `STAGE ==
    /// completed|failed|skipped` (or `!=`), joined by `and`; the stages
    /// named must be in `requires`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// How a failure is tried again.
    #[serde(default)]
    pub retry: Retry,
    /// How long one try may run before it is stopped and counts as failed;
    /// for a gate, how long it waits for a decision (default 24h).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// A gate's: who may decide it (OS user names, or Vault display names);
    /// empty: anyone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub approvers: Vec<String>,
    /// The agent, for an agent stage (its fields sit beside the stage's).
    #[serde(flatten)]
    pub agent: AgentSpec,
}

/// How long a gate waits when its plan says nothing.
pub const GATE_TIMEOUT: Duration = Duration::from_secs(24 * 3600);

impl Stage {
    /// The role it takes.
    pub fn role(&self) -> Role {
        self.role.unwrap_or(Role::Alpha)
    }

    /// Its timeout: the declared one, for a gate else 24 h, else none.
    pub fn timeout(&self) -> Option<Duration> {
        match &self.timeout {
            Some(t) => agov_core::time::parse_duration(t).ok(),
            None if self.kind == StageKind::HumanGate => Some(GATE_TIMEOUT),
            None => None,
        }
    }

    /// Its condition, parsed (`None` without one).
    pub fn condition(&self) -> Option<Result<Condition, String>> {
        self.when.as_deref().map(Condition::parse)
    }
}

/// How a stage ended, as conditions see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// It did its work (a gate: approved).
    Completed,
    /// It failed, was revoked, timed out or was rejected.
    Failed,
    /// It did not run (its condition was false, or a requirement skipped).
    Skipped,
}

impl Outcome {
    fn parse(s: &str) -> Option<Outcome> {
        match s {
            "completed" => Some(Outcome::Completed),
            "failed" => Some(Outcome::Failed),
            "skipped" => Some(Outcome::Skipped),
            _ => None,
        }
    }
}

/// A `when`: comparisons of earlier stages' outcomes joined by `and`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    /// (stage, equal (`==`) or not (`!=`), outcome), all of which must hold.
    pub terms: Vec<(String, bool, Outcome)>,
}

impl Condition {
    /// Reads `STAGE == completed|failed|skipped` (or `!=`), joined by `and`.
    pub fn parse(text: &str) -> Result<Condition, String> {
        let mut terms = Vec::new();
        for part in text.split(" and ") {
            let words: Vec<&str> = part.split_whitespace().collect();
            let [stage, op, outcome] = words[..] else {
                return Err(format!(
                    "`{}` is not a condition: write STAGE == completed|failed|skipped (or !=), joined by `and`",
                    part.trim()
                ));
            };
            let equal = match op {
                "==" => true,
                "!=" => false,
                _ => return Err(format!("`{op}` is not a comparison: use == or !=")),
            };
            let outcome = Outcome::parse(outcome).ok_or_else(|| {
                format!("`{outcome}` is not an outcome: use completed, failed or skipped")
            })?;
            terms.push((stage.to_string(), equal, outcome));
        }
        Ok(Condition { terms })
    }

    /// The stages it looks at.
    pub fn stages(&self) -> impl Iterator<Item = &str> {
        self.terms.iter().map(|(s, _, _)| s.as_str())
    }

    /// Whether it holds, given the outcomes so far.
    pub fn holds(&self, outcomes: &BTreeMap<String, Outcome>) -> bool {
        self.terms
            .iter()
            .all(|(s, equal, o)| (outcomes.get(s) == Some(o)) == *equal)
    }
}

/// The first cycle among `stages` (by `requires`), as stage indexes in
/// order, the first repeated at the end; `None` if they form a DAG.
/// Unknown names are ignored (reported elsewhere).
pub fn find_cycle(stages: &[Stage]) -> Option<Vec<usize>> {
    let index: BTreeMap<&str, usize> = stages
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.as_str(), i))
        .collect();
    let edges: Vec<Vec<usize>> = stages
        .iter()
        .map(|s| {
            s.requires
                .iter()
                .filter_map(|r| index.get(r.as_str()).copied())
                .collect()
        })
        .collect();
    // 0 unseen, 1 on the current path, 2 done.
    let mut color = vec![0u8; stages.len()];
    for start in 0..stages.len() {
        if color[start] != 0 {
            continue;
        }
        let mut path: Vec<(usize, usize)> = vec![(start, 0)];
        color[start] = 1;
        while let Some(&mut (node, ref mut next)) = path.last_mut() {
            if let Some(&to) = edges[node].get(*next) {
                *next += 1;
                match color[to] {
                    0 => {
                        color[to] = 1;
                        path.push((to, 0));
                    }
                    1 => {
                        let from = path.iter().position(|(n, _)| *n == to).unwrap_or(0);
                        let mut cycle: Vec<usize> = path[from..].iter().map(|(n, _)| *n).collect();
                        cycle.push(to);
                        return Some(cycle);
                    }
                    _ => {}
                }
            } else {
                color[node] = 2;
                path.pop();
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(name: &str, requires: &[&str]) -> Stage {
        Stage {
            name: name.into(),
            kind: StageKind::Agent,
            role: None,
            requires: requires.iter().map(|s| s.to_string()).collect(),
            when: None,
            retry: Retry::default(),
            timeout: None,
            approvers: Vec::new(),
            agent: serde_json::from_str("{}").unwrap(),
        }
    }

    #[test]
    fn cycles_are_found_with_their_path() {
        let dag = [stage("a", &[]), stage("b", &["a"]), stage("c", &["a", "b"])];
        assert_eq!(find_cycle(&dag), None);
        let looped = [
            stage("a", &["c"]),
            stage("b", &["a"]),
            stage("c", &["b"]),
            stage("d", &[]),
        ];
        assert_eq!(find_cycle(&looped), Some(vec![0, 2, 1, 0]));
        assert_eq!(find_cycle(&[stage("x", &["x"])]), Some(vec![0, 0]));
    }

    #[test]
    fn conditions_read_and_hold() {
        let c = Condition::parse("build == completed and lint != failed").unwrap();
        let mut o = BTreeMap::new();
        o.insert("build".to_string(), Outcome::Completed);
        o.insert("lint".to_string(), Outcome::Skipped);
        assert!(c.holds(&o));
        o.insert("lint".to_string(), Outcome::Failed);
        assert!(!c.holds(&o));
        for bad in [
            "build",
            "build = completed",
            "build == done",
            "a == failed or b",
        ] {
            assert!(Condition::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn backoff_doubles() {
        let r = Retry {
            max: 3,
            backoff: "2s".into(),
        };
        assert_eq!(r.wait(1), Duration::from_secs(2));
        assert_eq!(r.wait(3), Duration::from_secs(8));
    }
}
