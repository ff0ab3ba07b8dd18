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

/// One problem, where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
    /// The dotted path of the key (`agents.alpha.tier`); empty for the document.
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

/// The kind of value a key takes.
enum Shape {
    Str,
    Int(i64, i64),
    Num(f64, f64),
    Bool,
    StrList,
    Duration,
    Enum(&'static [&'static str]),
    EnumList(&'static [&'static str]),
    Record(&'static [Field]),
    /// A record whose fields come from several tables.
    Records(&'static [&'static [Field]]),
    ListOf(&'static Shape),
    /// A mapping of names (`[A-Za-z_][A-Za-z0-9_]*`) to values of one shape.
    Dict(&'static Shape),
    MapOf(&'static [&'static str], &'static Shape),
}

struct Field {
    name: &'static str,
    shape: Shape,
    required: bool,
}

const fn opt(name: &'static str, shape: Shape) -> Field {
    Field {
        name,
        shape,
        required: false,
    }
}

const fn req(name: &'static str, shape: Shape) -> Field {
    Field {
        name,
        shape,
        required: true,
    }
}

const ROLES: &[&str] = &["alpha", "beta", "gamma"];

static BUDGET: Shape = Shape::Record(&[
    opt("max_total_errors", Shape::Int(0, u32::MAX as i64)),
    opt("max_same_error_repeats", Shape::Int(0, u32::MAX as i64)),
    opt("max_procedure_violations", Shape::Int(0, u32::MAX as i64)),
]);

const AGENT_FIELDS: &[Field] = &[
    opt("template", Shape::Str),
    opt("id", Shape::Str),
    opt("driver", Shape::Enum(&["command", "llm"])),
    opt("command", Shape::StrList),
    opt("objective", Shape::Str),
    opt("tier", Shape::Int(0, 4)),
    opt("deliverables", Shape::StrList),
    opt("required_steps", Shape::StrList),
    opt("forbidden", Shape::StrList),
    opt("success_criteria", Shape::StrList),
    opt("error_budget", Shape::Record(&[])),
];

static AGENT: Shape = Shape::Record(AGENT_FIELDS);

const STAGE_FIELDS: &[Field] = &[
    req("name", Shape::Str),
    opt("type", Shape::Enum(&["agent", "human-gate"])),
    opt("role", Shape::Enum(ROLES)),
    opt("requires", Shape::StrList),
    opt("when", Shape::Str),
    opt("retry", Shape::Record(&[])),
    opt("timeout", Shape::Duration),
    opt("approvers", Shape::StrList),
];

static STAGE: Shape = Shape::Records(&[STAGE_FIELDS, AGENT_FIELDS]);

static RETRY: Shape = Shape::Record(&[
    opt("max", Shape::Int(0, crate::stage::MAX_RETRIES as i64)),
    opt("backoff", Shape::Duration),
]);

static GAMMA: Shape = Shape::Record(&[
    opt("stuck_after", Shape::Duration),
    opt("conflicts", Shape::Int(0, u32::MAX as i64)),
    opt("complexity", Shape::Num(0.0, 1.0)),
    opt("validate_success", Shape::Bool),
]);

static CONSENSUS: Shape = Shape::Record(&[opt("required", Shape::EnumList(ROLES))]);

static PLAN: Shape = Shape::Record(&[
    req("name", Shape::Str),
    opt("description", Shape::Str),
    req("objective", Shape::Str),
    opt("variables", Shape::Dict(&Shape::Str)),
    opt("tier", Shape::Int(0, 4)),
    opt("complexity", Shape::Num(0.0, 1.0)),
    opt("timeout", Shape::Duration),
    opt("agents", Shape::MapOf(ROLES, &AGENT)),
    opt("stages", Shape::ListOf(&STAGE)),
    opt("gamma", Shape::Record(&[])),
    opt("consensus", Shape::Record(&[])),
]);

/// The shape of a record field whose table is given apart (statics cannot
/// refer to each other inside `Record` literals of other statics).
fn nested(path: &str) -> Option<&'static Shape> {
    match path.rsplit('.').next()? {
        "error_budget" => Some(&BUDGET),
        "retry" if path.starts_with("stages.") => Some(&RETRY),
        "gamma" if !path.contains('.') => Some(&GAMMA),
        "consensus" if !path.contains('.') => Some(&CONSENSUS),
        _ => None,
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn kind(node: &Node) -> &'static str {
    match &node.value {
        Value::Map(_) => "a mapping",
        Value::Seq(_) => "a list",
        Value::Scalar(..) => "a value",
    }
}

fn walk(shape: &Shape, node: &Node, path: &str, out: &mut Vec<Problem>) {
    let scalar = node.as_str();
    let plain = matches!(&node.value, Value::Scalar(_, true));
    let wrong = |out: &mut Vec<Problem>, wanted: &str| {
        out.push(Problem::at(
            node.pos,
            path,
            format!("expected {wanted}, found {}", describe(node)),
        ));
    };
    match shape {
        Shape::Str => {
            if scalar.is_none() || node.is_null() {
                wrong(out, "text");
            }
        }
        Shape::Int(min, max) => {
            match scalar.filter(|_| plain).and_then(|s| s.parse::<i64>().ok()) {
                Some(n) if n < *min || n > *max => out.push(Problem::at(
                    node.pos,
                    path,
                    format!("{n} is out of range ({min} to {max})"),
                )),
                Some(_) => {}
                None => wrong(out, &format!("a whole number from {min} to {max}")),
            }
        }
        Shape::Num(min, max) => {
            match scalar.filter(|_| plain).and_then(|s| s.parse::<f64>().ok()) {
                Some(n) if !(*min..=*max).contains(&n) => out.push(Problem::at(
                    node.pos,
                    path,
                    format!("{n} is out of range ({min} to {max})"),
                )),
                Some(_) => {}
                None => wrong(out, &format!("a number from {min} to {max}")),
            }
        }
        Shape::Bool => {
            if !matches!(scalar.filter(|_| plain), Some("true" | "false")) {
                wrong(out, "true or false");
            }
        }
        Shape::Duration => match scalar {
            Some(s) if !node.is_null() => {
                if let Err(e) = agov_core::time::parse_duration(s) {
                    out.push(Problem::at(node.pos, path, e));
                }
            }
            _ => wrong(out, "a duration such as 30s, 15m or 2h"),
        },
        Shape::Enum(options) => {
            if !scalar.is_some_and(|s| options.contains(&s)) {
                wrong(out, &format!("one of {}", options.join(", ")));
            }
        }
        Shape::StrList | Shape::EnumList(_) => {
            let Value::Seq(items) = &node.value else {
                return wrong(out, "a list");
            };
            let item_shape = match shape {
                Shape::EnumList(o) => Shape::Enum(o),
                _ => Shape::Str,
            };
            for (i, item) in items.iter().enumerate() {
                walk(&item_shape, item, &join(path, &i.to_string()), out);
            }
        }
        Shape::ListOf(item_shape) => {
            let Value::Seq(items) = &node.value else {
                return wrong(out, "a list");
            };
            for (i, item) in items.iter().enumerate() {
                walk(item_shape, item, &join(path, &i.to_string()), out);
            }
        }
        Shape::Record(_) | Shape::Records(_) => {
            let fields = fields_of(shape, path);
            let Value::Map(entries) = &node.value else {
                return wrong(out, "a mapping");
            };
            for (key, kpos, value) in entries {
                match fields.iter().find(|f| f.name == key) {
                    Some(f) => walk(&f.shape, value, &join(path, key), out),
                    None => out.push(Problem::at(
                        *kpos,
                        &join(path, key),
                        format!(
                            "unknown key `{key}`{}",
                            suggestion(key, fields.iter().map(|f| f.name))
                        ),
                    )),
                }
            }
            for f in fields.iter().filter(|f| f.required) {
                if !entries.iter().any(|(k, _, _)| k == f.name) {
                    out.push(Problem::at(
                        node.pos,
                        &join(path, f.name),
                        format!("`{}` is required", f.name),
                    ));
                }
            }
        }
        Shape::Dict(value_shape) => {
            let Value::Map(entries) = &node.value else {
                return wrong(out, "a mapping");
            };
            for (key, kpos, value) in entries {
                let good = !key.is_empty()
                    && key.len() <= 64
                    && key.chars().enumerate().all(|(i, c)| {
                        c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())
                    });
                if good {
                    walk(value_shape, value, &join(path, key), out);
                } else {
                    out.push(Problem::at(
                        *kpos,
                        &join(path, key),
                        format!("`{key}` is not a variable name: use letters, digits and _, not starting with a digit"),
                    ));
                }
            }
        }
        Shape::MapOf(keys, value_shape) => {
            let Value::Map(entries) = &node.value else {
                return wrong(out, "a mapping");
            };
            for (key, kpos, value) in entries {
                if keys.contains(&key.as_str()) {
                    walk(value_shape, value, &join(path, key), out);
                } else {
                    out.push(Problem::at(
                        *kpos,
                        &join(path, key),
                        format!("unknown key `{key}`: use {}", keys.join(", ")),
                    ));
                }
            }
        }
    }
}

/// The fields of a record shape at `path`.
fn fields_of(shape: &Shape, path: &str) -> Vec<&'static Field> {
    match (shape, nested(path)) {
        (Shape::Record([]), Some(Shape::Record(f))) => f.iter().collect(),
        (Shape::Record(f), _) => f.iter().collect(),
        (Shape::Records(tables), _) => tables.iter().flat_map(|t| t.iter()).collect(),
        _ => Vec::new(),
    }
}

/// The JSON of a node whose shape [`walk`] found right, typed by the shape
/// (so the plan is read from the tree, not parsed a second time).
fn to_json(shape: &Shape, node: &Node, path: &str) -> serde_json::Value {
    use serde_json::Value as J;
    let text = || J::String(node.as_str().unwrap_or_default().to_string());
    match (shape, &node.value) {
        (Shape::Int(..), Value::Scalar(s, _)) => s.parse::<i64>().map_or(J::Null, J::from),
        (Shape::Num(..), Value::Scalar(s, _)) => s.parse::<f64>().map_or(J::Null, J::from),
        (Shape::Bool, Value::Scalar(s, _)) => J::Bool(s == "true"),
        (Shape::StrList | Shape::EnumList(_), Value::Seq(items)) => J::Array(
            items
                .iter()
                .map(|n| J::String(n.as_str().unwrap_or_default().into()))
                .collect(),
        ),
        (Shape::ListOf(item), Value::Seq(items)) => J::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, n)| to_json(item, n, &join(path, &i.to_string())))
                .collect(),
        ),
        (Shape::Record(_) | Shape::Records(_), Value::Map(entries)) => {
            let fields = fields_of(shape, path);
            J::Object(
                entries
                    .iter()
                    .filter_map(|(k, _, v)| {
                        let f = fields.iter().find(|f| f.name == k)?;
                        Some((k.clone(), to_json(&f.shape, v, &join(path, k))))
                    })
                    .collect(),
            )
        }
        (Shape::MapOf(_, value_shape) | Shape::Dict(value_shape), Value::Map(entries)) => {
            J::Object(
                entries
                    .iter()
                    .map(|(k, _, v)| (k.clone(), to_json(value_shape, v, &join(path, k))))
                    .collect(),
            )
        }
        _ => text(),
    }
}

fn describe(node: &Node) -> String {
    match &node.value {
        Value::Scalar(s, _) if node.is_null() && s.is_empty() => "nothing".into(),
        Value::Scalar(s, _) => {
            let short: String = s.chars().take(40).collect();
            format!("`{short}`")
        }
        _ => kind(node).into(),
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
    let mut problems: Vec<Problem> = duplicates
        .into_iter()
        .map(|d| Problem::at(d.pos, "", d.message))
        .collect();
    walk(&PLAN, &root, "", &mut problems);
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
    let mut plan: Plan = match serde_json::from_value(to_json(&PLAN, &root, "")) {
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
