//! The checks of a parsed plan: every problem as (dotted path, message),
//! the agents', the stages' (names, the DAG, conditions, retries) and the
//! tiers' against the pipeline's.

use super::*;

impl Plan {
    pub(super) fn check(&self) -> Result<(), String> {
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
}
