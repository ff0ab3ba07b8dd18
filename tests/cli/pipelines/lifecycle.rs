//! A pipeline's life beyond one run: a killed driver taken over, revocation
//! checked in OpenBao, interrupted and detached drivers, token renewal, the
//! fallbacks' new rounds, stored plans and `pipeline gc`.

use super::*;

#[test]
fn a_driver_killed_mid_run_is_taken_over_by_continue_without_repeating_work() {
    for (name, env) in both() {
        with_examples(&env);
        slow_plan(&env);
        let started = env
            .sh("\"$PIPELINE\" spawn --plan slow.yaml --json > spawn.out 2> spawn.err & echo $!");
        let pid = started.stdout.trim().to_string();
        let mut id = String::new();
        wait_for("beta to be working", Duration::from_secs(30), || {
            let out = std::fs::read_to_string(env.dir.path().join("spawn.out")).unwrap_or_default();
            if id.is_empty()
                && let Some(first) = out.lines().next()
            {
                id = serde_json::from_str::<Value>(first).unwrap()["pipeline"]
                    .as_str()
                    .unwrap()
                    .to_string();
            }
            if id.is_empty() {
                return false;
            }
            let st = status(&env, &id);
            st["agents"]["alpha"]["status"] == "completed"
                && st["agents"]["beta"]["phase"] == "EXECUTE"
                && st["agents"]["beta"]["pid"].is_number()
        });
        env.sh(&format!("kill -9 {pid}")).expect(0);
        let orphan = status(&env, &id)["agents"]["beta"]["pid"].as_u64().unwrap();

        // The dead driver's lease has not lapsed, but its process is gone:
        // two takeovers race at once, and exactly one drives.
        let race = env.sh(&format!(
            "\"$PIPELINE\" continue {id} -q > c1.out 2>&1 & a=$!; \"$PIPELINE\" continue {id} -q > c2.out 2>&1 & b=$!; wait $a; x=$?; wait $b; y=$?; echo $x $y"
        ));
        let mut codes: Vec<&str> = race.stdout.split_whitespace().collect();
        codes.sort();
        assert_eq!(codes, ["0", "64"], "{name}: {}", race.stdout);

        let st = status(&env, &id);
        assert_eq!(st["status"], "COMPLETED", "{name}");
        assert_eq!(
            st["agents"]["alpha"]["attempts"], 1,
            "{name}: alpha ran once"
        );
        assert_eq!(
            st["agents"]["beta"]["attempts"], 2,
            "{name}: beta ran again"
        );
        assert_eq!(st["drivers"], 2, "{name}");
        assert_eq!(events(&env, &id, "pipeline.drive").len(), 2, "{name}");
        assert_eq!(
            events(&env, &id, "pipeline.agent_interrupted").len(),
            1,
            "{name}"
        );
        assert!(
            !Path::new(&format!("/proc/{orphan}")).exists()
                || std::fs::read_to_string(format!("/proc/{orphan}/stat"))
                    .is_ok_and(|s| s.contains(") Z ")),
            "{name}: the orphaned agent was stopped"
        );

        // The same final state as a run nobody interrupted.
        let (run, clean) = spawn(&env, "slow.yaml");
        run.expect(0);
        assert_eq!(outcome(&env, &id), outcome(&env, &clean), "{name}");
    }
}

#[test]
fn revoking_a_pipeline_revokes_every_agent_token_in_openbao() {
    let mut env = crate::ledger_vault::vault_env();
    env.set("AGOV_RUNTIME_URL", &agov_testkit::shared_redis().url())
        .install_tenant(&agov_testkit::unique("t"))
        .set("SLOW_SECONDS", "30");
    with_examples(&env);
    slow_plan(&env);
    // Both agents work for a while.
    std::fs::copy(
        env.dir.path().join("slow.py"),
        env.dir.path().join("quick.py"),
    )
    .unwrap();
    let out = env
        .sh("\"$PIPELINE\" spawn --plan slow.yaml --detach --json")
        .expect(0)
        .json();
    let id = out["id"].as_str().unwrap().to_string();
    let mut st = Value::Null;
    wait_for(
        "both agents to hold tokens",
        Duration::from_secs(30),
        || {
            st = status(&env, &id);
            ["alpha", "beta"]
                .iter()
                .all(|r| st["agents"][*r]["phase"] == "EXECUTE")
        },
    );
    let bao = agov_testkit::shared_bao();
    let accessors: Vec<String> = [
        st["token"]["accessor"].as_str().unwrap(),
        st["agents"]["alpha"]["token_accessor"].as_str().unwrap(),
        st["agents"]["beta"]["token_accessor"].as_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for a in &accessors {
        assert!(bao.accessor_is_live(a), "{a} is live before");
    }
    // A token without the agov-operator policy may not revoke, whatever
    // USER says: exit 3, a hint naming the policy, every token still live.
    let mallory = crate::ledger_vault::token_with(bao, "mallory", &["default"]);
    let refused = env.sh(&format!(
        "USER=ops VAULT_TOKEN={mallory} \"$PIPELINE\" revoke {id} --reason nope"
    ));
    assert_eq!(refused.code, 3, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("`mallory` may not revoke")
            && refused.stderr.contains("hint:")
            && refused.stderr.contains("agov-operator"),
        "{}",
        refused.stderr
    );
    for a in &accessors {
        assert!(
            bao.accessor_is_live(a),
            "{a} is live after a refused revoke"
        );
    }
    env.run("pipeline", &["revoke", &id, "--reason", "test"])
        .expect(0);
    for a in &accessors {
        assert!(!bao.accessor_is_live(a), "{a} is revoked in OpenBao");
    }
    let watched = env.run("pipeline", &["watch", &id]);
    assert_eq!(watched.code, 3, "{}", watched.stderr);
    let st = status(&env, &id);
    assert_eq!(st["status"], "FAILED");
    assert_eq!(st["revoked_by"], crate::ledger_vault::OPERATOR_ACTOR);
    assert_eq!(
        events(&env, &id, "pipeline.revoke")[0]["actor"],
        crate::ledger_vault::OPERATOR_ACTOR
    );
    assert_eq!(events(&env, &id, "pipeline.revoke").len(), 1);
}

#[test]
fn bad_plans_and_unknown_pipelines_get_clear_errors_and_leave_nothing() {
    let env = TestEnv::new();
    std::fs::write(
        env.dir.path().join("bad.yaml"),
        "name: bad\nobjective: x\nagents:\n  alpha: {command: [true]}\n",
    )
    .unwrap();
    let out = env.sh("\"$PIPELINE\" spawn --plan bad.yaml");
    assert_eq!(out.code, 64);
    assert!(out.stderr.contains("agents.beta"), "{}", out.stderr);
    assert!(out.stderr.contains("hint:"), "{}", out.stderr);
    let dup = env.dir.path().join("dup.yaml");
    std::fs::write(&dup, "name: a\nname: b\nobjective: x\nagents: {}\n").unwrap();
    assert_eq!(env.sh("\"$PIPELINE\" spawn --plan dup.yaml").code, 64);
    assert_eq!(env.sh("\"$PIPELINE\" spawn --plan nowhere.yaml").code, 64);
    let none = env.run("pipeline", &["status", "p-0000000000"]);
    assert_eq!(none.code, 1, "{}", none.stderr);
    assert!(none.stderr.contains("no pipeline"), "{}", none.stderr);
    let list = env
        .run("pipeline", &["list", "--all", "--json"])
        .expect(0)
        .json();
    assert_eq!(list, serde_json::json!([]));
}

#[test]
fn an_interrupted_driver_leaves_a_pipeline_that_can_be_continued() {
    let env = TestEnv::new();
    with_examples(&env);
    slow_plan(&env);
    let out = env.sh(
        "SLOW_SECONDS=30 timeout -s INT 3 \"$PIPELINE\" spawn --plan slow.yaml --json > out.jsonl; echo $?",
    );
    assert_eq!(out.stdout.trim(), "124", "{}", out.stderr);
    let first = std::fs::read_to_string(env.dir.path().join("out.jsonl")).unwrap();
    let id = serde_json::from_str::<Value>(first.lines().next().unwrap()).unwrap()["pipeline"]
        .as_str()
        .unwrap()
        .to_string();
    let st = status(&env, &id);
    assert_eq!(st["status"], "RUNNING");
    assert_eq!(st["agents"]["beta"]["status"], "pending", "{st}");
    assert_eq!(events(&env, &id, "pipeline.interrupted").len(), 1);
    // Nobody drives it now: revoking settles it at once.
    env.run("pipeline", &["revoke", &id, "--reason", "abandoned"])
        .expect(0);
    assert_eq!(status(&env, &id)["status"], "FAILED");
    assert_eq!(env.run("pipeline", &["watch", &id]).code, 3);
}

#[test]
fn two_pipelines_of_one_plan_take_turns_with_its_agents() {
    let env = TestEnv::new();
    with_examples(&env);
    slow_plan(&env);
    let out = env.sh(
        "SLOW_SECONDS=1; export SLOW_SECONDS; \"$PIPELINE\" spawn --plan slow.yaml --json > a.jsonl 2>a.err & a=$!; \"$PIPELINE\" spawn --plan slow.yaml --json > b.jsonl 2>b.err & b=$!; wait $a; x=$?; wait $b; echo $x $?",
    );
    assert_eq!(out.stdout.trim(), "0 0", "{}", out.stderr);
    let logs: String = ["a.jsonl", "b.jsonl"]
        .iter()
        .map(|f| std::fs::read_to_string(env.dir.path().join(f)).unwrap())
        .collect();
    assert!(
        logs.contains("waiting for agent slow-"),
        "one pipeline waited for the other's agent:\n{logs}"
    );
}

#[test]
fn rerun_gamma_and_escalate_tier_start_a_new_round() {
    for (name, env) in both() {
        with_examples(&env);
        // Without a gamma agent, rerun_gamma is refused and changes nothing.
        let (run, plain) = spawn(&env, "examples/plans/disagree.yaml");
        run.expect(2);
        let refused = env.run(
            "pipeline",
            &["consensus", "fallback", &plain, "--action", "rerun_gamma"],
        );
        assert_eq!(refused.code, 64, "{name}: {}", refused.stderr);
        assert!(refused.stderr.contains("gamma"), "{name}");
        assert_eq!(status(&env, &plain)["round"], 1, "{name}");

        // escalate_tier: a new token one tier up, and the operator's
        // escalation lets the agents run at it although they earned T0
        // (beta still rejects: the TODO is still there).
        let before = status(&env, &plain);
        let out = env.run(
            "pipeline",
            &["consensus", "fallback", &plain, "--action", "escalate_tier"],
        );
        assert_eq!(out.code, 2, "{name}: {}", out.stderr);
        let after = status(&env, &plain);
        assert_eq!(after["tier"], 1, "{name}");
        assert_eq!(after["round"], 2, "{name}");
        assert_ne!(after["token"]["accessor"], before["token"]["accessor"]);
        for role in ["alpha", "beta"] {
            assert_eq!(
                after["agents"][role]["status"], "completed",
                "{name}: {after}"
            );
            assert_eq!(after["agents"][role]["tier"], 1, "{name}: {after}");
        }
        let boots = env
            .run(
                "ledger",
                &["query", "--action", "agent.bootstrap", "--json"],
            )
            .expect(0)
            .json();
        let escalated = boots
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["detail"]["task"] == plain.as_str() && e["detail"]["escalated"] == true)
            .count();
        assert_eq!(escalated, 2, "{name}: {boots}");

        // With a gamma agent: GAMMA mediates the first round (and cannot
        // outvote a required reject); rerun_gamma runs it from the start.
        let plan = std::fs::read_to_string(env.dir.path().join("examples/plans/disagree.yaml"))
            .unwrap()
            .replace("name: disagree", "name: disagree-gamma")
            + "  gamma:\n    command: [python3, examples/agents/mediator.py]\n";
        std::fs::write(env.dir.path().join("with-gamma.yaml"), plan).unwrap();
        let (run, id) = spawn(&env, "with-gamma.yaml");
        run.expect(2);
        let st = status(&env, &id);
        assert!(
            st["gamma"]["reason"]
                .as_str()
                .unwrap()
                .starts_with("no consensus"),
            "{name}: {st}"
        );
        assert_eq!(st["tally"]["rejected_by"], serde_json::json!(["beta"]));
        env.sh(&format!(
            "STRICT_BETA_MAX_TODOS=100 AGOV_AGENT_ENV=STRICT_BETA_MAX_TODOS \"$PIPELINE\" consensus fallback {id} --action rerun_gamma -q"
        ))
        .expect(0);
        let st = status(&env, &id);
        assert_eq!(st["gamma"]["reason"], "fallback rerun_gamma", "{name}");
        assert_eq!(st["tally"]["accepts"], 3, "{name}");
        assert_eq!(st["fallbacks"], serde_json::json!(["rerun_gamma"]));
    }
}

#[test]
fn a_running_pipeline_renews_its_token() {
    for (name, mut env) in both() {
        with_examples(&env);
        slow_plan(&env);
        env.set("AGOV_PIPELINE_RENEW_EVERY", "1s")
            .set("SLOW_SECONDS", "3");
        let (run, id) = spawn(&env, "slow.yaml");
        run.expect(0);
        let st = status(&env, &id);
        assert!(
            st["token"]["renewals"].as_u64().unwrap() >= 2,
            "{name}: {st}"
        );
        assert!(
            events(&env, &id, "pipeline.token_renew").len() >= 2,
            "{name}"
        );
        let tok = env
            .run("pipeline", &["token", &id, "--json"])
            .expect(0)
            .json();
        assert_eq!(tok["valid"], false, "{name}: revoked once completed");
    }
}

#[test]
fn gamma_is_spawned_when_stuck_on_complexity_and_to_validate_a_success() {
    let mut env = TestEnv::new();
    env.set("SLOW_SECONDS", "2");
    with_examples(&env);
    slow_plan(&env);
    let mediator = "  gamma: {command: [python3, examples/agents/mediator.py]}\n";
    let base = std::fs::read_to_string(env.dir.path().join("slow.yaml")).unwrap();
    for (file, extra, wanted) in [
        (
            "stuck.yaml",
            "gamma: {stuck_after: 1s}\n",
            "beta made no progress for 1 s",
        ),
        (
            "complex.yaml",
            "complexity: 0.9\n",
            "complexity 0.9 is above 0.8",
        ),
        (
            "validate.yaml",
            "gamma: {validate_success: true}\n",
            "to validate the consensus",
        ),
    ] {
        std::fs::write(
            env.dir.path().join(file),
            format!("{base}{mediator}{extra}"),
        )
        .unwrap();
        let (run, id) = spawn(&env, file);
        run.expect(0);
        let st = status(&env, &id);
        assert_eq!(st["gamma"]["reason"], wanted, "{file}: {st}");
        assert_eq!(st["agents"]["gamma"]["status"], "completed", "{file}");
        assert_eq!(st["tally"]["accepts"], 3, "{file}");
    }
}

#[test]
fn a_stored_plan_built_from_templates_runs_by_id() {
    for (name, env) in both() {
        with_examples(&env);
        // The templates are not installed yet: the plan is refused, naming both.
        let refused = env.sh("\"$PIPELINE\" plan add examples/plans/from-templates.yaml");
        assert_eq!(refused.code, 64, "{name}: {}", refused.stderr);
        for wanted in [
            "agents.alpha.template",
            "markdown-links-finder@1.0.0",
            "agents.beta.template",
        ] {
            assert!(
                refused.stderr.contains(wanted),
                "{name}: {wanted}: {}",
                refused.stderr
            );
        }
        env.sh("\"$PIPELINE\" templates add examples/templates -q")
            .expect(0);
        let added = env
            .sh("\"$PIPELINE\" plan add examples/plans/from-templates.yaml --json")
            .expect(0)
            .json();
        let plan_id = added["id"].as_str().unwrap().to_string();
        assert!(plan_id.starts_with("pl"), "{name}: {added}");
        // The same text again is the same plan.
        let again = env
            .sh("\"$PIPELINE\" plan add examples/plans/from-templates.yaml --json")
            .expect(0)
            .json();
        assert_eq!(again["id"], plan_id.as_str());
        assert_eq!(again["created"], false);
        let shown = env.run("pipeline", &["plan", "show", &plan_id]).expect(0);
        assert!(
            shown
                .stdout
                .contains("template: markdown-links-finder@1.0.0"),
            "{}",
            shown.stdout
        );

        let (run, id) = spawn(&env, &plan_id);
        let last = run.expect(0).json_lines().last().unwrap().clone();
        assert_eq!(last["pipeline"]["status"], "COMPLETED", "{name}: {last}");
        // The pipeline keeps the plan with its templates pinned and filled in.
        let st = status(&env, &id);
        assert_eq!(
            st["templates"]["alpha"], "markdown-links-finder@1.0.0",
            "{name}: {st}"
        );
        assert_eq!(
            st["templates"]["beta"], "markdown-links-reporter@1.0.0",
            "{name}: {st}"
        );
        // The template's deliverable was required, and produced.
        let b = board(&env, &id);
        assert!(
            b["solutions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["by"] == "alpha"),
            "{name}"
        );
        let done = events(&env, &id, "agent.artifact");
        assert!(
            done.iter().any(|e| e["detail"]["name"] == "links.json"),
            "{name}: {done:?}"
        );
        // By name too; removing it leaves nothing to spawn.
        env.run("pipeline", &["plan", "show", "links-from-templates"])
            .expect(0);
        env.run("pipeline", &["plan", "rm", &plan_id]).expect(0);
        let gone = env.sh(&format!("\"$PIPELINE\" spawn --plan {plan_id}"));
        assert_eq!(gone.code, 64, "{name}: {}", gone.stderr);
        assert!(
            gone.stderr.contains("pipeline plan list"),
            "{}",
            gone.stderr
        );
        let rm = env
            .run("ledger", &["query", "--action", "plan.*", "--json"])
            .expect(0)
            .json();
        assert_eq!(rm.as_array().unwrap().len(), 2, "{name}: {rm}");
    }
}

#[test]
fn a_detached_pipeline_keeps_the_global_flags_of_its_spawn() {
    let env = TestEnv::new();
    with_examples(&env);
    // A config file of its own (with a data folder of its own) and a tenant
    // given as flags only: the background driver must use both.
    let cfg = env.dir.path().join("elsewhere.toml");
    std::fs::write(
        &cfg,
        format!(
            "data_dir = \"{}\"\n",
            env.dir.path().join("other-data").display()
        ),
    )
    .unwrap();
    let cfg = cfg.display().to_string();
    let out = env
        .sh(&format!(
            "\"$PIPELINE\" --config {cfg} --tenant acme spawn --plan examples/plans/quickstart.yaml --detach --json"
        ))
        .expect(0)
        .json();
    let id = out["id"].as_str().unwrap().to_string();
    let mut st = Value::Null;
    wait_for(
        "the background driver to finish",
        Duration::from_secs(60),
        || {
            st = env
                .run(
                    "pipeline",
                    &[
                        "--config", &cfg, "--tenant", "acme", "status", &id, "--json",
                    ],
                )
                .expect(0)
                .json();
            st["status"] == "COMPLETED" || st["status"] == "FAILED"
        },
    );
    assert_eq!(st["status"], "COMPLETED", "{st}");
}

#[test]
fn gc_revokes_the_token_of_a_pipeline_waiting_for_a_fallback_and_a_rerun_gets_a_fresh_one() {
    for (name, env) in both() {
        with_examples(&env);
        let (run, id) = spawn(&env, "examples/plans/disagree.yaml");
        run.expect(2);
        let accessor = status(&env, &id)["token"]["accessor"]
            .as_str()
            .unwrap()
            .to_string();
        env.run("pipeline", &["token", "lookup", &accessor])
            .expect(0);
        let collected = env.run("pipeline", &["gc", "--json"]).expect(0).json();
        crate::schemas::assert_shape("pipeline-gc.schema.json", &collected);
        let mine: Vec<&Value> = collected
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["pipeline"] == id.as_str())
            .collect();
        assert_eq!(mine.len(), 1, "{name}: {collected}");
        assert_eq!(mine[0]["revoked"], true, "{name}");
        assert_eq!(mine[0]["status"], "CONSENSUS_FAILED", "{name}");
        env.run("pipeline", &["token", "lookup", &accessor])
            .expect(3);
        // Nothing left to collect: a second run is a no-op.
        let again = env.run("pipeline", &["gc", "--json"]).expect(0).json();
        assert!(
            !again.to_string().contains(&id),
            "{name}: collected twice: {again}"
        );
        // A rerun works, with a fresh token that is recorded.
        env.sh(&format!(
            "STRICT_BETA_MAX_TODOS=100 AGOV_AGENT_ENV=STRICT_BETA_MAX_TODOS \"$PIPELINE\" consensus fallback {id} --action rerun_same -q"
        ))
        .expect(0);
        let st = status(&env, &id);
        assert_eq!(st["status"], "COMPLETED", "{name}: {st}");
        assert_ne!(st["token"]["accessor"], accessor.as_str(), "{name}");
        assert_eq!(
            events(&env, &id, "pipeline.token_revoked").len(),
            1,
            "{name}"
        );
    }
}
