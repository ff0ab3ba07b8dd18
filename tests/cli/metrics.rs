//! `pipeline metrics`: the Prometheus text format, checked by promtool.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::common::TestEnv;

/// promtool, from AGOV_TEST_PROMTOOL or PATH; a test that needs it fails without it.
fn promtool() -> String {
    if let Ok(p) = std::env::var("AGOV_TEST_PROMTOOL") {
        return p;
    }
    let found = Command::new("sh")
        .args(["-c", "command -v promtool"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    found.unwrap_or_else(|| {
        panic!("promtool was not found (AGOV_TEST_PROMTOOL, PATH).\nhint: run ./tests/run.sh, which installs it, or `apt-get install prometheus`")
    })
}

fn promtool_check(text: &str) -> (bool, String) {
    let mut child = Command::new(promtool())
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), said)
}

fn sample(text: &str, prefix: &str) -> f64 {
    text.lines()
        .find(|l| l.starts_with(prefix))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no sample `{prefix}` in\n{text}"))
}

#[test]
fn metrics_describe_agents_and_pass_promtool() {
    let mut env = TestEnv::new();
    env.set("AGOV_LOCK_TTL", "30s");
    let dir = env.dir.path();
    std::fs::write(
        dir.join("p.json"),
        r#"{"agent_id":"busy","task_id":"t","objective":"o"}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("q.json"),
        r#"{"agent_id":"bad","task_id":"t","objective":"o"}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("bad.sh"),
        r#"echo '{"type":"phase","phase":"EXECUTE"}'"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("busy.sh"),
        r#"for p in PREFLIGHT PLAN EXECUTE; do echo "{\"type\":\"phase\",\"phase\":\"$p\"}"; done; sleep 30"#,
    )
    .unwrap();
    env.sh("\"$PIPELINE\" agent run --packet q.json -- bash bad.sh")
        .expect(3);
    // A running agent in EXECUTE while the metrics are taken.
    let r = env.sh(
        "setsid \"$PIPELINE\" agent run --packet p.json -- bash busy.sh > busy.out 2>&1 & pid=$!; \
         for i in $(seq 1 50); do grep -q EXECUTE busy.out 2>/dev/null && break; sleep 0.1; done; \
         \"$PIPELINE\" metrics > metrics.prom; \"$PIPELINE\" metrics --output out.prom; \
         kill -TERM $pid; wait $pid; echo done",
    );
    assert!(r.stdout.contains("done"), "{r:?}");
    let text = std::fs::read_to_string(dir.join("metrics.prom")).unwrap();
    let (ok, said) = promtool_check(&text);
    assert!(ok, "promtool rejects the metrics: {said}\n{text}");
    assert_eq!(
        sample(
            &text,
            "agov_agents_running{tenant=\"default\",phase=\"EXECUTE\"}"
        ),
        1.0
    );
    assert_eq!(
        sample(
            &text,
            "agov_agent_revocations_total{tenant=\"default\",agent=\"bad\"}"
        ),
        1.0
    );
    assert_eq!(
        sample(&text, "agov_revocation_list_size{tenant=\"default\"}"),
        1.0
    );
    assert_eq!(
        sample(
            &text,
            "agov_violations_total{tenant=\"default\",kind=\"procedure\",severity=\"high\"}"
        ),
        1.0
    );
    let ttl = sample(
        &text,
        "agov_agent_token_ttl_seconds{tenant=\"default\",agent=\"busy\"}",
    );
    assert!(
        ttl > 3000.0 && ttl <= 3600.0,
        "a T0 token has about an hour: {ttl}"
    );
    assert_eq!(
        sample(
            &text,
            "agov_agent_error_budget_remaining{tenant=\"default\",agent=\"busy\"}"
        ),
        8.0
    );
    let file = std::fs::read_to_string(dir.join("out.prom")).unwrap();
    assert!(promtool_check(&file).0, "the --output file passes too");
}

#[test]
fn a_spawn_keeps_its_metrics_file_and_every_command_reports_its_latency() {
    let env = TestEnv::new();
    crate::pipelines::with_examples(&env);
    env.sh("\"$PIPELINE\" spawn --plan examples/plans/quickstart.yaml -q --metrics-file run.prom")
        .expect(0);
    let text = std::fs::read_to_string(env.dir.path().join("run.prom")).unwrap();
    let (ok, said) = promtool_check(&text);
    assert!(ok, "promtool rejects the metrics file: {said}\n{text}");
    assert_eq!(
        sample(
            &text,
            "agov_pipelines{tenant=\"default\",state=\"COMPLETED\"}"
        ),
        1.0,
        "the last write comes after the pipeline ended"
    );

    env.run("bugs", &["list"]).expect(0);
    env.run("bugs", &["get", "b404"]).expect(1);
    let text = env.run("pipeline", &["metrics"]).expect(0).stdout;
    let (ok, said) = promtool_check(&text);
    assert!(ok, "{said}\n{text}");
    for (series, want) in [
        (
            "agov_command_duration_seconds_count{command=\"pipeline spawn\"}",
            1.0,
        ),
        (
            "agov_command_duration_seconds_bucket{command=\"pipeline spawn\",le=\"+Inf\"}",
            1.0,
        ),
        (
            "agov_command_exits_total{command=\"bugs list\",exit=\"0\"}",
            1.0,
        ),
        (
            "agov_command_exits_total{command=\"bugs get\",exit=\"1\"}",
            1.0,
        ),
    ] {
        assert_eq!(sample(&text, series), want, "{series}\n{text}");
    }
    let spent = sample(
        &text,
        "agov_command_duration_seconds_sum{command=\"pipeline spawn\"}",
    );
    assert!(spent > 0.0 && spent < 60.0, "{spent}");
}

#[test]
fn a_metrics_file_that_cannot_be_written_stops_spawn_before_anything_exists() {
    let env = TestEnv::new();
    crate::pipelines::with_examples(&env);
    let r = env
        .sh("\"$PIPELINE\" spawn --plan examples/plans/quickstart.yaml --metrics-file no/such/dir/x.prom")
        .expect(1);
    assert!(
        r.stderr.contains("--metrics-file needs a writable path"),
        "{}",
        r.stderr
    );
    let listed = env
        .run("pipeline", &["list", "--all", "--json"])
        .expect(0)
        .json();
    assert_eq!(listed, serde_json::json!([]), "no pipeline was created");
}

/// Every sample of `family` whose labels include `pipeline="id"`, by agent.
fn per_agent(text: &str, family: &str, id: &str) -> Vec<(String, f64)> {
    let needle = format!("pipeline=\"{id}\"");
    text.lines()
        .filter(|l| l.starts_with(&format!("{family}{{")) && l.contains(&needle))
        .map(|l| {
            let agent = l
                .split("agent=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or_default()
                .to_string();
            let value = l.rsplit(' ').next().unwrap().parse().unwrap();
            (agent, value)
        })
        .collect()
}

#[test]
fn each_pipeline_has_its_duration_messages_board_writes_and_model_calls() {
    let fake = agov_testkit::llm::FakeLlm::start();
    for (name, mut env) in crate::pipelines::both() {
        crate::pipelines::with_examples(&env);
        env.set("AGOV_LLM_BASE_URL", &fake.base_url())
            .set("AGOV_LLM_API_KEY", "sk-test-not-real")
            .set("AGOV_LLM_MODEL", "test/model");
        let (run, id) = crate::pipelines::spawn(&env, "examples/plans/llm-openrouter.yaml");
        run.expect(0);
        let text = env.run("pipeline", &["metrics"]).expect(0).stdout;
        let (ok, said) = promtool_check(&text);
        assert!(ok, "{name}: promtool rejects the metrics: {said}\n{text}");
        let duration = text
            .lines()
            .find(|l| {
                l.starts_with("agov_pipeline_duration_seconds{")
                    && l.contains(&format!("pipeline=\"{id}\",state=\"COMPLETED\""))
            })
            .and_then(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .unwrap_or_else(|| panic!("{name}: no duration of {id} in\n{text}"));
        assert!(duration > 0.0 && duration < 600.0, "{name}: {duration}");
        let calls = per_agent(&text, "agov_pipeline_llm_calls_total", &id);
        let tokens = per_agent(&text, "agov_pipeline_llm_tokens_total", &id);
        let writes = per_agent(&text, "agov_pipeline_blackboard_ops_total", &id);
        assert_eq!(calls.len(), 2, "{name}: alpha and beta: {calls:?}\n{text}");
        for ((agent, n), (_, used)) in calls.iter().zip(&tokens) {
            assert!(*n >= 1.0, "{name}: {agent} called the model");
            // The fixture reports 15 tokens a call.
            assert_eq!(*used, 15.0 * n, "{name}: {agent}");
        }
        for (agent, n) in &writes {
            assert!(
                *n >= 2.0,
                "{name}: {agent} posted a solution and voted: {n}"
            );
        }
    }
}
