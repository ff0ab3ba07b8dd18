//! Tracing with OpenTelemetry, against a real OTLP/HTTP receiver, on the
//! embedded default and against OpenBao + Redis: a pipeline is one trace
//! (its creation, its driver, each agent, each lifecycle phase, each action
//! and each backend call, with their parent links), an agent is started
//! with `TRACEPARENT` in that trace, the pipeline's ledger events name it;
//! with the variable unset nothing is exported, and a receiver that is down
//! costs the pipeline nothing.

mod receiver;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::TestEnv;
use crate::pipelines::{both, events, spawn};
use crate::schemas::assert_shape;
use receiver::{Receiver, Span};

/// A stage agent that asks for one action and writes the `TRACEPARENT` it
/// was started with into its folder.
const AGENT: &str = r#"set -eu
say() { printf '%s\n' "$1"; }
for p in PREFLIGHT PLAN EXECUTE; do say "{\"type\":\"phase\",\"phase\":\"$p\"}"; done
say '{"type":"action","id":"a1","action":"cmd:ls"}'
read -r answer
printf '%s\n' "${TRACEPARENT:-none}" > "$AGOV_OUTPUT_DIR/traceparent"
out=$AGOV_OUTPUT_DIR/result.json
printf '{"answer":%s}\n' "$answer" > "$out"
say "{\"type\":\"artifact\",\"name\":\"result.json\",\"path\":\"$out\"}"
for p in VERIFY PACKAGE REPORT; do say "{\"type\":\"phase\",\"phase\":\"$p\"}"; done
"#;

const PLAN: &str = "\
name: traced
objective: be traced
stages:
  - name: first
    command: [bash, traced.sh]
  - name: second
    requires: [first]
    command: [bash, traced.sh]
";

fn with_plan(env: &TestEnv) {
    std::fs::write(env.dir.path().join("traced.sh"), AGENT).unwrap();
    std::fs::write(env.dir.path().join("traced.yaml"), PLAN).unwrap();
}

/// What each stage's agent found in `TRACEPARENT`.
fn traceparents(env: &TestEnv, id: &str) -> Vec<String> {
    ["first", "second"]
        .iter()
        .map(|s| {
            let path = env
                .data()
                .join("pipelines")
                .join(id)
                .join(format!("stage-{s}"))
                .join("traceparent");
            std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
                .trim()
                .to_string()
        })
        .collect()
}

fn all_events(env: &TestEnv, id: &str) -> Vec<Value> {
    events(env, id, "*")
}

fn one<'a>(spans: &'a [Span], what: &str, f: impl Fn(&Span) -> bool) -> &'a Span {
    let found: Vec<&Span> = spans.iter().filter(|s| f(s)).collect();
    assert_eq!(found.len(), 1, "one {what} span: {found:#?}");
    found[0]
}

#[test]
fn a_pipeline_is_one_trace_down_to_each_action_and_backend_call() {
    for (name, mut env) in both() {
        let receiver = Receiver::start();
        env.set("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.endpoint);
        with_plan(&env);
        let (run, id) = spawn(&env, "traced.yaml");
        run.expect(0);
        // The spawning process flushed its spans before it exited.
        let spans = receiver.spans();
        let root = one(&spans, "pipeline", |s| {
            s.name == "pipeline" && s.attr("agov.pipeline.id") == id
        });
        let trace = root.trace_id.clone();
        assert_eq!(root.service, "pipeline", "{name}");
        assert_eq!(root.attr("agov.plan"), "traced", "{name}");
        let command = one(&spans, "command", |s| s.span_id == root.parent);
        assert_eq!(command.name, "pipeline spawn", "{name}");
        assert!(command.parent.is_empty(), "{name}: the command is the root");
        // Everything the pipeline did is in its one trace.
        let mine: Vec<Span> = spans
            .iter()
            .filter(|s| s.trace_id == trace)
            .cloned()
            .collect();
        assert!(
            spans
                .iter()
                .filter(|s| s.attr("agov.pipeline.id") == id)
                .all(|s| s.trace_id == trace),
            "{name}: one trace per pipeline"
        );
        let ids: BTreeSet<&str> = mine.iter().map(|s| s.span_id.as_str()).collect();
        for s in &mine {
            assert!(
                s.parent.is_empty() || ids.contains(s.parent.as_str()),
                "{name}: {} has its parent in the trace",
                s.name
            );
        }
        let drive = one(&mine, "drive", |s| s.name == "pipeline.drive");
        assert_eq!(drive.parent, root.span_id, "{name}");
        let agents: Vec<&Span> = mine
            .iter()
            .filter(|s| s.name.starts_with("agent "))
            .collect();
        let names: BTreeSet<&str> = agents.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            BTreeSet::from(["agent stage-first", "agent stage-second"]),
            "{name}"
        );
        for agent in &agents {
            assert_eq!(agent.parent, drive.span_id, "{name}: {}", agent.name);
            assert_eq!(agent.attr("agov.pipeline.id"), id, "{name}");
            assert_eq!(agent.attr("agov.agent.status"), "completed", "{name}");
            let phases: Vec<&str> = mine
                .iter()
                .filter(|s| s.parent == agent.span_id && s.name.starts_with("phase "))
                .map(|s| s.attr("agov.phase"))
                .collect();
            for p in [
                "BOOTSTRAP",
                "PREFLIGHT",
                "PLAN",
                "EXECUTE",
                "VERIFY",
                "PACKAGE",
                "REPORT",
            ] {
                assert!(
                    phases.contains(&p),
                    "{name}: {} has no {p}: {phases:?}",
                    agent.name
                );
            }
            let execute = one(&mine, "EXECUTE", |s| {
                s.parent == agent.span_id && s.attr("agov.phase") == "EXECUTE"
            });
            let action = one(&mine, "action", |s| {
                s.parent == execute.span_id && s.name == "action"
            });
            assert_eq!(action.attr("agov.action"), "cmd:ls", "{name}");
            assert!(!action.attr("agov.decision").is_empty(), "{name}");
            // The agent's own calls of the store are under it.
            let under_agent: BTreeSet<&str> = mine
                .iter()
                .filter(|s| s.parent == agent.span_id || s.parent == execute.span_id)
                .map(|s| s.name.as_str())
                .collect();
            assert!(
                under_agent.iter().any(|n| n.starts_with("store ")),
                "{name}: {under_agent:?}"
            );
            assert!(
                under_agent.iter().any(|n| n.starts_with("ledger ")),
                "{name}: {under_agent:?}"
            );
        }
        let system = if name == "embedded" {
            "sqlite"
        } else {
            "redis"
        };
        let store = mine
            .iter()
            .find(|s| s.name == "store set_if_locked")
            .unwrap_or_else(|| panic!("{name}: no store write in {mine:#?}"));
        assert_eq!(store.attr("db.system.name"), system, "{name}");
        if name != "embedded" {
            let vault: Vec<&Span> = mine
                .iter()
                .filter(|s| s.name.starts_with("vault "))
                .collect();
            assert!(!vault.is_empty(), "{name}: no Vault call in the trace");
            assert!(
                vault.iter().all(|s| s.attr("url.path").starts_with("/v1/")),
                "{name}"
            );
        }
        // Each agent was started in its own span of the trace.
        for (tp, stage) in traceparents(&env, &id).iter().zip(["first", "second"]) {
            let agent = one(&mine, "agent", |s| s.name == format!("agent stage-{stage}"));
            assert_eq!(
                tp,
                &format!("00-{trace}-{}-01", agent.span_id),
                "{name}: TRACEPARENT of {stage}"
            );
        }
        // Every ledger event of the pipeline names the trace, under the hash.
        let evs = all_events(&env, &id);
        assert!(evs.len() > 10, "{name}");
        for e in &evs {
            assert_shape("ledger-event.schema.json", e);
            assert_eq!(
                e["detail"]["trace"]["trace_id"],
                trace.as_str(),
                "{name}: {e}"
            );
            let span = e["detail"]["trace"]["span_id"].as_str().unwrap();
            assert!(ids.contains(span), "{name}: {e} names a span of the trace");
        }
        let action = evs.iter().find(|e| e["action"] == "agent.action").unwrap();
        let span = &action["detail"]["trace"]["span_id"];
        assert_eq!(
            mine.iter().find(|s| s.span_id == *span).unwrap().name,
            "action",
            "{name}: an action's event names the action's span"
        );
        if name == "embedded" {
            env.run("ledger", &["verify"]).expect(0);
        }
    }
}

#[test]
fn a_background_driver_continues_the_pipelines_trace() {
    let receiver = Receiver::start();
    let mut env = TestEnv::new();
    env.set("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.endpoint);
    with_plan(&env);
    let run = env
        .sh("\"$PIPELINE\" spawn --plan traced.yaml --detach --json")
        .expect(0);
    let id = run.json()["id"].as_str().unwrap().to_string();
    let spans = receiver.wait(Duration::from_secs(60), |spans| {
        spans.iter().any(|s| s.name == "pipeline continue")
    });
    let root = one(&spans, "pipeline", |s| {
        s.name == "pipeline" && s.attr("agov.pipeline.id") == id
    });
    let cont = one(&spans, "continue", |s| s.name == "pipeline continue");
    assert_eq!(cont.trace_id, root.trace_id);
    assert_eq!(
        cont.parent, root.span_id,
        "the driver continues under the pipeline"
    );
    let drive = one(&spans, "drive", |s| s.name == "pipeline.drive");
    assert_eq!(
        (&drive.trace_id, &drive.parent),
        (&root.trace_id, &cont.span_id)
    );
    for tp in traceparents(&env, &id) {
        assert!(tp.starts_with(&format!("00-{}-", root.trace_id)), "{tp}");
    }
}

#[test]
fn without_the_variable_nothing_is_exported_or_recorded() {
    let receiver = Receiver::start();
    for (case, vars) in [
        ("unset", &[][..]),
        (
            "disabled",
            &[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint.as_str()),
                ("OTEL_SDK_DISABLED", "true"),
            ][..],
        ),
    ] {
        let mut env = TestEnv::new();
        for (k, v) in vars {
            env.set(k, v);
        }
        with_plan(&env);
        let (run, id) = spawn(&env, "traced.yaml");
        run.expect(0);
        env.run("ledger", &["note", "--message", "hello"]).expect(0);
        assert_eq!(traceparents(&env, &id), ["none", "none"], "{case}");
        for e in all_events(&env, &id) {
            assert!(e["detail"].get("trace").is_none(), "{case}: {e}");
        }
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(receiver.requests(), 0, "{case}: something was exported");
    }
}

#[test]
fn a_receiver_that_is_down_or_silent_neither_fails_nor_holds_the_pipeline() {
    // A port nobody listens on, and one that takes connections and never
    // answers (the export timeout, 2 s, ends the wait at exit; the SDK's
    // own default would be 10 s).
    let refused = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_port = silent.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in silent.incoming().flatten() {
            held.push(conn);
        }
    });
    for (case, port) in [("down", refused), ("silent", silent_port)] {
        let mut env = TestEnv::new();
        env.set(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            &format!("http://127.0.0.1:{port}"),
        );
        with_plan(&env);
        let started = Instant::now();
        let (run, id) = spawn(&env, "traced.yaml");
        run.expect(0);
        let took = started.elapsed();
        assert!(took < Duration::from_secs(9), "{case}: took {took:?}");
        // The trace is still named where it is kept.
        assert!(
            traceparents(&env, &id).iter().all(|t| t.starts_with("00-")),
            "{case}"
        );
        for e in all_events(&env, &id) {
            assert!(e["detail"]["trace"]["trace_id"].is_string(), "{case}: {e}");
        }
        // A short command waits for the receiver at most the export timeout.
        let started = Instant::now();
        env.run("ledger", &["note", "--message", "hello"]).expect(0);
        let took = started.elapsed();
        assert!(took < Duration::from_millis(3500), "{case}: took {took:?}");
    }
}

#[test]
fn a_process_started_with_traceparent_joins_that_trace() {
    // As an agent that is an agov process does, given the exporter's variables.
    let receiver = Receiver::start();
    let mut env = TestEnv::new();
    let (trace, parent) = ("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7");
    env.set("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.endpoint)
        .set("OTEL_SERVICE_NAME", "my-agent")
        .set("TRACEPARENT", &format!("00-{trace}-{parent}-01"));
    let noted = env
        .run("ledger", &["note", "--message", "hello", "--json"])
        .expect(0)
        .json();
    let spans = receiver.spans();
    let command = one(&spans, "command", |s| s.name == "ledger note");
    assert_eq!(
        (command.trace_id.as_str(), command.parent.as_str()),
        (trace, parent)
    );
    assert_eq!(command.service, "my-agent");
    assert_eq!(noted["detail"]["trace"]["trace_id"], trace, "{noted}");
    assert_eq!(
        noted["detail"]["trace"]["span_id"],
        command.span_id.as_str()
    );
    assert_shape("ledger-event.schema.json", &noted);
    // Not sampled upstream: nothing is recorded here either.
    let receiver = Receiver::start();
    env.set("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.endpoint)
        .set("TRACEPARENT", &format!("00-{trace}-{parent}-00"));
    env.run("ledger", &["note", "--message", "quiet"]).expect(0);
    assert_eq!(receiver.requests(), 0);
}
