//! Plans: what a pipeline runs. YAML (or JSON, which is YAML), described
//! by `schema/json/plan.schema.json`.
//!
//! ```yaml
//! name: quickstart
//! objective: Find broken relative links in this repository's Markdown
//! agents:
//!   alpha: { command: [sh, examples/agents/links-alpha.sh], deliverables: [links.json] }
//!   beta:  { command: [sh, examples/agents/links-beta.sh] }
//!   gamma: { command: [sh, examples/agents/mediator.sh] }   # optional: the mediator
//! gamma:   { stuck_after: 30s, conflicts: 3, complexity: 0.8, validate_success: false }
//! consensus: { required: [alpha, beta] }
//! timeout: 10m
//! ```

use std::collections::BTreeMap;
use std::time::Duration;

use agov_core::Tier;
use agov_governance::Packet;
use agov_governance::budget::Budget;
use agov_governance::packet::{Constraints, valid_id};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use agov_templates::Template;

use crate::error::PlanError;
use crate::stage::{MAX_RETRIES, MAX_STAGES, Stage, StageKind};

mod checks;
pub mod schema;
mod templates;
mod variables;

/// Largest plan read, in bytes.
pub const MAX_PLAN_BYTES: usize = 1 << 20;

pub use agov_core::role::{Driver, Role};

/// One agent of a plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentSpec {
    /// A marketplace template, NAME or NAME@VERSION (the newest when no
    /// version is given): it supplies the driver, command or prompt (as the
    /// agent's objective), tier and its deliverables, required steps and
    /// forbidden actions, to which the plan's own are added. `command` must
    /// not be given with it. Pinned to NAME@VERSION when the pipeline is
    /// created; `pipeline templates list` shows the stored ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// Its agent id (its trust record); default `{name}-{role}` (for a
    /// stage, `{name}-{stage name}`).
    #[serde(default)]
    pub id: Option<String>,
    /// command (default, or the template's): a program speaking the
    /// JSON-lines protocol; llm: a model behind an OpenAI-compatible API
    /// (AGOV_LLM_*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver: Option<Driver>,
    /// The command driver's program and arguments, run in the folder the
    /// pipeline was spawned from.
    #[serde(default)]
    pub command: Vec<String>,
    /// Its own part, added to the pipeline's objective.
    #[serde(default)]
    pub objective: Option<String>,
    /// The tier it runs at. Default: the pipeline's; never above it.
    #[serde(default)]
    #[schemars(range(min = 0, max = 4))]
    pub tier: Option<u8>,
    /// Artifacts it must report by the end of EXECUTE.
    #[serde(default)]
    pub deliverables: Vec<String>,
    /// Steps it must report before VERIFY.
    #[serde(default)]
    pub required_steps: Vec<String>,
    /// Globs over `kind:target` it must never request.
    #[serde(default)]
    pub forbidden: Vec<String>,
    /// How success is judged.
    #[serde(default)]
    pub success_criteria: Vec<String>,
    /// Its error budget (defaults: 8 / 2 / 1).
    #[serde(default)]
    pub error_budget: Budget,
}

impl AgentSpec {
    /// How it runs.
    pub fn driver(&self) -> Driver {
        self.driver.unwrap_or_default()
    }
}

/// When GAMMA is spawned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct GammaRules {
    /// An agent without progress this long (default 30s).
    pub stuck_after: String,
    /// This many unresolved conflicts (default 3).
    pub conflicts: u32,
    /// A reported complexity above this (default 0.8).
    #[schemars(range(min = 0.0, max = 1.0))]
    pub complexity: f64,
    /// Also spawn GAMMA to validate a consensus before the pipeline
    /// completes (default false).
    pub validate_success: bool,
}

impl Default for GammaRules {
    fn default() -> GammaRules {
        GammaRules {
            stuck_after: "30s".into(),
            conflicts: 3,
            complexity: 0.8,
            validate_success: false,
        }
    }
}

/// Who must vote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ConsensusRules {
    /// Roles whose votes are required (default alpha and beta; GAMMA's
    /// too once spawned).
    pub required: Vec<Role>,
}

impl Default for ConsensusRules {
    fn default() -> ConsensusRules {
        ConsensusRules {
            required: vec![Role::Alpha, Role::Beta],
        }
    }
}

/// A plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "A pipeline plan", description = PLAN_DESCRIPTION)]
pub struct Plan {
    /// Its name (letters, digits, `-`, `_`, `.`).
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$"))]
    pub name: String,
    /// What it is for, for people.
    #[serde(default)]
    pub description: Option<String>,
    /// What the pipeline is to achieve.
    #[schemars(length(min = 1))]
    pub objective: String,
    /// Values the plan refers to as `${NAME}` in objectives, commands,
    /// deliverables, required steps and success criteria (`$${` is a
    /// literal `${`); `pipeline spawn --var NAME=VALUE` (and `validate
    /// --var`) replaces a declared one. An undeclared `${NAME}` is an error.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(schema_with = "schema::variables")]
    pub variables: BTreeMap<String, String>,
    /// The tier to spawn at when --tier is not given (default 0).
    #[serde(default)]
    #[schemars(range(min = 0, max = 4))]
    pub tier: Option<u8>,
    /// The author's estimate, 0 to 1; above gamma.complexity GAMMA is
    /// spawned at once.
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub complexity: Option<f64>,
    /// How long the whole run may take (default 30m).
    #[serde(default = "default_timeout")]
    pub timeout: String,
    /// The agents by role: alpha (research) and beta (synthesis), and gamma
    /// (the mediator, spawned on its triggers). Required without `stages`;
    /// with `stages`, only gamma may be given.
    #[serde(default)]
    #[schemars(schema_with = "schema::agents")]
    pub agents: BTreeMap<Role, AgentSpec>,
    /// The plan as a DAG of stages instead of alpha and beta.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 2000))]
    pub stages: Vec<Stage>,
    /// When GAMMA is spawned.
    #[serde(default)]
    pub gamma: GammaRules,
    /// Who must vote. Default: alpha and beta; with `stages`: nobody (the
    /// stages' outcomes decide).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consensus: Option<ConsensusRules>,
}

/// The description of `schema/json/plan.schema.json`.
const PLAN_DESCRIPTION: &str = "What `pipeline spawn --plan FILE` runs (or `pipeline plan add FILE` stores, for `spawn --plan ID`): YAML or JSON. Unknown keys and duplicate keys are errors. Either `agents` (ALPHA and BETA run in parallel; GAMMA, if given, is spawned on its triggers; the pipeline completes only on consensus of the required roles) or `stages` (a DAG: each stage starts once the stages it requires have ended, independent ones in parallel; the pipeline completes when every stage completed or was skipped, and the required roles, if `consensus` names any, voted for it).";

fn default_timeout() -> String {
    "30m".into()
}

impl Plan {
    /// Reads and checks a plan; `what` names it in errors (`plan p.yaml`).
    pub fn parse(what: &str, text: &str) -> Result<Plan, PlanError> {
        let bad = |detail: String| PlanError::BadPlan {
            what: what.to_string(),
            detail,
        };
        if text.len() > MAX_PLAN_BYTES {
            return Err(bad(format!("larger than {MAX_PLAN_BYTES} bytes")));
        }
        let plan: Plan = match crate::yaml::parse(text) {
            // The reference's DSL, read through the tree that knows it.
            Ok((root, _)) if crate::dsl::is_dsl(&root) => {
                serde_json::from_value(crate::validate::plan_json_of(&crate::dsl::normalize(root)))
                    .map_err(|e| bad(e.to_string()))?
            }
            _ => serde_saphyr::from_str(text).map_err(|e| bad(e.to_string()))?,
        };
        plan.check().map_err(bad)?;
        Ok(plan)
    }

    /// The agent id of stage `s`: its own, else `{plan name}-{stage name}`.
    pub fn stage_agent_id(&self, s: &Stage) -> String {
        s.agent
            .id
            .clone()
            .unwrap_or_else(|| format!("{}-{}", self.name, s.name))
    }

    /// The stage named `name`.
    pub fn stage(&self, name: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.name == name)
    }

    /// The roles whose votes are required (before GAMMA is spawned).
    pub fn required_voters(&self) -> Vec<Role> {
        match &self.consensus {
            Some(c) => c.required.clone(),
            None if self.stages.is_empty() => vec![Role::Alpha, Role::Beta],
            None => Vec::new(),
        }
    }

    /// The agent id of `role`.
    pub fn agent_id(&self, role: Role) -> String {
        self.agents
            .get(&role)
            .and_then(|a| a.id.clone())
            .unwrap_or_else(|| format!("{}-{role}", self.name))
    }

    /// How long the whole run may take.
    pub fn timeout(&self) -> Duration {
        agov_core::time::parse_duration(&self.timeout).unwrap_or(Duration::from_secs(1800))
    }

    /// How long an agent may go without progress before GAMMA is spawned.
    pub fn stuck_after(&self) -> Duration {
        agov_core::time::parse_duration(&self.gamma.stuck_after).unwrap_or(Duration::from_secs(30))
    }

    /// The instruction packet of `role` for pipeline `pipeline`, at `tier`.
    pub fn packet(&self, role: Role, pipeline: &str, tier: Tier) -> Option<Packet> {
        let a = self.agents.get(&role)?;
        Some(self.packet_of(a, self.agent_id(role), role.as_str(), role, pipeline, tier))
    }

    /// The instruction packet of stage `s` for pipeline `pipeline`, at `tier`.
    pub fn stage_packet(&self, s: &Stage, pipeline: &str, tier: Tier) -> Packet {
        let label = format!("stage {}", s.name);
        self.packet_of(
            &s.agent,
            self.stage_agent_id(s),
            &label,
            s.role(),
            pipeline,
            tier,
        )
    }

    fn packet_of(
        &self,
        a: &AgentSpec,
        agent_id: String,
        label: &str,
        role: Role,
        pipeline: &str,
        tier: Tier,
    ) -> Packet {
        let objective = match &a.objective {
            Some(own) => format!("{} — as {label}: {own}", self.objective),
            None => self.objective.clone(),
        };
        Packet {
            agent_id,
            task_id: pipeline.to_string(),
            role: Some(role.as_str().into()),
            created_for: Some(format!("pipeline {pipeline}")),
            objective,
            deliverables: a.deliverables.clone(),
            constraints: Constraints {
                scope: Vec::new(),
                forbidden: a.forbidden.clone(),
                required_steps: a.required_steps.clone(),
            },
            success_criteria: a.success_criteria.clone(),
            error_budget: a.error_budget,
            escalation_rules: Vec::new(),
            tier: Some(tier),
            created_at: Some(agov_core::time::format_us(agov_core::time::now_us())),
            previous_attempt: None,
        }
    }

    /// The tier `role` runs at in a pipeline spawned at `pipeline_tier`.
    pub fn agent_tier(&self, role: Role, pipeline_tier: Tier) -> Result<Tier, PlanError> {
        let tier = self.agents.get(&role).and_then(|a| a.tier);
        self.tier_within(tier, &format!("agents.{role}"), pipeline_tier)
    }

    /// The tier stage `s` runs at in a pipeline spawned at `pipeline_tier`.
    pub fn stage_tier(&self, s: &Stage, pipeline_tier: Tier) -> Result<Tier, PlanError> {
        let at = self
            .stages
            .iter()
            .position(|x| x.name == s.name)
            .map_or_else(|| format!("stage {}", s.name), |i| format!("stages.{i}"));
        self.tier_within(s.agent.tier, &at, pipeline_tier)
    }

    fn tier_within(
        &self,
        tier: Option<u8>,
        at: &str,
        pipeline_tier: Tier,
    ) -> Result<Tier, PlanError> {
        let Some(n) = tier else {
            return Ok(pipeline_tier);
        };
        let t = Tier::from_number(n).ok_or_else(|| PlanError::BadPlan {
            what: format!("plan {}", self.name),
            detail: format!("{at}.tier: {n} is not a tier (0-4)"),
        })?;
        if t > pipeline_tier {
            return Err(PlanError::BadPlan {
                what: format!("plan {}", self.name),
                detail: format!(
                    "{at}.tier {} is above the pipeline's tier {}",
                    t.number(),
                    pipeline_tier.number()
                ),
            });
        }
        Ok(t)
    }

    /// A short digest of the plan, recorded with the pipeline.
    pub fn digest(&self) -> String {
        use sha2::{Digest, Sha256};
        let json = serde_json::to_vec(self).unwrap_or_default();
        hex::encode(&Sha256::digest(&json)[..8])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = "
name: demo
objective: check the docs
agents:
  alpha: { command: [sh, a.sh], deliverables: [links.json] }
  beta:
    command: [sh, b.sh]
    tier: 0
";

    #[test]
    fn a_plan_parses_with_defaults() {
        let p = Plan::parse("plan", PLAN).unwrap();
        assert_eq!(p.agent_id(Role::Beta), "demo-beta");
        assert_eq!(p.required_voters(), vec![Role::Alpha, Role::Beta]);
        assert_eq!(p.gamma.conflicts, 3);
        assert_eq!(p.stuck_after(), Duration::from_secs(30));
        let packet = p.packet(Role::Alpha, "p-1", Tier::Observer).unwrap();
        assert_eq!(packet.deliverables, vec!["links.json".to_string()]);
        assert_eq!(packet.task_id, "p-1");
    }

    #[test]
    fn bad_plans_say_where() {
        for (text, wanted) in [
            (
                "name: x\nobjective: y\nagents: {alpha: {command: [a]}}",
                "agents.beta",
            ),
            (
                "name: x\nobjective: y\nagents: {alpha: {command: [a]}, beta: {}}",
                "agents.beta.command",
            ),
            ("name: x\nobjective: y\nbogus: 1\nagents: {}", "bogus"),
            ("name: x\nname: z\nobjective: y\nagents: {}", "name"),
            (
                "name: x\nobjective: y\nagents: {alpha: {command: [a]}, beta: {command: [b], tier: 9}}",
                "tier",
            ),
            (
                "name: x\nobjective: y\nagents: {alpha: {command: [a]}, beta: {command: [b]}}\nconsensus: {required: [gamma]}",
                "gamma",
            ),
            ("name: 'a b'\nobjective: y\nagents: {}", "name"),
        ] {
            let e = Plan::parse("plan", text).unwrap_err().to_string();
            assert!(e.contains(wanted), "{text:?}: {e}");
        }
    }

    #[test]
    fn an_agent_cannot_outrank_its_pipeline() {
        let p = Plan::parse(
            "plan",
            "name: x\nobjective: y\nagents: {alpha: {command: [a], tier: 2}, beta: {command: [b]}}",
        )
        .unwrap();
        assert!(p.agent_tier(Role::Alpha, Tier::Operator).is_err());
        assert_eq!(
            p.agent_tier(Role::Alpha, Tier::Builder).unwrap(),
            Tier::Builder
        );
        assert_eq!(
            p.agent_tier(Role::Beta, Tier::Operator).unwrap(),
            Tier::Operator
        );
    }
}
