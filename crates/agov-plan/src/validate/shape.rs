//! The shape of a plan, key by key (kinds, enums, ranges, required keys),
//! and the walk over a located YAML tree that reports every value out of
//! it with its line and column, then turns the tree into JSON for serde.

use super::*;

/// The kind of value a key takes.
pub(super) enum Shape {
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

pub(super) struct Field {
    pub(super) name: &'static str,
    pub(super) shape: Shape,
    pub(super) required: bool,
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

pub(super) static PLAN: Shape = Shape::Record(&[
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

/// Every value of the plan `root` out of its shape, with its place.
pub(super) fn shape_problems(root: &Node, out: &mut Vec<Problem>) {
    walk(&PLAN, root, "", out);
}

/// The plan `root` as JSON for serde, typed by its shape (once
/// [`shape_problems`] found none).
pub(super) fn plan_json(root: &Node) -> serde_json::Value {
    to_json(&PLAN, root, "")
}

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
pub(super) fn fields_of(shape: &Shape, path: &str) -> Vec<&'static Field> {
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
