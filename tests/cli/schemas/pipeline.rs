//! The `pipeline` tool's `--json` outputs (agents, pipelines, tokens,
//! templates, stored plans) against their schemas.

use std::path::Path;

use serde_json::Value;

use super::{assert_shape, check, load};
use crate::common::TestEnv;

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
