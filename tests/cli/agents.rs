//! Governed agents through the `pipeline` binary, each case on the embedded
//! default and against a real OpenBao (tokens) and Redis (runtime state).

use crate::common::TestEnv;

/// The embedded default, and OpenBao + Redis (a tenant of its own on the
/// shared servers).
pub(crate) fn both() -> Vec<(&'static str, TestEnv)> {
    let embedded = TestEnv::new();
    let mut real = crate::ledger_vault::vault_env();
    real.set("AGOV_RUNTIME_URL", &agov_testkit::shared_redis().url())
        .set("AGOV_TENANT", &agov_testkit::unique("t"));
    vec![("embedded", embedded), ("openbao+redis", real)]
}

/// Writes an agent script and a packet into the environment's folder.
fn setup(env: &TestEnv, agent: &str, extra: &str, script: &str) {
    let dir = env.dir.path();
    std::fs::write(
        dir.join(format!("{agent}.json")),
        format!(r#"{{"agent_id":"{agent}","task_id":"task-{agent}","objective":"test"{extra}}}"#),
    )
    .unwrap();
    std::fs::write(dir.join(format!("{agent}.sh")), script).unwrap();
}

/// The files called `name` that agents wrote into their own output folders
/// (agents may not write the working tree at T0), oldest first.
fn agent_files(env: &TestEnv, name: &str) -> Vec<String> {
    let runs = env.data().join("runs");
    let mut found: Vec<_> = std::fs::read_dir(&runs)
        .unwrap()
        .flatten()
        .map(|e| e.path().join("out").join(name))
        .filter(|p| p.exists())
        .collect();
    assert!(
        !found.is_empty(),
        "no agent wrote {name} under {}",
        runs.display()
    );
    found.sort_by_key(|p| p.metadata().unwrap().modified().unwrap());
    found
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

/// The newest file called `name` an agent wrote into its output folder.
fn agent_file(env: &TestEnv, name: &str) -> String {
    agent_files(env, name).pop().unwrap()
}

fn run_agent(env: &TestEnv, agent: &str) -> crate::common::Run {
    env.sh(&format!(
        "\"$PIPELINE\" agent run --packet {agent}.json --json -- bash {agent}.sh"
    ))
}

const GOOD: &str = r#"
for p in PREFLIGHT PLAN EXECUTE; do echo "{\"type\":\"phase\",\"phase\":\"$p\"}"; done
echo '{"type":"action","id":"a1","action":"cmd:git status"}'
read -r answer; case "$answer" in *'"allow"'*) ;; *) exit 9;; esac
echo '{"type":"artifact","name":"report.md"}'
for p in VERIFY PACKAGE REPORT; do echo "{\"type\":\"phase\",\"phase\":\"$p\"}"; done
"#;

#[test]
fn a_well_behaved_agent_completes_and_is_promoted_after_the_threshold() {
    for (name, env) in both() {
        setup(&env, "good", r#","deliverables":["report.md"]"#, GOOD);
        for i in 1..=3 {
            let out = run_agent(&env, "good").expect(0).json();
            assert_eq!(out["outcome"], "completed", "{name} run {i}");
            let promoted = if i == 3 {
                serde_json::json!(1)
            } else {
                serde_json::Value::Null
            };
            assert_eq!(out["promoted_to"], promoted, "{name} run {i}");
        }
        let show = env
            .run("pipeline", &["agents", "show", "good", "--json"])
            .expect(0)
            .json();
        assert_eq!(show["agent"]["tier"], 1, "{name}");
        assert_eq!(show["agent"]["compliant_runs"], 3, "{name}");
        assert!(
            show["lock"]["held_by"].is_null(),
            "{name}: EXIT released the lock"
        );
        let phases = env
            .run(
                "ledger",
                &[
                    "query",
                    "--action",
                    "agent.phase",
                    "--limit",
                    "100",
                    "--json",
                ],
            )
            .expect(0)
            .json();
        assert_eq!(phases.as_array().unwrap().len(), 18, "{name}");
        assert_eq!(
            env.run("ledger", &["verify", "--json"]).expect(0).json()["ok"],
            true
        );
    }
}

#[test]
fn an_agent_that_skips_plan_is_revoked_at_once_and_its_handoff_names_the_phase() {
    for (name, env) in both() {
        setup(
            &env,
            "skipper",
            "",
            r#"echo '{"type":"phase","phase":"PREFLIGHT"}'; echo '{"type":"phase","phase":"EXECUTE"}'; sleep 20"#,
        );
        let started = std::time::Instant::now();
        let r = run_agent(&env, "skipper");
        assert_eq!(r.code, 3, "{name}: {r:?}");
        assert!(
            started.elapsed().as_secs() < 10,
            "{name}: the agent is killed, not waited for"
        );
        assert_eq!(r.json()["outcome"], "revoked");
        assert!(r.stderr.contains("skips PLAN"), "{name}: {}", r.stderr);
        let h = env
            .run("pipeline", &["handoff", "task-skipper", "--json"])
            .expect(0)
            .json();
        assert_eq!(h["last_known_state"]["phase"], "PREFLIGHT", "{name}");
        assert_eq!(h["revoked"], true, "{name}");
        assert_eq!(h["revocation_reason"]["type"], "procedure", "{name}");
        assert!(
            h["revocation_reason"]["details"]
                .as_str()
                .unwrap()
                .contains("PREFLIGHT → EXECUTE")
        );
        crate::schemas::assert_shape("handoff.schema.json", &h);
        let again = run_agent(&env, "skipper");
        assert_eq!(
            again.code, 3,
            "{name}: a revoked agent cannot start: {again:?}"
        );
        assert!(again.stderr.contains("is revoked"), "{}", again.stderr);
        let list = env
            .run("pipeline", &["revocations", "--json"])
            .expect(0)
            .json();
        assert_eq!(list[0]["agent"], "skipper", "{name}");
        env.run("pipeline", &["agents", "reinstate", "skipper"])
            .expect(0);
        let after = run_agent(&env, "skipper");
        assert!(
            !after.stderr.contains("is revoked"),
            "{name}: reinstated agents may run: {after:?}"
        );
    }
}

#[test]
fn an_agent_repeating_an_error_is_revoked_and_its_token_stops_working() {
    for (name, env) in both() {
        setup(
            &env,
            "flaky",
            "",
            r#"printf '%s' "$AGOV_TOKEN" > "$AGOV_OUTPUT_DIR/flaky.token"
echo '{"type":"phase","phase":"PREFLIGHT"}'
for i in 1 2 3; do echo '{"type":"error","key":"timeout","message":"backend timed out"}'; done
sleep 20"#,
        );
        let r = run_agent(&env, "flaky");
        assert_eq!(r.code, 3, "{name}: {r:?}");
        assert!(
            r.json()["reason"].as_str().unwrap().contains("timeout"),
            "{name}"
        );
        let token = agent_file(&env, "flaky.token");
        assert!(!token.is_empty());
        // The agent's own token no longer looks up (in OpenBao for the real case).
        let mut with_token = env.sh(&format!(
            "AGOV_TOKEN='{token}' \"$PIPELINE\" agent exec -- true"
        ));
        assert_eq!(with_token.code, 3, "{name}: {with_token:?}");
        with_token.stderr.make_ascii_lowercase();
        assert!(
            with_token.stderr.contains("revoked, expired or unknown"),
            "{name}: {}",
            with_token.stderr
        );
    }
}

#[test]
fn a_t0_agent_asking_for_a_t1_action_is_denied_and_ledgered() {
    for (name, env) in both() {
        setup(
            &env,
            "curious",
            "",
            r#"echo '{"type":"phase","phase":"PREFLIGHT"}'
echo '{"type":"action","id":"w1","action":"write:sandbox/notes.txt"}'
read -r answer; printf '%s' "$answer" > "$AGOV_OUTPUT_DIR/curious.answer"
echo '{"type":"phase","phase":"PLAN"}'; exit 4"#,
        );
        let r = run_agent(&env, "curious");
        assert_eq!(
            r.code, 1,
            "{name}: it failed on its own, it was not revoked: {r:?}"
        );
        let answer: serde_json::Value =
            serde_json::from_str(&agent_file(&env, "curious.answer")).unwrap();
        assert_eq!(answer["decision"], "deny", "{name}");
        assert!(
            answer["reason"].as_str().unwrap().contains("needs tier 1"),
            "{name}: {answer}"
        );
        let events = env
            .run("ledger", &["query", "--action", "agent.action", "--json"])
            .expect(0)
            .json();
        assert_eq!(events[0]["detail"]["decision"], "deny", "{name}");
        assert_eq!(events[0]["detail"]["action"], "write:sandbox/notes.txt");
        let exec = env.run(
            "pipeline",
            &["agent", "exec", "--tier", "0", "--", "touch", "sandbox/x"],
        );
        assert_eq!(exec.code, 3, "{name}: {exec:?}");
    }
}

#[test]
fn two_instances_of_one_agent_cannot_both_run_and_a_killed_one_is_explained() {
    for (name, mut env) in both() {
        env.set("AGOV_LOCK_TTL", "2s");
        setup(
            &env,
            "solo",
            "",
            r#"echo '{"type":"phase","phase":"PREFLIGHT"}'; echo '{"type":"phase","phase":"PLAN"}'; echo '{"type":"phase","phase":"EXECUTE"}'; sleep 30"#,
        );
        // The first run, in its own process group so that kill -9 takes the
        // governor and its agent down together, as a crash would.
        let r = env.sh(
            "setsid \"$PIPELINE\" agent run --packet solo.json -- bash solo.sh > first.out 2>&1 & pid=$!; \
             for i in $(seq 1 50); do grep -q EXECUTE first.out 2>/dev/null && break; sleep 0.1; done; \
             \"$PIPELINE\" agent run --packet solo.json -- bash solo.sh; echo \"second=$?\"; \
             kill -9 -- -$pid; wait $pid 2>/dev/null; echo killed",
        );
        assert!(r.stdout.contains("second=3"), "{name}: {r:?}");
        assert!(r.stderr.contains("already running"), "{name}: {}", r.stderr);
        std::thread::sleep(std::time::Duration::from_millis(2500));
        let show = env
            .run("pipeline", &["agents", "show", "solo", "--json"])
            .expect(0)
            .json();
        let why = show["explanation"].as_str().unwrap();
        assert!(
            why.contains("stopped in EXECUTE without finishing"),
            "{name}: {why}"
        );
        assert!(
            show["lock"]["held_by"].is_null(),
            "{name}: the lock expired"
        );
        let human = env
            .run("pipeline", &["agents", "show", "solo"])
            .expect(0)
            .stdout;
        assert!(
            human.contains("the process died or was killed"),
            "{name}: {human}"
        );
        // And the agent can run again.
        setup(&env, "solo", "", GOOD.replace("report.md", "x").as_str());
        run_agent(&env, "solo").expect(0);
    }
}

#[test]
fn the_llm_driver_runs_a_model_through_the_lifecycle_with_its_key_from_env_or_vault() {
    let fake = agov_testkit::llm::FakeLlm::start();
    let key = "sk-or-cli-test-key";
    for (name, mut env) in both() {
        env.set("AGOV_LLM_BASE_URL", &fake.base_url());
        if name == "embedded" {
            env.set("AGOV_LLM_API_KEY", key);
        } else {
            // The key lives in Vault KV; agov's AppRole identity reads it.
            let root = agov_vault::Vault::connect(&crate::ledger_vault::root_settings(
                agov_testkit::shared_bao().addr(),
            ))
            .unwrap();
            root.kv_write("agov/llm", &serde_json::json!({ "api_key": key }), None)
                .unwrap();
        }
        setup(&env, "writer", r#","deliverables":["runbook.md"]"#, "");
        let r = env
            .sh("\"$PIPELINE\" agent run --packet writer.json --driver llm --work-dir out --json");
        assert_eq!(r.code, 0, "{name}: {r:?}");
        assert_eq!(r.json()["outcome"], "completed", "{name}");
        let runbook = std::fs::read_to_string(env.dir.path().join("out/runbook.md")).unwrap();
        assert!(runbook.starts_with("ok: EXECUTE"), "{name}: {runbook}");
        let export = env.run("ledger", &["export"]).expect(0);
        for text in [&r.stdout, &r.stderr, &export.stdout] {
            assert!(!text.contains(key), "{name}: the key leaked");
        }
        assert!(
            export.stdout.contains("agent.call"),
            "{name}: calls are ledgered"
        );
        let seen = fake.seen();
        assert_eq!(seen.last().unwrap().authorization, format!("Bearer {key}"));
    }
    let env = TestEnv::new();
    setup(&env, "keyless", "", "");
    let r = env.sh("\"$PIPELINE\" agent run --packet keyless.json --driver llm");
    assert_eq!(r.code, 64, "{r:?}");
    assert!(r.stderr.contains("needs an API key"), "{}", r.stderr);
}

#[test]
fn a_t3_action_waits_for_a_recorded_human_approval_of_exactly_that_action() {
    for (name, env) in both() {
        // Every phase; asks for a T3 action and keeps the answer.
        setup(
            &env,
            "deployer",
            r#","tier":3"#,
            r#"for p in PREFLIGHT PLAN EXECUTE; do echo "{\"type\":\"phase\",\"phase\":\"$p\"}"; done
echo '{"type":"action","id":"d1","action":"cmd:terraform apply -auto-approve"}'
read -r answer; printf '%s\n' "$answer" >> "$AGOV_OUTPUT_DIR/deployer.answers"
for p in VERIFY PACKAGE REPORT; do echo "{\"type\":\"phase\",\"phase\":\"$p\"}"; done"#,
        );
        let early = run_agent(&env, "deployer");
        assert_eq!(early.code, 3, "{name}: T3 is not earned yet: {early:?}");
        env.run("pipeline", &["agents", "promote", "deployer", "--to", "3"])
            .expect(64);
        env.run(
            "pipeline",
            &["agents", "promote", "deployer", "--to", "3", "--approve"],
        )
        .expect(0);
        run_agent(&env, "deployer").expect(0);
        let answers = || -> Vec<serde_json::Value> {
            agent_files(&env, "deployer.answers")
                .concat()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect()
        };
        let first = &answers()[0];
        assert_eq!(first["decision"], "needs_approval", "{name}: {first}");
        let events = env
            .run("ledger", &["query", "--action", "agent.action", "--json"])
            .expect(0)
            .json();
        let digest = events[0]["detail"]["digest"].as_str().unwrap().to_string();
        assert!(first["reason"].as_str().unwrap().contains(&digest));
        env.run("pipeline", &["agents", "approve", "deployer", "0000"])
            .expect(1);
        let approved = env
            .run(
                "pipeline",
                &[
                    "agents",
                    "approve",
                    "deployer",
                    &digest,
                    "--reason",
                    "change 42",
                    "--json",
                ],
            )
            .expect(0)
            .json();
        crate::schemas::assert_shape("agent-approve.schema.json", &approved);
        assert_eq!(
            approved["action"], "cmd:terraform apply -auto-approve",
            "{name}"
        );
        let by = crate::ledger_vault::decider(name);
        assert_eq!(approved["approved_by"], by.as_str(), "{name}");
        run_agent(&env, "deployer").expect(0);
        run_agent(&env, "deployer").expect(0);
        let all = answers();
        assert_eq!(
            all[1]["decision"], "allow",
            "{name}: the approved action goes ahead"
        );
        assert_eq!(
            all[2]["decision"], "needs_approval",
            "{name}: an approval is used once"
        );
        let used = env
            .run("ledger", &["query", "--action", "agent.action", "--json"])
            .expect(0)
            .json();
        assert!(
            used.as_array()
                .unwrap()
                .iter()
                .any(|e| e["detail"]["approved_by"] == by.as_str()),
            "{name}: the allowed action records who approved it"
        );
    }
}

#[test]
fn tokens_by_hand_issue_renew_lookup_revoke_and_stay_out_of_the_ledger() {
    for (name, env) in both() {
        let quiet = env
            .run("pipeline", &["token", "issue", "--tier", "1", "--json"])
            .expect(0)
            .json();
        assert!(
            quiet.get("token").is_none(),
            "{name}: no --reveal, no token"
        );
        let issued = env
            .run(
                "pipeline",
                &["token", "issue", "--tier", "2", "--reveal", "--json"],
            )
            .expect(0)
            .json();
        let (token, accessor) = (
            issued["token"].as_str().unwrap(),
            issued["accessor"].as_str().unwrap(),
        );
        assert_eq!(issued["ttl_secs"], 1800, "{name}: T2's TTL from tiers.toml");
        let looked = env
            .run("pipeline", &["token", "lookup", accessor, "--json"])
            .expect(0)
            .json();
        assert_eq!(looked["tier"], 2, "{name}");
        let renewed = env.sh(&format!(
            "AGOV_TOKEN='{token}' \"$PIPELINE\" token renew --json"
        ));
        assert_eq!(renewed.code, 0, "{name}: {renewed:?}");
        env.run("pipeline", &["token", "revoke", accessor])
            .expect(0);
        env.run("pipeline", &["token", "revoke", accessor])
            .expect(0);
        env.run("pipeline", &["token", "lookup", accessor])
            .expect(3);
        let export = env.run("ledger", &["export"]).expect(0).stdout;
        assert!(
            !export.contains(token),
            "{name}: the token reached the ledger"
        );
        assert_eq!(export.matches("\"token.issue\"").count(), 2, "{name}");
    }
}

#[test]
fn the_example_agent_in_the_readme_completes() {
    let env = TestEnv::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let r = env.sh(&format!(
        "\"$PIPELINE\" agent run --packet '{0}/examples/packets/alpha-research.json' --json -- '{0}/examples/agents/research.sh'",
        root.display()
    ));
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["outcome"], "completed");
    let actions = env
        .run("ledger", &["query", "--action", "agent.action", "--json"])
        .expect(0)
        .json();
    assert_eq!(actions[0]["detail"]["decision"], "allow");
}

/// With Vault, every privileged act needs a token Vault grants the
/// agov-operator policy; one without it (whatever USER says) is refused with
/// exit 3, a hint naming the policy, and nothing changes. An operator's token
/// acts, and the ledger records its Vault identity.
#[test]
fn privileged_acts_need_an_operator_token_with_vault() {
    let mut env = crate::ledger_vault::governor_env();
    env.set("AGOV_RUNTIME_URL", &agov_testkit::shared_redis().url())
        .install_tenant(&agov_testkit::unique("t"))
        .set("USER", "ops");
    setup(&env, "p1", r#","deliverables":["report.md"]"#, GOOD);
    run_agent(&env, "p1").expect(0);
    let bao = agov_testkit::shared_bao();
    let issued = env
        .run("pipeline", &["token", "issue", "--tier", "0", "--json"])
        .expect(0)
        .json();
    let accessor = issued["accessor"].as_str().unwrap().to_string();
    let plain = crate::ledger_vault::token_with(bao, "mallory", &["default"]);
    let governor_too = crate::ledger_vault::token_with(bao, "mallory", &["agov-governor"]);
    let acts: Vec<Vec<&str>> = vec![
        vec!["agents", "promote", "p1", "--to", "1"],
        vec!["agents", "demote", "p1", "--to", "0"],
        vec!["agents", "revoke", "p1", "--reason", "x"],
        vec!["agents", "reinstate", "p1"],
        vec!["agents", "approve", "p1", "0123abcd"],
        vec!["approve", "p-0000000000", "--stage", "gate"],
        vec![
            "consensus",
            "fallback",
            "p-0000000000",
            "--action",
            "rerun_same",
        ],
        vec!["revoke", "p-0000000000", "--reason", "x"],
        vec!["token", "revoke", &accessor],
        vec!["token", "issue", "--tier", "0", "--reveal"],
    ];
    let before = env.run("ledger", &["export"]).expect(0).stdout;
    for token in [None, Some(&plain), Some(&governor_too)] {
        for act in &acts {
            let prefix = token.map_or(String::new(), |t| format!("VAULT_TOKEN={t} "));
            let r = env.sh(&format!("{prefix}\"$PIPELINE\" {}", act.join(" ")));
            assert_eq!(r.code, 3, "{act:?} as {token:?}: {}", r.stderr);
            assert!(
                r.stderr.contains("may not")
                    && r.stderr.contains("hint:")
                    && r.stderr.contains("agov-operator"),
                "{act:?}: {}",
                r.stderr
            );
        }
    }
    assert_eq!(
        env.run("ledger", &["export"]).expect(0).stdout,
        before,
        "nothing refused reached the ledger"
    );
    assert!(
        bao.accessor_is_live(&accessor),
        "a refused revoke revoked nothing"
    );

    let ops = crate::ledger_vault::token_with(bao, "ana-ops", &["agov-operator"]);
    let as_ops = |args: &str| env.sh(&format!("VAULT_TOKEN={ops} \"$PIPELINE\" {args}"));
    let promoted = as_ops("agents promote p1 --to 1 --json").expect(0).json();
    assert_eq!(promoted["tier"], 1, "{promoted}");
    as_ops("agents demote p1 --to 0").expect(0);
    as_ops("agents revoke p1 --reason done").expect(0);
    as_ops("agents reinstate p1").expect(0);
    as_ops(&format!("token revoke {accessor}")).expect(0);
    assert!(!bao.accessor_is_live(&accessor), "revoked in OpenBao");
    let revealed = as_ops("token issue --tier 0 --reveal --json")
        .expect(0)
        .json();
    assert!(revealed["token"].as_str().is_some());
    let events = env.run("ledger", &["query", "--json"]).expect(0).json();
    for action in [
        "agent.promote",
        "agent.demote",
        "agent.revoke",
        "agent.reinstate",
        "token.revoke",
        "token.issue",
    ] {
        let last = events
            .as_array()
            .unwrap()
            .iter()
            .rfind(|e| e["action"] == action)
            .unwrap_or_else(|| panic!("no {action} event"));
        assert_eq!(last["actor"], "vault:ana-ops", "{action}: {last}");
    }
}
