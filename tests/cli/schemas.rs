//! Every `--json` output matches its documented shape in schema/json/,
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

#[test]
fn pipeline_agent_outputs_match_their_schemas() {
    let env = TestEnv::new();
    let dir = env.dir.path();
    std::fs::write(
        dir.join("p.json"),
        r#"{"agent_id":"s1","task_id":"t1","objective":"shape"}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("ok.sh"),
        "for p in PREFLIGHT PLAN EXECUTE VERIFY PACKAGE REPORT; do echo \"{\\\"type\\\":\\\"phase\\\",\\\"phase\\\":\\\"$p\\\"}\"; done",
    )
    .unwrap();
    std::fs::write(
        dir.join("bad.sh"),
        r#"echo '{"type":"phase","phase":"EXECUTE"}'"#,
    )
    .unwrap();
    let ok = env.sh("\"$PIPELINE\" agent run --packet p.json --json -- bash ok.sh");
    assert_eq!(ok.code, 0, "{ok:?}");
    assert_shape("agent-run.schema.json", &ok.json());
    assert_shape(
        "agents.schema.json",
        &env.run("pipeline", &["agents", "list", "--json"])
            .expect(0)
            .json(),
    );
    assert_shape(
        "agent.schema.json",
        &env.run("pipeline", &["agents", "promote", "s1", "--json"])
            .expect(0)
            .json(),
    );
    assert_shape(
        "agent.schema.json",
        &env.run(
            "pipeline",
            &["agents", "demote", "s1", "--to", "0", "--json"],
        )
        .expect(0)
        .json(),
    );
    let bad = env.sh("\"$PIPELINE\" agent run --packet p.json --json -- bash bad.sh");
    assert_eq!(bad.code, 3, "{bad:?}");
    let bad = bad.json();
    assert_shape("agent-run.schema.json", &bad);
    assert_shape("handoff.schema.json", &bad["handoff"]);
    assert_shape(
        "agent-show.schema.json",
        &env.run("pipeline", &["agents", "show", "s1", "--json"])
            .expect(0)
            .json(),
    );
    assert_shape(
        "revocations.schema.json",
        &env.run("pipeline", &["revocations", "--json"])
            .expect(0)
            .json(),
    );
    let errors = env.run("pipeline", &["errors", "--json"]).expect(0).json();
    assert_eq!(errors[0]["revocations"], 1);
    assert_eq!(errors[0]["violations"], 1);
    assert_shape("agent-errors.schema.json", &errors);
    assert_shape(
        "handoff.schema.json",
        &env.run("pipeline", &["handoff", "t1", "--json"])
            .expect(0)
            .json(),
    );
    assert_shape(
        "agent-revoke.schema.json",
        &env.run("pipeline", &["agents", "reinstate", "s1", "--json"])
            .expect(0)
            .json(),
    );
    assert_shape(
        "agent-revoke.schema.json",
        &env.run(
            "pipeline",
            &["agents", "revoke", "s1", "--reason", "r", "--json"],
        )
        .expect(0)
        .json(),
    );
}

#[test]
fn pipeline_outputs_match_their_schemas() {
    let env = TestEnv::new();
    crate::pipelines::with_examples(&env);
    let run = env
        .sh("\"$PIPELINE\" spawn --plan examples/plans/conflict.yaml --json")
        .expect(0);
    let lines = run.json_lines();
    for l in &lines {
        assert_shape("pipeline-event.schema.json", l);
    }
    let last = lines.last().unwrap();
    assert_shape("pipeline.schema.json", &last["pipeline"]);
    let id = last["pipeline"]["id"].as_str().unwrap();
    let json = |args: &[&str]| env.run("pipeline", args).expect(0).json();
    assert_shape("pipeline.schema.json", &json(&["status", id, "--json"]));
    assert_shape("pipelines.schema.json", &json(&["list", "--all", "--json"]));
    let logs = json(&["logs", id, "--json"]);
    assert!(!logs.as_array().unwrap().is_empty());
    assert_shape("ledger-events.schema.json", &logs);
    for line in env
        .run("pipeline", &["watch", id, "--json"])
        .expect(0)
        .json_lines()
    {
        assert_shape("pipeline.schema.json", &line);
    }
    assert_shape(
        "pipeline-artifacts.schema.json",
        &json(&["artifacts", id, "--json"]),
    );
    assert_shape(
        "pipeline-blackboard.schema.json",
        &json(&["blackboard", id, "--json"]),
    );
    assert_shape(
        "pipeline-messages.schema.json",
        &json(&["messages", id, "--json"]),
    );
    assert_shape(
        "pipeline-consensus.schema.json",
        &json(&["consensus", "status", id, "--json"]),
    );
    assert_shape(
        "pipeline-token.schema.json",
        &json(&["token", id, "--json"]),
    );
    // Its sealed token went when it ended: there is nothing to reveal.
    let gone = env
        .run("pipeline", &["token", id, "--reveal", "--json"])
        .expect(1);
    assert!(gone.stderr.contains("has ended"), "{}", gone.stderr);
    let context = env.dir.path().join("context.json");
    let written = json(&[
        "consensus",
        "fallback",
        id,
        "--action",
        "download_log",
        "--output",
        &context.display().to_string(),
        "--json",
    ]);
    assert_shape("pipeline-download-log.schema.json", &written);
    assert_eq!(
        written["bytes"].as_u64().unwrap(),
        std::fs::metadata(&context).unwrap().len()
    );
}

/// `spawn --detach --json` says what it left running; `revoke --json`
/// prints the state after the revocation, once its driver settled it.
#[test]
fn detached_and_revoked_pipelines_match_their_schemas() {
    let env = TestEnv::new();
    crate::pipelines::with_examples(&env);
    crate::pipelines::slow_plan(&env);
    let detached = env
        .sh("SLOW_SECONDS=30 \"$PIPELINE\" spawn --plan slow.yaml --detach --json")
        .expect(0)
        .json();
    assert_shape("pipeline-detached.schema.json", &detached);
    let id = detached["id"].as_str().unwrap();
    crate::pipelines::wait_for(
        "the driver to run",
        std::time::Duration::from_secs(30),
        || crate::pipelines::status(&env, id)["status"] == "RUNNING",
    );
    let revealed = env
        .run("pipeline", &["token", id, "--reveal", "--json"])
        .expect(0)
        .json();
    assert_shape("pipeline-token.schema.json", &revealed);
    assert!(revealed["token"].is_string());
    let revoked = env
        .run("pipeline", &["revoke", id, "--reason", "shape", "--json"])
        .expect(0)
        .json();
    assert_shape("pipeline.schema.json", &revoked);
    assert_eq!(revoked["status"], "FAILED", "{revoked:#}");
    assert!(revoked["token"]["revoked"].is_string(), "{revoked:#}");
}

/// Tier tokens by hand, on the embedded authority.
#[test]
fn token_outputs_match_their_schemas() {
    let mut env = TestEnv::new();
    let issued = env
        .run(
            "pipeline",
            &["token", "issue", "--tier", "1", "--reveal", "--json"],
        )
        .expect(0)
        .json();
    assert_shape("pipeline-token-issued.schema.json", &issued);
    let accessor = issued["accessor"].as_str().unwrap().to_string();
    assert_shape(
        "pipeline-token-issued.schema.json",
        &env.run("pipeline", &["token", "issue", "--tier", "0", "--json"])
            .expect(0)
            .json(),
    );
    assert_shape(
        "pipeline-token-info.schema.json",
        &env.run("pipeline", &["token", "lookup", &accessor, "--json"])
            .expect(0)
            .json(),
    );
    env.set("AGOV_TOKEN", issued["token"].as_str().unwrap());
    assert_shape(
        "pipeline-token-info.schema.json",
        &env.run("pipeline", &["token", "lookup", "--json"])
            .expect(0)
            .json(),
    );
    assert_shape(
        "pipeline-token-info.schema.json",
        &env.run("pipeline", &["token", "renew", "--json"])
            .expect(0)
            .json(),
    );
    assert_shape(
        "pipeline-token-revoked.schema.json",
        &env.run("pipeline", &["token", "revoke", &accessor, "--json"])
            .expect(0)
            .json(),
    );
}

#[test]
fn templates_outputs_match_their_schemas() {
    let env = TestEnv::new();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/templates");
    let examples = examples.display().to_string();
    assert_shape(
        "template-add.schema.json",
        &env.run("pipeline", &["templates", "add", &examples, "--json"])
            .expect(0)
            .json(),
    );
    assert_shape(
        "templates.schema.json",
        &env.run("pipeline", &["templates", "list", "--json"])
            .expect(0)
            .json(),
    );
    assert_shape(
        "template-stored.schema.json",
        &env.run(
            "pipeline",
            &["templates", "show", "code-reviewer", "--json"],
        )
        .expect(0)
        .json(),
    );
    let hits = env
        .run("pipeline", &["templates", "search", "review", "--json"])
        .expect(0)
        .json();
    assert!(!hits.as_array().unwrap().is_empty());
    assert_shape("template-hits.schema.json", &hits);
    assert_shape(
        "template-rm.schema.json",
        &env.run("pipeline", &["templates", "rm", "code-reviewer", "--json"])
            .expect(0)
            .json(),
    );
    // The shipped template files match the file schema too.
    for entry in std::fs::read_dir(&examples).unwrap() {
        let path = entry.unwrap().path();
        let value: Value =
            serde_saphyr::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_shape("template.schema.json", &value);
    }
}

#[test]
fn plan_store_outputs_match_their_schemas() {
    let env = TestEnv::new();
    let plan = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/plans/quickstart.yaml");
    let plan = plan.display().to_string();
    let added = env
        .run("pipeline", &["plan", "add", &plan, "--json"])
        .expect(0)
        .json();
    assert_shape("plan-add.schema.json", &added);
    assert_shape(
        "plans.schema.json",
        &env.run("pipeline", &["plan", "list", "--json"])
            .expect(0)
            .json(),
    );
    assert_shape(
        "plan-stored.schema.json",
        &env.run("pipeline", &["plan", "show", "quickstart", "--json"])
            .expect(0)
            .json(),
    );
    assert_shape(
        "plan-rm.schema.json",
        &env.run(
            "pipeline",
            &["plan", "rm", added["id"].as_str().unwrap(), "--json"],
        )
        .expect(0)
        .json(),
    );
}

/// The shipped plans are what plan.schema.json describes.
#[test]
fn example_plans_match_the_plan_schema() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/plans");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let plan: Value =
            serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if let Err(e) = check(&load("plan.schema.json"), &plan) {
            panic!("{} does not match plan.schema.json:\n{e}", path.display());
        }
        seen += 1;
    }
    assert!(seen > 2, "only {seen} example plans");
}

#[test]
fn plan_validate_output_matches_its_schema() {
    let env = TestEnv::new();
    let good = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/plans/quickstart.yaml");
    assert_shape(
        "plan-validate.schema.json",
        &env.run(
            "pipeline",
            &["validate", &good.display().to_string(), "--json"],
        )
        .expect(0)
        .json(),
    );
    let bad = env.dir.path().join("bad.yaml");
    std::fs::write(&bad, "name: x\nbogus: 1\n").unwrap();
    let out = env
        .run(
            "pipeline",
            &["validate", &bad.display().to_string(), "--json"],
        )
        .expect(64)
        .json();
    assert_eq!(out["problems"].as_array().unwrap().len(), 3, "{out}");
    assert_shape("plan-validate.schema.json", &out);
}
