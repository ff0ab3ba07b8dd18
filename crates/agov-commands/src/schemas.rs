//! The JSON Schemas in `schema/json/`, derived from the types that serde
//! writes (`schemars`): [`generated`] is every file made from a type,
//! [`HAND_WRITTEN`] every file still written by hand, each with why. The
//! CLI tests write the generated ones
//! (`UPDATE_ASSETS=1 cargo test -p agov --test cli schemas::generated`)
//! and fail when a committed file differs from its type.

use agov_plan::plan::schema::input_schema;
use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::Value;

/// The command that rewrites the generated schemas.
pub const REGENERATE: &str = "UPDATE_ASSETS=1 cargo test -p agov --test cli schemas::generated";

/// The schemas not (yet) derived from a type, each with why.
pub const HAND_WRITTEN: &[(&str, &str)] = &[
    ("agents.schema.json", LIST),
    ("bugs.schema.json", LIST),
    ("ledger-events.schema.json", LIST),
    ("memory-entries.schema.json", LIST),
    (
        "memory-fetch.schema.json",
        "streamed: the content is written as it is read, not serialized from a type",
    ),
    ("pipeline-artifacts.schema.json", LIST),
    ("plan-stored.schema.json", STORED_PLAN),
    ("plans.schema.json", STORED_PLAN),
    ("templates.schema.json", LIST),
];

/// Why a list's schema is written by hand: a type would inline its items.
const LIST: &str = "a list whose items `$ref` a sibling file";
/// Why the stored plans' are: one type with the text only in `show`.
const STORED_PLAN: &str =
    "`StoredPlan` has `text` in `plan show` and never in `plan list`: one type cannot say which";

/// Every schema derived from a type, as (file name, schema).
pub fn generated() -> Vec<(&'static str, Value)> {
    use crate::ledger;
    let mut out = vec![
        ("plan.schema.json", agov_plan::plan::schema::plan_schema()),
        (
            "template.schema.json",
            input_schema::<agov_templates::Template>("template.schema.json"),
        ),
        output::<agov_cli::ErrorLine>("error.schema.json"),
        input::<agov_governance::protocol::Message>("agent-protocol.schema.json"),
        input::<agov_governance::Packet>("packet.schema.json"),
        output::<crate::validate::Report>("validate-phases.schema.json"),
        output::<crate::pipeline::plan::add::Added>("plan-add.schema.json"),
        output::<crate::pipeline::plan::rm::Removed>("plan-rm.schema.json"),
        output::<crate::pipeline::validate::Checked>("plan-validate.schema.json"),
        output::<crate::pipeline::token::pipeline::Token>("pipeline-token.schema.json"),
        output::<crate::pipeline::token::Info>("pipeline-token-info.schema.json"),
        output::<crate::pipeline::token::issue::Issued>("pipeline-token-issued.schema.json"),
        output::<crate::pipeline::token::revoke::Revoked>("pipeline-token-revoked.schema.json"),
        output::<crate::pipeline::approve::Decided>("pipeline-approve.schema.json"),
        list::<crate::pipeline::revocations::Row>(
            "revocations.schema.json",
            "The revocation list",
            "`pipeline revocations --json`.",
        ),
        output::<agov_governance::handoff::Handoff>("handoff.schema.json"),
        output::<agov_pipeline::consensus::Vote>("pipeline-vote.schema.json"),
        output::<agov_checkpoint::Checkpoint>("checkpoint.schema.json"),
        output::<agov_checkpoint::Snapshot>("checkpoint-snapshot.schema.json"),
        output::<crate::checkpoint::prune::Pruned>("checkpoint-prune.schema.json"),
        output::<agov_checkpoint::Diff>("checkpoint-diff.schema.json"),
        output::<crate::checkpoint::load::Briefing>("checkpoint-load.schema.json"),
        list::<agov_checkpoint::Summary>(
            "checkpoint-timeline.schema.json",
            "Checkpoints, newest first",
            "`checkpoint timeline --json`: each checkpoint without its snapshot (`checkpoint show ID --json` has it).",
        ),
        output::<crate::bugs::scan::Report>("bug-scan.schema.json"),
        list::<agov_pipeline::control::Collected>(
            "pipeline-gc.schema.json",
            "Tokens collected",
            "`pipeline gc --json`: each pipeline whose token had to go (settled, or its driver gone), whether the token authority revoked it, and whether its keys were deleted.",
        ),
        output::<crate::pipeline::agents::approve::Approved>("agent-approve.schema.json"),
        output::<crate::pipeline::agent::run::Ended>("agent-run.schema.json"),
        output::<crate::pipeline::agents::show::Shown>("agent-show.schema.json"),
        output::<crate::pipeline::agents::revoke::Changed>("agent-revoke.schema.json"),
        output::<crate::pipeline::spawn::Detached>("pipeline-detached.schema.json"),
        output::<crate::pipeline::consensus::fallback::Written>(
            "pipeline-download-log.schema.json",
        ),
        output::<agov_pipeline::artifacts::Artifact>("pipeline-artifact.schema.json"),
        list::<crate::pipeline::errors::AgentErrors>(
            "agent-errors.schema.json",
            "Errors by agent",
            "`pipeline errors --json`: from the ledger's agent.error, agent.violation, agent.revoke and agent.fail events since --since; agents with revocations or failures first.",
        ),
        output::<crate::pipeline::view::Summary>("pipeline.schema.json"),
        output::<crate::pipeline::view::EventLine>("pipeline-event.schema.json"),
        output::<agov_pipeline::board::Posted>("pipeline-entry.schema.json"),
        output::<crate::pipeline::report::Written>("pipeline-report.schema.json"),
        output::<crate::pipeline::dashboard::snapshot::Snapshot>("pipeline-dashboard.schema.json"),
        output::<agov_pipeline::board::Snapshot>("pipeline-blackboard.schema.json"),
        list::<agov_pipeline::board::Mail>(
            "pipeline-messages.schema.json",
            "Direct messages between a pipeline's agents",
            "`pipeline messages ID [--to ROLE] --json`, oldest first.",
        ),
        output::<crate::pipeline::consensus::status::Votes>("pipeline-consensus.schema.json"),
        list::<crate::pipeline::list::Row>(
            "pipelines.schema.json",
            "Pipelines",
            "`pipeline list [--all] --json`, newest first.",
        ),
        output::<agov_templates::Stored>("template-stored.schema.json"),
        output::<crate::pipeline::templates::add::Added>("template-add.schema.json"),
        output::<crate::pipeline::templates::rm::Removed>("template-rm.schema.json"),
        list::<agov_templates::Hit>(
            "template-hits.schema.json",
            "Template search hits",
            "`pipeline templates search --json`, best match first.",
        ),
        output::<agov_ledger::Event>("ledger-event.schema.json"),
        output::<ledger::export::Exported>("ledger-export.schema.json"),
        output::<ledger::hmac::Signed>("ledger-hmac.schema.json"),
        output::<ledger::seal::Sealed>("ledger-seal.schema.json"),
        output::<agov_ledger::VerifyReport>("ledger-verify.schema.json"),
        output::<agov_bugs::Bug>("bug.schema.json"),
        output::<agov_bugs::Counts>("bug-counts.schema.json"),
        output::<agov_memory::Entry>("memory-entry.schema.json"),
        output::<agov_memory::Line>("memory-line.schema.json"),
        output::<agov_memory::Summary>("memory-summary.schema.json"),
        output::<agov_memory::IndexReport>("memory-index.schema.json"),
        output::<agov_memory::PruneReport>("memory-prune.schema.json"),
        output::<crate::memory::rm::Removed>("memory-rm.schema.json"),
        list::<agov_memory::Hit>(
            "memory-hits.schema.json",
            "Memory search results",
            "`memory search --json`: the best place in each matching entry, best first.",
        ),
        output::<agov_status::DirStatus>("status-dir.schema.json"),
        output::<agov_status::Sweep>("status-sweep.schema.json"),
        output::<crate::status::dashboard::Dashboard>("status-dashboard.schema.json"),
        output::<agov_agent::records::Metrics>("agent.schema.json"),
        list::<agov_bugs::Hit>(
            "bug-hits.schema.json",
            "Bug search results",
            "`bugs search --json`, best match first.",
        ),
    ];
    for (_, schema) in &mut out {
        unwrap_descriptions(schema);
    }
    out
}

/// The schema of what `T` serializes to, as the file `name`: every object
/// with known keys refuses others, as serde never writes them.
fn output<T: JsonSchema>(name: &'static str) -> (&'static str, Value) {
    let mut schema = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<T>();
    schema.insert("$id".into(), format!("agov/{name}").into());
    let mut schema = schema.to_value();
    closed(&mut schema, false);
    (name, schema)
}

/// The schema of the lines agov reads as `T` (what an agent writes), as
/// the file `name`: what serde accepts, `null` for an absent value
/// included.
fn input<T: JsonSchema>(name: &'static str) -> (&'static str, Value) {
    let mut schema = SchemaSettings::draft2020_12()
        .for_deserialize()
        .into_generator()
        .into_root_schema_for::<T>();
    schema.insert("$id".into(), format!("agov/{name}").into());
    (name, schema.to_value())
}

/// The schema of a list of `T`s, as the file `name`.
fn list<T: JsonSchema>(
    name: &'static str,
    title: &str,
    description: &str,
) -> (&'static str, Value) {
    let (name, mut schema) = output::<Vec<T>>(name);
    schema["title"] = title.into();
    schema["description"] = description.into();
    (name, schema)
}

/// Every object schema with `properties` refuses other keys. One whose
/// keys are partly in `oneOf`/`anyOf` branches (a flattened enum) refuses
/// the keys no branch knows (`unevaluatedProperties`), and its branches
/// (`in_branch`) stay open to the object's own keys.
fn closed(v: &mut Value, in_branch: bool) {
    let Value::Object(obj) = v else {
        if let Value::Array(items) = v {
            items.iter_mut().for_each(|i| closed(i, in_branch));
        }
        return;
    };
    let branched =
        obj.contains_key("properties") && (obj.contains_key("oneOf") || obj.contains_key("anyOf"));
    if obj.contains_key("properties") {
        if in_branch {
            obj.remove("additionalProperties");
        } else if branched {
            obj.remove("additionalProperties");
            obj.insert("unevaluatedProperties".into(), false.into());
        } else {
            obj.entry("additionalProperties").or_insert(false.into());
        }
    }
    for (key, child) in obj.iter_mut() {
        match key.as_str() {
            // Values, not schemas.
            "default" | "enum" | "const" | "examples" => {}
            "oneOf" | "anyOf" => closed(child, branched),
            "properties" | "$defs" => {
                if let Value::Object(map) = child {
                    map.values_mut().for_each(|s| closed(s, false));
                }
            }
            _ => closed(child, false),
        }
    }
}

/// Doc comments are wrapped at 80 columns: a description is one line per
/// paragraph.
fn unwrap_descriptions(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                match child {
                    Value::String(s) if k == "description" || k == "title" => {
                        *s = s
                            .split("\n\n")
                            .map(|p| p.split('\n').map(str::trim).collect::<Vec<_>>().join(" "))
                            .collect::<Vec<_>>()
                            .join("\n\n");
                    }
                    _ => unwrap_descriptions(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(unwrap_descriptions),
        _ => {}
    }
}

/// A schema as its file holds it.
pub fn text(schema: &Value) -> String {
    serde_json::to_string_pretty(schema).unwrap_or_default() + "\n"
}
