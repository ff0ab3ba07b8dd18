//! Every `--json` output matches its documented shape in schema/json/
//! (generated from the types: see [`generated`]),
//! checked by the `jsonschema` crate: the whole of Draft 2020-12, formats
//! included, with `$ref`s to sibling files read from schema/json/.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::TestEnv;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema/json")
}

fn load(name: &str) -> Value {
    let path = dir().join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Resolves a `$ref` to a sibling file: the schemas' `$id`s are
/// `agov/NAME`, so a reference's last segment names the file.
struct SchemaDir;

impl jsonschema::Retrieve for SchemaDir {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri.path().as_str().rsplit('/').next().unwrap_or_default();
        let text = std::fs::read_to_string(dir().join(name))
            .map_err(|e| format!("{uri}: no schema {name} in schema/json: {e}"))?;
        Ok(serde_json::from_str(&text)?)
    }
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .with_retriever(SchemaDir)
        .build(schema)
        .unwrap_or_else(|e| panic!("schema does not compile: {e}"))
}

/// Every mismatch, as `path: problem` lines.
fn check(schema: &Value, v: &Value) -> Result<(), String> {
    let errors: Vec<String> = validator(schema)
        .iter_errors(v)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("\n"))
    }
}

#[track_caller]
pub(crate) fn assert_shape(schema: &str, v: &Value) {
    if let Err(e) = check(&load(schema), v) {
        panic!("output does not match {schema}:\n{e}\n{v:#}");
    }
}

#[test]
fn every_schema_is_valid_draft_2020_12_and_compiles() {
    let mut seen = 0;
    for entry in std::fs::read_dir(dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let schema = load(&name);
        if let Err(e) = jsonschema::draft202012::meta::validate(&schema) {
            panic!("{name} is not a valid Draft 2020-12 schema: {e}");
        }
        assert_eq!(
            schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{name}"
        );
        assert_eq!(schema["$id"], format!("agov/{name}"), "{name}");
        // Compiling resolves every `$ref` it holds.
        validator(&schema);
        seen += 1;
    }
    assert!(seen > 50, "only {seen} schemas");
}

#[test]
fn the_validator_rejects_what_it_should() {
    let event = load("ledger-event.schema.json");
    assert!(check(&event, &serde_json::json!({"seq": 1})).is_err());
    let verify = load("ledger-verify.schema.json");
    let good = serde_json::json!({"ok": true, "events": 0, "head_seq": 0, "head_hash": null, "seals_checked": 0, "problem": null, "warnings": []});
    assert!(check(&verify, &good).is_ok());
    let mut extra = good.clone();
    extra["surprise"] = Value::Bool(true);
    assert!(check(&verify, &extra).is_err());
    let mut wrong = good;
    wrong["events"] = Value::String("3".into());
    assert!(check(&verify, &wrong).is_err());
    // What the hand-written validator this replaced skipped.
    let strict = serde_json::json!({
        "type": "object",
        "properties": {
            "id": {"type": "string", "pattern": "^b[0-9]+$", "minLength": 2},
            "n": {"type": "integer", "maximum": 4},
            "tags": {"type": "array", "maxItems": 1},
            "at": {"type": "string", "format": "date-time"},
            "map": {"type": "object", "propertyNames": {"pattern": "^[a-z]+$"}}
        }
    });
    assert!(check(&strict, &serde_json::json!({"id": "b1", "n": 4, "tags": ["x"], "at": "2026-01-02T03:04:05Z", "map": {"a": 1}})).is_ok());
    for bad in [
        serde_json::json!({"id": "x1"}),
        serde_json::json!({"id": "b"}),
        serde_json::json!({"n": 5}),
        serde_json::json!({"tags": ["x", "y"]}),
        serde_json::json!({"at": "yesterday"}),
        serde_json::json!({"map": {"A": 1}}),
    ] {
        assert!(check(&strict, &bad).is_err(), "{bad} passed");
    }
    // A `$ref` to a sibling file is followed.
    let list = load("bugs.schema.json");
    assert!(check(&list, &serde_json::json!([{"id": 1}])).is_err());
}

#[test]
fn ledger_outputs_match_their_schemas() {
    let env = TestEnv::new();
    let noted = env
        .run(
            "ledger",
            &["note", "-m", "shape", "--subject", "s1", "--json"],
        )
        .expect(0)
        .json();
    assert_shape("ledger-event.schema.json", &noted);
    assert_shape(
        "ledger-event.schema.json",
        &env.run("ledger", &["show", "1", "--json"]).expect(0).json(),
    );
    assert_shape(
        "ledger-events.schema.json",
        &env.run("ledger", &["query", "--json"]).expect(0).json(),
    );
    for line in env
        .run("ledger", &["tail", "--json"])
        .expect(0)
        .json_lines()
    {
        assert_shape("ledger-event.schema.json", &line);
    }
    for line in env.run("ledger", &["export"]).expect(0).json_lines() {
        assert_shape("ledger-event.schema.json", &line);
    }
    assert_shape(
        "ledger-seal.schema.json",
        &env.run("ledger", &["seal", "--json"]).expect(0).json(),
    );
    assert_shape(
        "ledger-hmac.schema.json",
        &env.run("ledger", &["hmac", "acc", "--json"])
            .expect(0)
            .json(),
    );
    // Sealing again with no new events is a no-op with the same shape.
    assert_shape(
        "ledger-seal.schema.json",
        &env.run("ledger", &["seal", "--json"]).expect(0).json(),
    );
    assert_shape(
        "ledger-verify.schema.json",
        &env.run("ledger", &["verify", "--json"]).expect(0).json(),
    );
    let file = env.dir.path().join("export.jsonl");
    let exported = env
        .run(
            "ledger",
            &["export", "--output", &file.display().to_string(), "--json"],
        )
        .expect(0)
        .json();
    assert_eq!(
        exported["events"].as_u64().unwrap() as usize,
        std::fs::read_to_string(&file).unwrap().lines().count()
    );
    assert_shape("ledger-export.schema.json", &exported);
    let err = env.run("ledger", &["show", "9", "--json"]).expect(1);
    assert_shape(
        "error.schema.json",
        &serde_json::from_str(err.stderr.trim()).unwrap(),
    );
}

#[test]
fn bugs_outputs_match_their_schemas() {
    let env = TestEnv::new();
    let logged = env
        .run("bugs", &["log", "-m", "shape", "--tag", "t", "--json"])
        .expect(0)
        .json();
    assert_shape("bug.schema.json", &logged);
    env.run("bugs", &["log", "-m", "Shape", "--json"]).expect(0);
    assert_shape(
        "bug.schema.json",
        &env.run("bugs", &["get", "b1", "--json"]).expect(0).json(),
    );
    assert_shape(
        "bug.schema.json",
        &env.run("bugs", &["update", "b1", "--severity", "high", "--json"])
            .expect(0)
            .json(),
    );
    assert_shape(
        "bug.schema.json",
        &env.run("bugs", &["claim", "b1", "--agent", "a", "--json"])
            .expect(0)
            .json(),
    );
    assert_shape(
        "bugs.schema.json",
        &env.run("bugs", &["list", "--json"]).expect(0).json(),
    );
    assert_shape(
        "bug-hits.schema.json",
        &env.run("bugs", &["search", "shape", "--json"])
            .expect(0)
            .json(),
    );
    assert_shape(
        "ledger-events.schema.json",
        &env.run("bugs", &["history", "b1", "--json"])
            .expect(0)
            .json(),
    );
    assert_shape(
        "bug-counts.schema.json",
        &env.run("bugs", &["status", "--json"]).expect(0).json(),
    );
    let scan = env
        .run("bugs", &["scan", "--apply", "--json"])
        .expect(0)
        .json();
    assert_eq!(
        scan["anomalies"].as_array().unwrap().len(),
        1,
        "the two `shape` bugs are duplicates"
    );
    assert_shape("bug-scan.schema.json", &scan);
}

#[test]
fn status_outputs_match_their_schemas() {
    let env = TestEnv::new();
    let root = env.dir.path().join("tree");
    std::fs::create_dir_all(root.join("a")).unwrap();
    let run = |args: &str| env.sh(&format!("cd '{}' && \"$STATUS\" {args}", root.display()));
    let updated = run("update a --phase in_progress --task t --json");
    assert_shape(
        "status-dir.schema.json",
        &serde_json::from_str(&updated.stdout).unwrap(),
    );
    assert_shape(
        "status-sweep.schema.json",
        &serde_json::from_str(&run("sweep --json").stdout).unwrap(),
    );
    assert_shape(
        "status-dashboard.schema.json",
        &serde_json::from_str(&run("dashboard --json").stdout).unwrap(),
    );
}

#[test]
fn checkpoint_outputs_match_their_schemas() {
    let env = TestEnv::new();
    env.run("bugs", &["log", "-m", "x", "--severity", "high"])
        .expect(0);
    env.run("bugs", &["claim", "b1", "--agent", "a"]).expect(0);
    env.run("bugs", &["log", "-m", "y", "--severity", "critical"])
        .expect(0);
    assert_shape(
        "checkpoint.schema.json",
        &env.run("checkpoint", &["now", "--json"]).expect(0).json(),
    );
    assert_shape(
        "checkpoint.schema.json",
        &env.run("checkpoint", &["show", "c1", "--json"])
            .expect(0)
            .json(),
    );
    assert_shape(
        "checkpoint-snapshot.schema.json",
        &env.run("checkpoint", &["report", "--json"])
            .expect(0)
            .json(),
    );
    assert_shape(
        "checkpoint-load.schema.json",
        &env.run("checkpoint", &["load", "--json"]).expect(0).json(),
    );
    env.run("bugs", &["update", "b1", "resolved"]).expect(0);
    env.run("checkpoint", &["now", "-n", "later"]).expect(0);
    let timeline = env
        .run("checkpoint", &["timeline", "--json"])
        .expect(0)
        .json();
    assert_eq!(timeline.as_array().unwrap().len(), 2, "{timeline}");
    assert_shape("checkpoint-timeline.schema.json", &timeline);
    let diff = env
        .run("checkpoint", &["diff", "c1", "c2", "--json"])
        .expect(0)
        .json();
    assert_eq!(diff["bugs_active"], serde_json::json!([2, 1]), "{diff}");
    assert_shape("checkpoint-diff.schema.json", &diff);
    let pruned = env
        .run("checkpoint", &["prune", "--keep", "1", "--json"])
        .expect(0)
        .json();
    assert_eq!(pruned["deleted"], 1);
    assert_shape("checkpoint-prune.schema.json", &pruned);
}

#[test]
fn validate_phases_output_matches_its_schema() {
    let mut broken = TestEnv::new();
    broken
        .set("VAULT_ADDR", "http://127.0.0.1:9")
        .set("VAULT_TOKEN", "t");
    let failing = broken
        .run("validate-phases", &["--phase", "2", "--json"])
        .expect(1)
        .json();
    assert_shape("validate-phases.schema.json", &failing);
    let env = TestEnv::new();
    assert_shape(
        "validate-phases.schema.json",
        &env.run("validate-phases", &["--apply", "--json"])
            .expect(0)
            .json(),
    );
}

#[test]
fn memory_outputs_match_their_schemas() {
    let env = TestEnv::new();
    let logged = env
        .run_with_stdin(
            "memory",
            &["log", "--tag", "t", "--json"],
            Some(b"# Notes\nthe build failed: disk full\n"),
        )
        .expect(0)
        .json();
    assert_shape("memory-entry.schema.json", &logged);
    env.run_with_stdin("memory", &["log", "-q"], Some(b"\x00\x01binary"))
        .expect(0);
    assert_shape(
        "memory-entries.schema.json",
        &env.run("memory", &["list", "--json"]).expect(0).json(),
    );
    let summary = env
        .run("memory", &["fetch", "m1", "--summary", "--json"])
        .expect(0)
        .json();
    assert_eq!(summary["error_line_count"], 1);
    assert_shape("memory-summary.schema.json", &summary);
    for args in [
        &["fetch", "m1", "--json"][..],
        &["fetch", "m1", "--chunk", "1", "--json"],
        &["fetch", "m1", "--lines", "2:", "--json"],
        &["fetch", "m2", "--json"],
    ] {
        assert_shape(
            "memory-fetch.schema.json",
            &env.run("memory", args).expect(0).json(),
        );
    }
    let hits = env
        .run("memory", &["search", "disk", "--json"])
        .expect(0)
        .json();
    assert_eq!(hits.as_array().unwrap().len(), 1);
    assert_shape("memory-hits.schema.json", &hits);
    assert_shape(
        "memory-index.schema.json",
        &env.run("memory", &["index", "--json"]).expect(0).json(),
    );
    assert_shape(
        "memory-prune.schema.json",
        &env.run("memory", &["prune", "--keep", "1", "--dry-run", "--json"])
            .expect(0)
            .json(),
    );
    assert_shape(
        "memory-rm.schema.json",
        &env.run("memory", &["rm", "m2", "--json"]).expect(0).json(),
    );
}

#[test]
fn packets_handoffs_and_protocol_lines_match_their_schemas() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/packets");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let packet = agov_governance::Packet::parse(&path.display().to_string(), &text)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_shape("packet.schema.json", &serde_json::from_str(&text).unwrap());
        assert_shape(
            "packet.schema.json",
            &serde_json::to_value(&packet).unwrap(),
        );
        seen += 1;
    }
    assert!(seen > 0, "no example packets in {}", dir.display());
    // A budget of 0 (a plan may say so) is a packet like any other: the
    // first error reaches it.
    let zero = r#"{"agent_id":"a","task_id":"t","objective":"x","error_budget":{"max_total_errors":0,"max_same_error_repeats":0,"max_procedure_violations":0}}"#;
    let packet = agov_governance::Packet::parse("zero", zero).unwrap_or_else(|e| panic!("{e}"));
    assert_shape("packet.schema.json", &serde_json::from_str(zero).unwrap());
    assert_shape(
        "packet.schema.json",
        &serde_json::to_value(&packet).unwrap(),
    );
    let handoff = agov_governance::Handoff {
        task_id: "t".into(),
        previous_agent_id: "alpha-1".into(),
        revoked: true,
        revocation_reason: Some(agov_governance::Reason {
            kind: "budget".into(),
            details: "8 errors".into(),
        }),
        last_known_state: agov_governance::LastKnownState {
            phase: agov_governance::Phase::Execute,
            step: None,
        },
        what_was_tried: vec!["x".into()],
        blocking_issue: None,
        required_next_actions: vec![],
        constraints_reminder: vec!["scope: src/*".into()],
        artifacts: vec![],
        created: "2026-11-22T00:00:00Z".into(),
    };
    assert_shape(
        "handoff.schema.json",
        &serde_json::to_value(&handoff).unwrap(),
    );
    for line in [
        r#"{"type":"phase","phase":"PLAN"}"#,
        r#"{"type":"action","id":"1","action":"cmd:ls"}"#,
        r#"{"type":"error","key":"k","message":"m"}"#,
        r#"{"type":"artifact","name":"a","path":"p"}"#,
        r#"{"type":"log","level":"warn","message":"m"}"#,
        r#"{"type":"read","id":"r1","what":"blackboard","section":"consensus"}"#,
        r#"{"type":"read","id":"r2","what":"messages"}"#,
    ] {
        let m = agov_governance::protocol::Message::parse(line).unwrap();
        assert_shape(
            "agent-protocol.schema.json",
            &serde_json::to_value(&m).unwrap(),
        );
    }
}

mod generated;
mod pipeline;
