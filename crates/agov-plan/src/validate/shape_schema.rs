//! The located-error checker's table of the plan's shape ([`super::shape`])
//! and the plan's JSON Schema derived from the types
//! ([`crate::plan::schema::plan_schema`], `schema/json/plan.schema.json`)
//! say the same: the same keys at every depth, each required or not alike,
//! of the same kind, with the same enums and ranges. A field added to the
//! types alone (or to the table alone) fails here until the other agrees.

use std::collections::BTreeMap;

use serde_json::Value;

use super::shape::{PLAN, Shape, fields_of};

/// What a key takes, in words both sides can be put in: `required string`,
/// `integer 0..4`, `list of enum alpha|beta|gamma`.
type Keys = BTreeMap<String, String>;

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The checker's side: every key path under `path` with what it takes.
fn from_table(shape: &Shape, path: &str, out: &mut Keys) -> String {
    match shape {
        // A duration is text to the schema; the checker parses it.
        Shape::Str | Shape::Duration => "string".into(),
        Shape::Int(min, max) => format!("integer {min}..{max}"),
        Shape::Num(min, max) => format!("number {min}..{max}"),
        Shape::Bool => "boolean".into(),
        Shape::StrList => "list of string".into(),
        Shape::Enum(options) => format!("enum {}", options.join("|")),
        Shape::EnumList(options) => format!("list of enum {}", options.join("|")),
        Shape::ListOf(item) => {
            let item_path = join(path, "0");
            format!("list of {}", from_table(item, &item_path, out))
        }
        Shape::Record(_) | Shape::Records(_) => {
            for f in fields_of(shape, path) {
                let key = join(path, f.name);
                let what = from_table(&f.shape, &key, out);
                out.insert(key, required(f.required, what));
            }
            "record".into()
        }
        Shape::MapOf(keys, value) => {
            for k in *keys {
                let key = join(path, k);
                let what = from_table(value, &key, out);
                out.insert(key, required(false, what));
            }
            "record".into()
        }
        Shape::Dict(value) => format!("names to {}", from_table(value, &join(path, "*"), out)),
    }
}

fn required(yes: bool, what: String) -> String {
    if yes {
        format!("required {what}")
    } else {
        what
    }
}

/// The schema's side, the same way.
fn from_schema(root: &Value, schema: &Value, path: &str, out: &mut Keys) -> String {
    let schema = resolve(root, schema);
    if let Some(options) = enum_of(root, schema) {
        return format!("enum {}", options.join("|"));
    }
    let kind = schema["type"].as_str().unwrap_or("?");
    match kind {
        "string" => "string".into(),
        "boolean" => "boolean".into(),
        "integer" => {
            let max = schema["maximum"]
                .as_i64()
                .unwrap_or(match schema["format"].as_str() {
                    Some("uint8") => u8::MAX.into(),
                    Some("uint32") => u32::MAX.into(),
                    _ => i64::MAX,
                });
            let min = schema["minimum"].as_i64().unwrap_or(i64::MIN);
            format!("integer {min}..{max}")
        }
        "number" => match (schema["minimum"].as_f64(), schema["maximum"].as_f64()) {
            (Some(min), Some(max)) => format!("number {min}..{max}"),
            _ => "number without bounds".into(),
        },
        "array" => {
            let item_path = join(path, "0");
            format!(
                "list of {}",
                from_schema(root, &schema["items"], &item_path, out)
            )
        }
        "object" if schema.get("propertyNames").is_some() => {
            let value = &schema["additionalProperties"];
            let what = match value["type"].as_array() {
                // Scalars of any kind are read as text.
                Some(_) => "string".to_string(),
                None => from_schema(root, value, &join(path, "*"), out),
            };
            format!("names to {what}")
        }
        "object" => {
            assert_eq!(
                schema["additionalProperties"],
                Value::Bool(false),
                "{path}: the schema must refuse unknown keys as the checker does"
            );
            let needed: Vec<&str> = schema["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for (name, field) in schema["properties"].as_object().into_iter().flatten() {
                let key = join(path, name);
                let what = from_schema(root, field, &key, out);
                out.insert(key, required(needed.contains(&name.as_str()), what));
            }
            "record".into()
        }
        other => format!("{other}?"),
    }
}

/// A `$ref` to the root's `$defs`, followed.
fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => {
            let pointer = r.trim_start_matches('#');
            root.pointer(pointer)
                .unwrap_or_else(|| panic!("no {r} in the plan schema"))
        }
        None => schema,
    }
}

/// The values of an enum, whether `enum` or a `oneOf` of `const`s.
fn enum_of(root: &Value, schema: &Value) -> Option<Vec<String>> {
    let schema = resolve(root, schema);
    if let Some(values) = schema["enum"].as_array() {
        return Some(
            values
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
        );
    }
    let branches = schema["oneOf"].as_array()?;
    branches
        .iter()
        .map(|b| b["const"].as_str().map(String::from))
        .collect()
}

fn table_keys() -> Keys {
    let mut keys = Keys::new();
    from_table(&PLAN, "", &mut keys);
    keys
}

fn schema_keys(schema: &Value) -> Keys {
    let mut keys = Keys::new();
    from_schema(schema, schema, "", &mut keys);
    keys
}

/// The keys on which the two differ, as lines.
fn differences(table: &Keys, schema: &Keys) -> Vec<String> {
    let mut out = Vec::new();
    for (key, what) in table {
        match schema.get(key) {
            Some(s) if s == what => {}
            Some(s) => out.push(format!("{key}: checker says `{what}`, schema says `{s}`")),
            None => out.push(format!("{key}: in the checker's table only (`{what}`)")),
        }
    }
    for (key, what) in schema {
        if !table.contains_key(key) {
            out.push(format!("{key}: in the schema (the types) only (`{what}`)"));
        }
    }
    out
}

#[test]
fn the_checker_and_the_schema_describe_the_same_plan() {
    let table = table_keys();
    let schema = schema_keys(&crate::plan::schema::plan_schema());
    assert!(table.len() > 40, "only {} keys: {table:#?}", table.len());
    let diff = differences(&table, &schema);
    assert!(
        diff.is_empty(),
        "the plan's types (schema/json/plan.schema.json) and the checker's table in validate/shape.rs differ:\n{}",
        diff.join("\n")
    );
}

#[test]
fn a_field_known_to_one_side_only_is_a_difference() {
    let table = table_keys();
    let mut schema = crate::plan::schema::plan_schema();
    schema["properties"]["surprise"] = serde_json::json!({"type": "string"});
    schema["$defs"]["Retry"]["properties"]["max"]["maximum"] = 11.into();
    schema["required"] = serde_json::json!(["name"]);
    let diff = differences(&table, &schema_keys(&schema));
    assert_eq!(diff.len(), 3, "{diff:#?}");
    assert!(
        diff.iter()
            .any(|d| d.starts_with("surprise: in the schema"))
    );
    assert!(diff.iter().any(|d| d.starts_with("stages.0.retry.max:")));
    assert!(diff.iter().any(|d| d.starts_with("objective:")));
}
