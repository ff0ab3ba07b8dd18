//! Templates in a plan: the agents that name one are filled in from the
//! marketplace, pinned to `NAME@VERSION`, and their conflicts reported.

use super::*;

impl Plan {
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
}

impl AgentSpec {
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
