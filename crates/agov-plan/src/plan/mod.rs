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
use serde::{Deserialize, Serialize};

use agov_templates::Template;

use crate::error::PlanError;
use crate::stage::{MAX_RETRIES, MAX_STAGES, Stage, StageKind};

/// Largest plan read, in bytes.
pub const MAX_PLAN_BYTES: usize = 1 << 20;

pub use agov_core::role::{Driver, Role};

/// One agent of a plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentSpec {
    /// A template from the marketplace (`NAME` or `NAME@VERSION`) that
    /// supplies the driver, command or prompt, tier and required artifacts;
    /// pinned to `NAME@VERSION` when the pipeline is created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// Its agent id (its trust record); default `{plan name}-{role}`.
    #[serde(default)]
    pub id: Option<String>,
    /// How it runs (default: the template's, else `command`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver: Option<Driver>,
    /// The command driver's program and arguments, run in the folder the
    /// pipeline was spawned from.
    #[serde(default)]
    pub command: Vec<String>,
    /// Its own objective, added to the pipeline's.
    #[serde(default)]
    pub objective: Option<String>,
    /// The tier it runs at (default: the pipeline's; never above it).
    #[serde(default)]
    pub tier: Option<u8>,
    /// Artifacts it must produce by the end of EXECUTE.
    #[serde(default)]
    pub deliverables: Vec<String>,
    /// Steps it must report before VERIFY.
    #[serde(default)]
    pub required_steps: Vec<String>,
    /// Actions it must never request (globs over `kind:target`).
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
    /// Its own problems (driver and command, tier), under the path `at`.
    fn problems(&self, at: &str, add: &mut dyn FnMut(String, String)) {
        if self.template.is_none() {
            match self.driver() {
                Driver::Command if self.command.is_empty() => add(
                    format!("{at}.command"),
                    "the command driver needs a command (or name a `template`)".into(),
                ),
                Driver::Llm if !self.command.is_empty() => add(
                    format!("{at}.command"),
                    "the llm driver runs no command".into(),
                ),
                _ => {}
            }
        }
        if let Some(t) = self.tier
            && Tier::from_number(t).is_none()
        {
            add(format!("{at}.tier"), format!("{t} is not a tier (0-4)"));
        }
    }

    /// How it runs.
    pub fn driver(&self) -> Driver {
        self.driver.unwrap_or_default()
    }

    /// Takes what the plan leaves open from `t`: driver, command, tier, and
    /// as its own objective the prompt (llm) or description (command); adds
    /// the template's deliverables, required steps and forbidden actions to
    /// its own. The error names the field in conflict.
    fn fill_from(&mut self, t: &Template) -> Result<(), (&'static str, String)> {
        if let Some(d) = self.driver
            && d != t.driver
        {
            return Err((
                "driver",
                format!(
                    "the template `{}` runs with the {} driver",
                    t.reference(),
                    t.driver.as_str()
                ),
            ));
        }
        if !self.command.is_empty() {
            return Err((
                "command",
                format!(
                    "the template `{}` supplies how the agent runs; drop `command`",
                    t.reference()
                ),
            ));
        }
        self.driver = Some(t.driver);
        self.command = t.command.clone();
        self.tier = self.tier.or(Some(t.tier));
        if self.objective.is_none() {
            self.objective = Some(match (&t.prompt, t.driver) {
                (Some(p), Driver::Llm) => p.trim().to_string(),
                _ => t.description.trim().to_string(),
            });
        }
        let union = |theirs: &[String], ours: &mut Vec<String>| {
            let mut all = theirs.to_vec();
            for x in ours.drain(..) {
                if !all.contains(&x) {
                    all.push(x);
                }
            }
            *ours = all;
        };
        union(&t.deliverables, &mut self.deliverables);
        union(&t.required_steps, &mut self.required_steps);
        union(&t.forbidden, &mut self.forbidden);
        self.template = Some(t.reference());
        Ok(())
    }
}

/// When GAMMA is spawned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GammaRules {
    /// An agent without progress this long (`30s`).
    pub stuck_after: String,
    /// This many unresolved conflicts.
    pub conflicts: u32,
    /// A complexity estimate above this.
    pub complexity: f64,
    /// Also to validate a consensus before the pipeline completes.
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConsensusRules {
    /// The roles whose votes are required (GAMMA's too, once it is spawned).
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Its name (letters, digits, `-`, `_`, `.`).
    pub name: String,
    /// What it is for, for people.
    #[serde(default)]
    pub description: Option<String>,
    /// What the pipeline is to achieve.
    pub objective: String,
    /// Values the plan refers to as `${NAME}` in objectives, commands,
    /// deliverables, steps and success criteria; `spawn --var NAME=VALUE`
    /// replaces one.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub variables: BTreeMap<String, String>,
    /// The tier to spawn at when `--tier` is not given.
    #[serde(default)]
    pub tier: Option<u8>,
    /// The plan author's estimate of the complexity, 0 to 1.
    #[serde(default)]
    pub complexity: Option<f64>,
    /// How long the whole run may take (`10m`).
    #[serde(default = "default_timeout")]
    pub timeout: String,
    /// The agents by role: alpha and beta, and gamma if it may be spawned
    /// (with `stages`: only gamma, the mediator).
    #[serde(default)]
    pub agents: BTreeMap<Role, AgentSpec>,
    /// Stages, a DAG run in dependency order (instead of alpha and beta).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<Stage>,
    /// When GAMMA is spawned.
    #[serde(default)]
    pub gamma: GammaRules,
    /// Who must vote (default: alpha and beta; with `stages`: nobody, the
    /// stages' outcomes decide).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consensus: Option<ConsensusRules>,
}

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
        let plan: Plan = serde_saphyr::from_str(text).map_err(|e| bad(e.to_string()))?;
        plan.check().map_err(bad)?;
        Ok(plan)
    }

    fn check(&self) -> Result<(), String> {
        match self.problems().into_iter().next() {
            Some((path, message)) => Err(format!("{path}: {message}")),
            None => Ok(()),
        }
    }

    /// Every problem of a parsed plan, as (dotted path, message).
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let mut add = |path: String, message: String| out.push((path, message));
        if !valid_id(&self.name) {
            add(
                "name".into(),
                format!("`{}`: use 1-64 letters, digits, `-`, `_`, `.`", self.name),
            );
        }
        if self.objective.trim().is_empty() {
            add("objective".into(), "must not be empty".into());
        }
        let roles: &[Role] = if self.stages.is_empty() {
            &[Role::Alpha, Role::Beta]
        } else {
            &[]
        };
        for &role in roles {
            if !self.agents.contains_key(&role) {
                add(
                    format!("agents.{role}"),
                    "missing (alpha and beta are required)".into(),
                );
            }
        }
        for (role, a) in &self.agents {
            let at = format!("agents.{role}");
            if !self.stages.is_empty() && *role != Role::Gamma {
                add(
                    at.clone(),
                    format!(
                        "with `stages`, {role}'s work is a stage; only gamma (the mediator) may be given here"
                    ),
                );
            }
            a.problems(&at, &mut add);
            let id = self.agent_id(*role);
            if !valid_id(&id) {
                add(
                    format!("{at}.id"),
                    format!("`{id}`: use 1-64 letters, digits, `-`, `_`, `.`"),
                );
            }
        }
        if let Some(t) = self.tier
            && Tier::from_number(t).is_none()
        {
            add("tier".into(), format!("{t} is not a tier (0-4)"));
        }
        if let Some(c) = self.complexity
            && !(0.0..=1.0).contains(&c)
        {
            add("complexity".into(), format!("{c} is not between 0 and 1"));
        }
        if let Err(e) = agov_core::time::parse_duration(&self.timeout) {
            add("timeout".into(), e);
        }
        if let Err(e) = agov_core::time::parse_duration(&self.gamma.stuck_after) {
            add("gamma.stuck_after".into(), e);
        }
        if let Some(c) = &self.consensus {
            if c.required.is_empty() && self.stages.is_empty() {
                add("consensus.required".into(), "name at least one role".into());
            }
            for (i, r) in c.required.iter().enumerate() {
                if !self.agents.contains_key(r) && !self.stages.iter().any(|s| s.role() == *r) {
                    add(
                        format!("consensus.required.{i}"),
                        format!("`{r}` has no agent in `agents` or `stages`"),
                    );
                }
            }
        }
        self.stage_problems(&mut add);
        out
    }

    /// The problems of the stages: names, the DAG, conditions, retries.
    fn stage_problems(&self, add: &mut dyn FnMut(String, String)) {
        if self.stages.len() > MAX_STAGES {
            add(
                "stages".into(),
                format!("{} stages; at most {MAX_STAGES}", self.stages.len()),
            );
            return;
        }
        let mut first: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, s) in self.stages.iter().enumerate() {
            let at = format!("stages.{i}");
            if !valid_id(&s.name) {
                add(
                    format!("{at}.name"),
                    format!("`{}`: use 1-64 letters, digits, `-`, `_`, `.`", s.name),
                );
            }
            if let Some(j) = first.insert(s.name.as_str(), i) {
                first.insert(s.name.as_str(), j);
                add(
                    format!("{at}.name"),
                    format!("a stage named `{}` comes before (stages.{j})", s.name),
                );
            }
        }
        for (i, s) in self.stages.iter().enumerate() {
            let at = format!("stages.{i}");
            for (k, r) in s.requires.iter().enumerate() {
                if *r == s.name {
                    add(
                        format!("{at}.requires.{k}"),
                        "a stage cannot require itself".into(),
                    );
                } else if !first.contains_key(r.as_str()) {
                    add(
                        format!("{at}.requires.{k}"),
                        format!(
                            "unknown stage `{r}`{}",
                            crate::validate::suggestion(r, first.keys().copied())
                        ),
                    );
                }
            }
            match s.condition() {
                Some(Err(e)) => add(format!("{at}.when"), e),
                Some(Ok(c)) => {
                    for name in c.stages() {
                        if !s.requires.iter().any(|r| r == name) {
                            add(
                                format!("{at}.when"),
                                format!(
                                    "`{name}` is not in this stage's `requires`; a condition looks only at stages that ended before it"
                                ),
                            );
                        }
                    }
                }
                None => {}
            }
            if s.retry.max > MAX_RETRIES {
                add(
                    format!("{at}.retry.max"),
                    format!("{} retries; at most {MAX_RETRIES}", s.retry.max),
                );
            }
            if let Err(e) = agov_core::time::parse_duration(&s.retry.backoff) {
                add(format!("{at}.retry.backoff"), e);
            }
            if let Some(t) = &s.timeout
                && let Err(e) = agov_core::time::parse_duration(t)
            {
                add(format!("{at}.timeout"), e);
            }
            match s.kind {
                StageKind::HumanGate => {
                    let a = &s.agent;
                    if a.template.is_some() || !a.command.is_empty() || a.driver.is_some() {
                        add(
                            at.clone(),
                            "a human gate runs no agent: drop `template`, `command` and `driver`"
                                .into(),
                        );
                    }
                    if s.retry.max > 0 {
                        add(format!("{at}.retry"), "a human gate is not retried".into());
                    }
                }
                StageKind::Agent => {
                    s.agent.problems(&at, add);
                    if !s.approvers.is_empty() {
                        add(
                            format!("{at}.approvers"),
                            "only a human gate (`type: human-gate`) has approvers".into(),
                        );
                    }
                    let id = self.stage_agent_id(s);
                    if !valid_id(&id) {
                        add(
                            format!("{at}.id"),
                            format!("`{id}`: use 1-64 letters, digits, `-`, `_`, `.`"),
                        );
                    }
                }
            }
        }
        if let Some(cycle) = crate::stage::find_cycle(&self.stages) {
            let path: Vec<&str> = cycle
                .iter()
                .map(|&i| self.stages[i].name.as_str())
                .collect();
            add(
                format!("stages.{}.requires", cycle[0]),
                format!("cycle: {}", path.join(" → ")),
            );
        }
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

    /// Agents whose tier (their own or their template's) is above `tier`,
    /// the tier the pipeline would run at, as (dotted path, message).
    pub fn tier_problems(&self, tier: Tier) -> Vec<(String, String)> {
        self.agents
            .iter()
            .map(|(role, a)| (format!("agents.{role}"), a))
            .chain(
                self.stages
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (format!("stages.{i}"), &s.agent)),
            )
            .filter_map(|(at, a)| {
                let t = a.tier?;
                (t > tier.number()).then(|| {
                    let from = a
                        .template
                        .as_deref()
                        .map(|r| format!(" (from template {r})"))
                        .unwrap_or_default();
                    (
                        format!("{at}.tier"),
                        format!(
                            "{t}{from} is above the tier the pipeline runs at ({}); spawn with --tier {t} or lower the agent's",
                            tier.number()
                        ),
                    )
                })
            })
            .collect()
    }

    /// The templates the agents name, by role (and stage name).
    pub fn template_refs(&self) -> Vec<(String, String)> {
        self.agents
            .iter()
            .map(|(r, a)| (r.as_str().to_string(), a))
            .chain(self.stages.iter().map(|s| (s.name.clone(), &s.agent)))
            .filter_map(|(who, a)| a.template.clone().map(|t| (who, t)))
            .collect()
    }

    /// Fills each agent that names a template in from it (`lookup` finds a
    /// template by `NAME` or `NAME@VERSION`), pins the reference to
    /// `NAME@VERSION` and checks the result. Every problem is reported, one
    /// per line.
    pub fn apply_templates(
        &mut self,
        what: &str,
        lookup: &mut dyn FnMut(&str) -> Result<Option<Template>, PlanError>,
    ) -> Result<(), PlanError> {
        let mut problems = self.fill_templates(lookup)?;
        if problems.is_empty() {
            problems = self.problems();
        }
        if problems.is_empty() {
            return Ok(());
        }
        Err(PlanError::BadPlan {
            what: what.to_string(),
            detail: problems
                .iter()
                .map(|(p, m)| format!("{p}: {m}"))
                .collect::<Vec<_>>()
                .join("\n"),
        })
    }

    /// Fills each agent that names a template in from it; returns the
    /// problems, as (dotted path, message).
    pub fn fill_templates(
        &mut self,
        lookup: &mut dyn FnMut(&str) -> Result<Option<Template>, PlanError>,
    ) -> Result<Vec<(String, String)>, PlanError> {
        let mut problems = Vec::new();
        for (role, a) in self.agents.iter_mut() {
            let Some(reference) = a.template.clone() else {
                continue;
            };
            let at = format!("agents.{role}.template");
            match lookup(&reference)? {
                None => problems.push((
                    at,
                    format!("unknown template `{reference}` (`pipeline templates list` shows the stored ones)"),
                )),
                Some(t) if t.role != *role => problems.push((
                    at,
                    format!("`{}` is a {} template, not {role}", t.reference(), t.role),
                )),
                Some(t) => {
                    if let Err((field, e)) = a.fill_from(&t) {
                        problems.push((format!("agents.{role}.{field}"), e));
                    }
                }
            }
        }
        for (i, s) in self.stages.iter_mut().enumerate() {
            let Some(reference) = s.agent.template.clone() else {
                continue;
            };
            let at = format!("stages.{i}.template");
            match lookup(&reference)? {
                None => problems.push((
                    at,
                    format!("unknown template `{reference}` (`pipeline templates list` shows the stored ones)"),
                )),
                Some(t) if s.role.is_some_and(|r| r != t.role) => problems.push((
                    format!("stages.{i}.role"),
                    format!("`{}` is a {} template, not {}", t.reference(), t.role, s.role()),
                )),
                Some(t) => {
                    s.role = Some(t.role);
                    if let Err((field, e)) = s.agent.fill_from(&t) {
                        problems.push((format!("stages.{i}.{field}"), e));
                    }
                }
            }
        }
        Ok(problems)
    }

    /// Takes `overrides` (`--var NAME=VALUE`, each of a declared variable)
    /// and replaces every `${NAME}` with its value (`$${` is a literal
    /// `${`); returns the problems, as (dotted path, message).
    pub fn expand_variables(&mut self, overrides: &[(String, String)]) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        for (k, v) in overrides {
            if let Some(slot) = self.variables.get_mut(k) {
                *slot = v.clone();
            } else {
                let known: Vec<&str> = self.variables.keys().map(String::as_str).collect();
                problems.push((
                    "variables".to_string(),
                    format!(
                        "--var {k}: the plan declares no variable `{k}`{}",
                        if known.is_empty() {
                            String::new()
                        } else {
                            format!(" (it declares {})", known.join(", "))
                        }
                    ),
                ));
            }
        }
        let vars = self.variables.clone();
        let mut sub = |path: String, text: &mut String| {
            match expand(text, &vars) {
            Ok(done) => *text = done,
            Err(name) => problems.push((
                path,
                format!("unknown variable `{name}`: declare it under `variables` (`$${{` writes a literal `${{`)"),
            )),
        }
        };
        sub("objective".into(), &mut self.objective);
        let agents = self
            .agents
            .iter_mut()
            .map(|(r, a)| (format!("agents.{r}"), a));
        let stages = self
            .stages
            .iter_mut()
            .enumerate()
            .map(|(i, s)| (format!("stages.{i}"), &mut s.agent));
        for (at, a) in agents.chain(stages) {
            if let Some(o) = a.objective.as_mut() {
                sub(format!("{at}.objective"), o);
            }
            for (field, list) in [
                ("command", &mut a.command),
                ("deliverables", &mut a.deliverables),
                ("required_steps", &mut a.required_steps),
                ("success_criteria", &mut a.success_criteria),
            ] {
                for (i, item) in list.iter_mut().enumerate() {
                    sub(format!("{at}.{field}.{i}"), item);
                }
            }
        }
        problems
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

/// `text` with each `${NAME}` replaced by its value in `vars` and `$${` by
/// `${`; the error is the first unknown name.
fn expand(text: &str, vars: &BTreeMap<String, String>) -> Result<String, String> {
    if !text.contains("${") {
        return Ok(text.to_string());
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        if rest[..at].ends_with('$') {
            out.push_str(&rest[..at - 1]);
            out.push_str("${");
            rest = &rest[at + 2..];
            continue;
        }
        out.push_str(&rest[..at]);
        let Some(end) = rest[at..].find('}') else {
            return Err(rest[at + 2..].to_string());
        };
        let name = &rest[at + 2..at + end];
        out.push_str(vars.get(name).ok_or_else(|| name.to_string())?);
        rest = &rest[at + end + 1..];
    }
    out.push_str(rest);
    Ok(out)
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
    fn variables_expand_and_unknown_ones_are_named() {
        let mut vars = BTreeMap::new();
        vars.insert("env".to_string(), "staging".to_string());
        assert_eq!(
            expand("deploy to ${env}", &vars).unwrap(),
            "deploy to staging"
        );
        assert_eq!(
            expand("cost $${env} ${env}", &vars).unwrap(),
            "cost ${env} staging"
        );
        assert_eq!(expand("${nope} here", &vars).unwrap_err(), "nope");
        let mut p = Plan::parse(
            "plan",
            "name: x\nobjective: ship ${env}\nvariables: {env: dev}\nagents: {alpha: {command: [make, '${env}']}, beta: {command: ['${where}']}}",
        )
        .unwrap();
        let problems =
            p.expand_variables(&[("env".into(), "prod".into()), ("typo".into(), "1".into())]);
        assert_eq!(p.objective, "ship prod");
        assert_eq!(p.agents[&Role::Alpha].command, vec!["make", "prod"]);
        let paths: Vec<&str> = problems.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            vec!["variables", "agents.beta.command.0"],
            "{problems:?}"
        );
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
