//! The JSON Schema of a plan, derived from the [`Plan`] types
//! (`schema/json/plan.schema.json` is this, written by the schema
//! generator), and the two keys whose shape the types cannot say alone.

use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::Value;

use super::{AgentSpec, Plan};

/// The schema of a plan: what it may hold as a reader sees it.
pub fn plan_schema() -> Value {
    input_schema::<Plan>("plan.schema.json")
}

/// The schema of a file that agov reads as `T` (a plan, a template), as
/// the file `name`: an absent key, never a `null`, is how an optional
/// value is left out.
pub fn input_schema<T: JsonSchema>(name: &str) -> Value {
    let mut schema = SchemaSettings::draft2020_12()
        .for_deserialize()
        .with_transform(RecursiveTransform(no_null))
        .into_generator()
        .into_root_schema_for::<T>();
    schema.insert("$id".into(), format!("agov/{name}").into());
    schema.to_value()
}

/// `variables`: names the plan refers to as `${NAME}`, to text (numbers
/// and booleans are read as their text).
pub(crate) fn variables(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "object",
        "propertyNames": { "pattern": "^[A-Za-z_][A-Za-z0-9_]{0,63}$" },
        "additionalProperties": { "type": ["string", "number", "boolean"] }
    })
}

/// `agents`: a record of the three roles, each an [`AgentSpec`].
pub(crate) fn agents(generator: &mut SchemaGenerator) -> Schema {
    let agent = generator.subschema_for::<AgentSpec>();
    json_schema!({
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "alpha": agent.clone(),
            "beta": agent.clone(),
            "gamma": agent,
        }
    })
}

/// Drops `null` from an `Option`'s schema: a plan leaves a value out by
/// leaving its key out, and the checker refuses an empty value.
fn no_null(schema: &mut Schema) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    if let Some(Value::Array(types)) = obj.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types.remove(0);
            obj.insert("type".into(), only);
        }
    }
    if let Some(Value::Array(branches)) = obj.get("anyOf") {
        let kept: Vec<Value> = branches
            .iter()
            .filter(|b| b.get("type").is_none_or(|t| t != "null"))
            .cloned()
            .collect();
        if kept.len() == 1 && kept.len() < branches.len() {
            obj.remove("anyOf");
            if let Value::Object(only) = &kept[0] {
                for (k, v) in only {
                    obj.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
        }
    }
    if obj.get("default").is_some_and(Value::is_null) {
        obj.remove("default");
    }
}
