//! The reference system's pipeline DSL, read as an agov plan.
//!
//! ```yaml
//! pipeline:
//!   name: infrastructure-deploy
//!   stages:
//!     - plan: { agent: planner, artifacts: [terraform-plan] }
//!     - review: { type: human-gate, timeout: 30m }
//!     - execute: { agent: executor, requires: [plan] }
//! ```
//!
//! is the staged plan `name: infrastructure-deploy` whose stages are named
//! by their keys and run in the order listed (each after the one before
//! it; `requires` adds more); `agent: X` is the stored template `X`
//! (`pipeline templates add`), `artifacts` are its deliverables, and the objective,
//! which the DSL has no place for, is the pipeline's name unless given.
//! Everything else is an agov plan's own field. Each value keeps its line
//! and column, so problems point into the file as written.

use crate::yaml::{Node, Value};

/// Whether `root` is written in the DSL: one `pipeline` key holding a map.
pub fn is_dsl(root: &Node) -> bool {
    matches!(&root.value, Value::Map(entries)
        if entries.len() == 1
            && entries[0].0 == "pipeline"
            && matches!(entries[0].2.value, Value::Map(_)))
}

/// The agov plan a DSL document stands for; any other document unchanged.
pub fn normalize(root: Node) -> Node {
    if !is_dsl(&root) {
        return root;
    }
    let Value::Map(mut outer) = root.value else {
        return root;
    };
    let (_, _, pipeline) = outer.remove(0);
    let pos = pipeline.pos;
    let Value::Map(mut entries) = pipeline.value else {
        unreachable!("is_dsl checked it is a map");
    };
    for (key, _, value) in &mut entries {
        if key == "stages"
            && let Value::Seq(items) = &mut value.value
        {
            let mut before: Option<(String, crate::yaml::Pos)> = None;
            for item in items.iter_mut() {
                *item = stage(std::mem::replace(item, placeholder()));
                if let Some(previous) = &before {
                    after(item, previous);
                }
                before = item
                    .get("name")
                    .and_then(|n| n.as_str().map(|s| (s.to_string(), n.pos)));
            }
        }
    }
    let has = |k: &str, e: &[(String, _, Node)]| e.iter().any(|(key, _, _)| key == k);
    if !has("objective", &entries)
        && let Some((_, at, name)) = entries.iter().find(|(k, _, _)| k == "name")
    {
        let (at, name) = (*at, name.clone());
        entries.push(("objective".into(), at, name));
    }
    Node {
        value: Value::Map(entries),
        pos,
    }
}

/// `- plan: {agent: planner, …}` as `- {name: plan, template: planner, …}`;
/// a stage already written with `name:` unchanged.
fn stage(item: Node) -> Node {
    let Value::Map(entries) = &item.value else {
        return item;
    };
    let [(name, at, body)] = entries.as_slice() else {
        return item;
    };
    let fields = match &body.value {
        Value::Map(fields) => fields.clone(),
        _ if body.is_null() => Vec::new(),
        _ => return item,
    };
    let mut out = vec![(
        "name".to_string(),
        *at,
        Node {
            value: Value::Scalar(name.clone(), false),
            pos: *at,
        },
    )];
    out.extend(fields.into_iter().map(|(k, at, v)| {
        let k = match k.as_str() {
            "agent" => "template".to_string(),
            "artifacts" => "deliverables".to_string(),
            _ => k,
        };
        (k, at, v)
    }));
    Node {
        value: Value::Map(out),
        pos: item.pos,
    }
}

/// Makes the stage `item` wait for `previous` (a name and where it is
/// written) besides what it `requires`.
fn after(item: &mut Node, previous: &(String, crate::yaml::Pos)) {
    let Value::Map(fields) = &mut item.value else {
        return;
    };
    let name = Node {
        value: Value::Scalar(previous.0.clone(), false),
        pos: previous.1,
    };
    match fields.iter_mut().find(|(k, _, _)| k == "requires") {
        Some((
            _,
            _,
            Node {
                value: Value::Seq(list),
                ..
            },
        )) => {
            if !list.iter().any(|n| n.as_str() == Some(&previous.0)) {
                list.push(name);
            }
        }
        // Another shape: left for the checks to report.
        Some(_) => {}
        None => fields.push((
            "requires".into(),
            previous.1,
            Node {
                value: Value::Seq(vec![name]),
                pos: previous.1,
            },
        )),
    }
}

/// A problem found in the agov plan, with its path named as the DSL
/// writes it (`stages.0.agent`, `stages.0.artifacts`).
pub fn rename(mut p: crate::validate::Problem) -> crate::validate::Problem {
    for (agov, dsl) in [(".template", ".agent"), (".deliverables", ".artifacts")] {
        if let Some(i) = p.path.find(agov)
            && p.path[i + agov.len()..]
                .chars()
                .all(|c| c == '.' || c.is_ascii_digit())
        {
            p.path.replace_range(i..i + agov.len(), dsl);
            if dsl == ".agent" && p.message.starts_with("unknown template") {
                p.message = p.message.replacen(
                    "unknown template",
                    "unknown agent: the DSL's agents are stored templates (`pipeline templates add FILE`), and there is no template",
                    1,
                );
            }
            break;
        }
    }
    p
}

fn placeholder() -> Node {
    Node {
        value: Value::Seq(Vec::new()),
        pos: crate::yaml::Pos::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The DSL example of the reference's architecture document, as written.
    const REFERENCE: &str = include_str!("../../../tests/fixtures/reference/pipeline-dsl.yaml");

    #[test]
    fn the_reference_dsl_reads_as_a_staged_plan() {
        let (root, _) = crate::yaml::parse(REFERENCE).unwrap();
        assert!(is_dsl(&root));
        let plan = normalize(root);
        let json = crate::validate::plan_json_of(&plan);
        assert_eq!(json["name"], "infrastructure-deploy");
        assert_eq!(json["objective"], "infrastructure-deploy");
        let stages = json["stages"].as_array().unwrap();
        let names: Vec<&str> = stages.iter().map(|s| s["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["plan", "review", "execute"]);
        assert_eq!(stages[0]["template"], "planner");
        assert_eq!(stages[0]["deliverables"][0], "terraform-plan");
        assert_eq!(stages[1]["type"], "human-gate");
        // Each stage after the one listed before it: the gate sits between.
        assert!(stages[0].get("requires").is_none());
        assert_eq!(stages[1]["requires"], serde_json::json!(["plan"]));
        assert_eq!(stages[2]["requires"], serde_json::json!(["plan", "review"]));
        // Positions stay where the text has them: `agent: executor` is line 11.
        assert_eq!(plan.locate("stages.2.template").line, 11);
    }

    #[test]
    fn a_native_plan_is_left_alone() {
        let text = "name: x\nobjective: y\nstages:\n  - name: a\n    command: [true]\n";
        let (root, _) = crate::yaml::parse(text).unwrap();
        assert!(!is_dsl(&root));
        assert_eq!(normalize(root.clone()), root);
    }
}
