//! `pipeline validate`: every problem of a plan at once, each with its line
//! and column: YAML syntax, duplicate keys, unknown keys, values of the
//! wrong kind, missing keys, then (when the shape is right) what the plan
//! means: missing agents, unknown or mismatched templates, tiers above the
//! one the pipeline would run at, roles that cannot vote. `spawn` and
//! `plan add` run the same checks first.

use agov_core::Tier;
use agov_templates::Template;
use serde::Serialize;

use crate::error::PlanError;
use crate::plan::{MAX_PLAN_BYTES, Plan};
use crate::yaml::{self, Node, Pos, Value};

mod shape;
#[cfg(test)]
mod shape_schema;

use shape::{plan_json, shape_problems};

/// One problem, where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Problem {
    /// Line, from 1.
    #[schemars(range(min = 1))]
    pub line: usize,
    /// Column, from 1.
    #[schemars(range(min = 1))]
    pub column: usize,
    /// The dotted key (agents.alpha.tier; list items by index); empty for
    /// the document as a whole.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    fn at(pos: Pos, path: &str, message: impl Into<String>) -> Problem {
        Problem {
            line: pos.line,
            column: pos.column,
            path: path.to_string(),
            message: message.into(),
        }
    }
}

/// ` (did you mean `x`?)` when a known key is one or two edits away.
pub(crate) fn suggestion<'a>(key: &str, known: impl Iterator<Item = &'a str>) -> String {
    known
        .map(|k| (distance(key, k), k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default()
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Templates the agents name that the lookup does not know, read from the
/// tree (so they are reported even when the shape is wrong elsewhere).
fn unknown_templates(
    root: &Node,
    lookup: &mut dyn FnMut(&str) -> Result<Option<Template>, PlanError>,
) -> Result<Vec<Problem>, PlanError> {
    let mut out = Vec::new();
    let mut places: Vec<(String, &Node)> = Vec::new();
    if let Some(Value::Map(agents)) = root.get("agents").map(|n| &n.value) {
        places.extend(
            agents
                .iter()
                .map(|(role, _, a)| (format!("agents.{role}"), a)),
        );
    }
    if let Some(Value::Seq(stages)) = root.get("stages").map(|n| &n.value) {
        places.extend(
            stages
                .iter()
                .enumerate()
                .map(|(i, s)| (format!("stages.{i}"), s)),
        );
    }
    for (at, agent) in places {
        let Some(node) = agent.get("template") else {
            continue;
        };
        let Some(reference) = node.as_str() else {
            continue;
        };
        if lookup(reference)?.is_none() {
            out.push(Problem::at(
                node.pos,
                &format!("{at}.template"),
                format!("unknown template `{reference}` (`pipeline templates list` shows the stored ones)"),
            ));
        }
    }
    Ok(out)
}

/// The plan `root` as JSON for serde (a tree whose shape is sound).
pub(crate) fn plan_json_of(root: &Node) -> serde_json::Value {
    plan_json(root)
}

/// What the checks need besides the text.
pub struct Context<'a> {
    /// The tier the pipeline would run at (`--tier`); `None`: the plan's, else 0.
    pub tier: Option<Tier>,
    /// Finds a template by `NAME` or `NAME@VERSION`.
    pub lookup: &'a mut dyn FnMut(&str) -> Result<Option<Template>, PlanError>,
    /// Values for declared variables (`--var NAME=VALUE`).
    pub vars: &'a [(String, String)],
}

/// Checks a plan's text. `Ok` holds the plan with its templates filled in
/// (and every problem list empty); `Err` every problem found, in order.
pub fn validate(text: &str, cx: &mut Context<'_>) -> Result<Result<Plan, Vec<Problem>>, PlanError> {
    let start = Pos { line: 1, column: 1 };
    if text.len() > MAX_PLAN_BYTES {
        return Ok(Err(vec![Problem::at(
            start,
            "",
            format!("larger than {MAX_PLAN_BYTES} bytes"),
        )]));
    }
    let (root, duplicates) = match yaml::parse(text) {
        Ok(x) => x,
        Err(e) => return Ok(Err(vec![Problem::at(e.pos, "", e.message)])),
    };
    if crate::dsl::is_dsl(&root) {
        // Problems named as the DSL writes them (`stages.0.agent`).
        return Ok(validate_tree(crate::dsl::normalize(root), duplicates, cx)?
            .map_err(|problems| problems.into_iter().map(crate::dsl::rename).collect()));
    }
    validate_tree(root, duplicates, cx)
}

/// [`validate`] of the document's tree.
fn validate_tree(
    root: Node,
    duplicates: Vec<yaml::Located>,
    cx: &mut Context<'_>,
) -> Result<Result<Plan, Vec<Problem>>, PlanError> {
    let start = Pos { line: 1, column: 1 };
    let mut problems: Vec<Problem> = duplicates
        .into_iter()
        .map(|d| Problem::at(d.pos, "", d.message))
        .collect();
    shape_problems(&root, &mut problems);
    if let Value::Map(entries) = &root.value
        && !entries
            .iter()
            .any(|(k, _, _)| k == "agents" || k == "stages")
    {
        problems.push(Problem::at(
            root.pos,
            "agents",
            "`agents` (alpha and beta) or `stages` is required",
        ));
    }
    if !problems.is_empty() {
        problems.extend(unknown_templates(&root, cx.lookup)?);
        problems.sort_by_key(|p| (p.line, p.column));
        return Ok(Err(problems));
    }
    let mut plan: Plan = match serde_json::from_value(plan_json(&root)) {
        Ok(p) => p,
        // The shape check should have caught it; report it rather than panic.
        Err(e) => return Ok(Err(vec![Problem::at(start, "", e.to_string())])),
    };
    let located = |list: Vec<(String, String)>| -> Vec<Problem> {
        list.into_iter()
            .map(|(path, message)| Problem::at(root.locate(&path), &path, message))
            .collect()
    };
    let mut problems = located(plan.problems());
    problems.extend(located(plan.fill_templates(cx.lookup)?));
    problems.extend(located(plan.expand_variables(cx.vars)));
    if problems.is_empty() {
        let tier = cx
            .tier
            .unwrap_or_else(|| Tier::from_number(plan.tier.unwrap_or(0)).unwrap_or(Tier::Observer));
        problems.extend(located(plan.problems()));
        problems.extend(located(plan.tier_problems(tier)));
    }
    if problems.is_empty() {
        return Ok(Ok(plan));
    }
    if let Some(cycle) = crate::stage::find_cycle(&plan.stages) {
        let at = format!("stages.{}.requires", cycle[0]);
        let path: Vec<String> = cycle
            .iter()
            .map(|&i| {
                let line = root.locate(&format!("stages.{i}")).line;
                format!("{} (line {line})", plan.stages[i].name)
            })
            .collect();
        for p in problems
            .iter_mut()
            .filter(|p| p.path == at && p.message.starts_with("cycle:"))
        {
            p.message = format!("cycle: {}", path.join(" → "));
        }
    }
    problems.sort_by_key(|p| (p.line, p.column));
    problems.dedup();
    Ok(Err(problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, tier: Option<Tier>) -> Result<Plan, Vec<Problem>> {
        let mut none = |_: &str| Ok(None);
        validate(
            text,
            &mut Context {
                tier,
                lookup: &mut none,
                vars: &[],
            },
        )
        .unwrap()
    }

    const GOOD: &str =
        "name: demo\nobjective: check\nagents:\n  alpha: {command: [a]}\n  beta: {command: [b]}\n";

    #[test]
    fn a_good_plan_passes() {
        assert_eq!(check(GOOD, None).unwrap().name, "demo");
    }

    #[test]
    fn every_problem_is_reported_with_its_place() {
        let text = "\
name: demo
objective: check
tier: 7
agents:
  alpha:
    command: [a]
    tiers: 1
  beta:
    driver: robot
  delta: {}
gamma:
  stuck_after: soon
consensus:
  required: [alpha, omega]
bogus: 1
";
        let problems = check(text, None).unwrap_err();
        let got: Vec<(usize, usize, &str)> = problems
            .iter()
            .map(|p| (p.line, p.column, p.path.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (3, 7, "tier"),
                (7, 5, "agents.alpha.tiers"),
                (9, 13, "agents.beta.driver"),
                (10, 3, "agents.delta"),
                (12, 16, "gamma.stuck_after"),
                (14, 21, "consensus.required.1"),
                (15, 1, "bogus"),
            ],
            "{problems:#?}"
        );
        assert!(
            problems[1].message.contains("did you mean `tier`"),
            "{}",
            problems[1].message
        );
    }

    #[test]
    fn meaning_problems_come_after_the_shape_is_right() {
        let text = "name: demo\nobjective: check\nagents:\n  alpha: {command: [a], tier: 2}\n  gamma: {template: mediator}\nconsensus: {required: [alpha]}\n";
        let problems = check(text, Some(Tier::Operator)).unwrap_err();
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            vec!["agents.beta", "agents.gamma.template"],
            "{problems:#?}"
        );
        assert!(problems[0].message.contains("missing"), "{problems:?}");
        // With the missing agent there, the tier above the pipeline's shows.
        let text = text.replace(
            "  gamma: {template: mediator}\n",
            "  beta: {command: [b]}\n",
        );
        let problems = check(&text, Some(Tier::Operator)).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            (problems[0].line, problems[0].path.as_str()),
            (4, "agents.alpha.tier")
        );
        assert!(check(&text, Some(Tier::Builder)).is_ok());
    }

    const STAGED: &str = "\
name: staged
objective: ship
stages:
  - name: build
    command: [make]
    retry: {max: 2, backoff: 1s}
    timeout: 5m
  - name: test
    command: [make, test]
    requires: [build]
  - name: lint
    command: [make, lint]
    requires: [build]
  - name: approve
    type: human-gate
    requires: [test, lint]
    approvers: [ana]
  - name: on-failure
    command: [notify]
    requires: [test]
    when: test == failed
";

    #[test]
    fn a_staged_plan_passes() {
        let plan = check(STAGED, None).unwrap();
        assert_eq!(plan.stages.len(), 5);
        assert_eq!(plan.stages[0].retry.max, 2);
        assert_eq!(plan.stages[3].kind, crate::StageKind::HumanGate);
        assert_eq!(plan.stages[1].agent.command, vec!["make", "test"]);
        assert!(plan.required_voters().is_empty());
        assert_eq!(plan.stage_agent_id(&plan.stages[2]), "staged-lint");
    }

    #[test]
    fn stage_problems_are_located() {
        let text = STAGED
            .replace(
                "requires: [build]\n  - name: lint",
                "requires: [build, approve]\n  - name: lint",
            )
            .replace("requires: [test, lint]", "requires: [test, lnt]")
            .replace("when: test == failed", "when: lint == failed")
            .replace("approvers: [ana]", "approvers: [ana]\n    command: [x]");
        let problems = check(&text, None).unwrap_err();
        let got: Vec<(usize, &str)> = problems.iter().map(|p| (p.line, p.path.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (10, "stages.1.requires"),
                (14, "stages.3"),
                (16, "stages.3.requires.1"),
                (22, "stages.4.when"),
            ],
            "{problems:#?}"
        );
        assert_eq!(
            problems[0].message,
            "cycle: test (line 8) → approve (line 14) → test (line 8)",
        );
        assert!(
            problems[2].message.contains("did you mean `lint`"),
            "{problems:?}"
        );
        // Shape problems of stages: unknown keys, out of range, wrong kinds.
        let text = STAGED
            .replace(
                "retry: {max: 2, backoff: 1s}",
                "retry: {max: 20, backof: 1s}",
            )
            .replace("type: human-gate", "type: gate");
        let problems = check(&text, None).unwrap_err();
        let got: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            got,
            vec![
                "stages.0.retry.max",
                "stages.0.retry.backof",
                "stages.3.type"
            ],
            "{problems:#?}"
        );
        // A stage name twice; alpha beside stages.
        let text =
            STAGED.replace("name: lint", "name: test") + "agents:\n  alpha: {command: [a]}\n";
        let problems = check(&text, None).unwrap_err();
        let got: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert!(got.contains(&"stages.2.name"), "{problems:#?}");
        assert!(got.contains(&"agents.alpha"), "{problems:#?}");
    }

    #[test]
    fn duplicates_syntax_and_bombs_are_located() {
        let p = check("name: a\nname: b\nobjective: x\nagents: {}\n", None).unwrap_err();
        assert_eq!((p[0].line, p[0].column), (2, 1));
        let p = check("name: [a\n", None).unwrap_err();
        assert_eq!(p.len(), 1);
        let p = check("name: &n demo\nobjective: *n\nagents: {}\n", None).unwrap_err();
        assert!(p[0].message.contains("anchors"), "{p:?}");
        let big = "#".repeat(MAX_PLAN_BYTES + 1);
        assert!(check(&big, None).unwrap_err()[0].message.contains("larger"));
    }
}
