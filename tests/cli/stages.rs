//! Staged plans end to end through the `pipeline` binary, on the embedded
//! default and against OpenBao + Redis: the DAG runs in dependency order
//! with independent stages in parallel, retries and timeouts as declared, a
//! failure fails its dependents and not its siblings, conditions skip;
//! human gates wait for `pipeline approve` (who may, exactly what, a change
//! voids it, reject and timeout fail the stage) and show in `status`,
//! `checkpoint report` and `checkpoint load`; a driver killed mid-stage is
//! taken over by `continue`.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::TestEnv;
use crate::pipelines::{
    background_exit_code, both, events, spawn, spawn_in_background, status, wait_for, with_examples,
};
use crate::schemas::assert_shape;

fn write(env: &TestEnv, name: &str, text: &str) {
    std::fs::write(env.dir.path().join(name), text).unwrap();
}

pub(crate) fn stage<'a>(st: &'a Value, name: &str) -> &'a Value {
    st["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no stage {name} in {st:#}"))
}

const DAG: &str = "\
name: dag
objective: exercise the scheduler
stages:
  - name: build
    command: [bash, examples/agents/stage.sh, flaky, '1']
    retry: {max: 2, backoff: 100ms}
  - name: test
    requires: [build]
    command: [bash, examples/agents/stage.sh, sleep, '1']
  - name: lint
    requires: [build]
    command: [bash, examples/agents/stage.sh, fail, '1']
  - name: docs
    requires: [lint]
    command: [bash, examples/agents/stage.sh, ok]
  - name: notify
    requires: [lint]
    when: lint == failed
    command: [bash, examples/agents/stage.sh, ok]
  - name: celebrate
    requires: [test, lint]
    when: lint == completed
    command: [bash, examples/agents/stage.sh, ok]
  - name: after-party
    requires: [celebrate]
    command: [bash, examples/agents/stage.sh, ok]
";

#[test]
fn stages_run_in_dependency_order_with_retries_conditions_and_failures_kept_local() {
    for (name, env) in both() {
        with_examples(&env);
        write(&env, "dag.yaml", DAG);
        let (run, id) = spawn(&env, "dag.yaml");
        let run = run.expect(1);
        for line in run.json_lines() {
            assert_shape("pipeline-event.schema.json", &line);
        }
        let st = status(&env, &id);
        assert_shape("pipeline.schema.json", &st);
        assert_eq!(st["status"], "FAILED", "{name}");
        let status_of = |s: &str| stage(&st, s)["status"].as_str().unwrap().to_string();
        // build failed once and was retried; its dependents ran after it.
        assert_eq!(status_of("build"), "completed", "{name}");
        assert_eq!(stage(&st, "build")["attempts"], 2, "{name}");
        // lint failed: its dependent failed, its sibling did not.
        assert_eq!(status_of("lint"), "failed", "{name}");
        assert_eq!(status_of("test"), "completed", "{name}");
        assert_eq!(status_of("docs"), "failed", "{name}");
        assert!(
            stage(&st, "docs")["reason"]
                .as_str()
                .unwrap()
                .contains("requires `lint`, which failed"),
            "{name}"
        );
        // Conditions: notify ran because lint failed; celebrate was skipped,
        // and so was what requires it.
        assert_eq!(status_of("notify"), "completed", "{name}");
        assert_eq!(status_of("celebrate"), "skipped", "{name}");
        assert_eq!(status_of("after-party"), "skipped", "{name}");
        assert_eq!(stage(&st, "celebrate")["attempts"], 0, "{name}");
        // test and lint overlapped: each started before the other ended.
        let t = |s: &str, k: &str| stage(&st, s)[k].as_i64().unwrap();
        assert!(
            t("test", "started_us") < t("lint", "ended_us")
                && t("lint", "started_us") < t("test", "ended_us"),
            "{name}: test and lint ran in parallel"
        );
        assert!(
            t("build", "ended_us") <= t("test", "started_us")
                && t("build", "ended_us") <= t("lint", "started_us"),
            "{name}: nothing started before what it requires ended"
        );
        assert_eq!(events(&env, &id, "pipeline.stage_retry").len(), 1, "{name}");
        let summary = events(&env, &id, "pipeline.stages");
        assert_eq!(summary.len(), 1, "{name}");
        assert_eq!(summary[0]["detail"]["completed"], 3, "{name}");
        assert_eq!(summary[0]["detail"]["skipped"], 2, "{name}");
        assert!(
            run.stderr.contains("stages failed: lint")
                || st["failure"].as_str().unwrap().contains("lint"),
            "{name}"
        );
        if name == "embedded" {
            // (With Vault, seals live at one KV path every test installation writes.)
            env.run("ledger", &["verify"]).expect(0);
        }
    }
}

#[test]
fn a_try_past_its_timeout_is_stopped_and_counts_as_failed() {
    let env = TestEnv::new();
    with_examples(&env);
    write(
        &env,
        "slow.yaml",
        "name: slow\nobjective: time out\nstages:\n  - name: nap\n    command: [bash, examples/agents/stage.sh, sleep, '30']\n    timeout: 1s\n    retry: {max: 1, backoff: 100ms}\n",
    );
    let start = Instant::now();
    let (run, id) = spawn(&env, "slow.yaml");
    run.expect(1);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "two tries of 1 s, not 30 s"
    );
    let st = status(&env, &id);
    let nap = stage(&st, "nap");
    assert_eq!(nap["status"], "failed");
    assert_eq!(nap["attempts"], 2);
    assert!(
        nap["reason"]
            .as_str()
            .unwrap()
            .contains("timed out after 1s"),
        "{nap}"
    );
}

pub(crate) fn wait_for_gate(env: &TestEnv, id: &str, gate: &str) -> Value {
    let mut st = Value::Null;
    wait_for("the gate to open", Duration::from_secs(60), || {
        st = status(env, id);
        stage(&st, gate)["status"] == "waiting"
    });
    st
}

#[test]
fn a_human_gate_waits_for_an_approval_of_exactly_what_was_reviewed() {
    for (name, mut env) in both() {
        env.set("USER", "ana");
        with_examples(&env);
        // The approver is whoever decides here: the kernel's OS account on
        // the embedded default, the operator token's identity with Vault.
        let by = crate::ledger_vault::decider(name);
        let approver = by.split_once(':').unwrap().1.to_string();
        let plan = std::fs::read_to_string(env.dir.path().join("examples/plans/staged.yaml"))
            .unwrap()
            .replace(
                "    timeout: 1h\n",
                &format!("    timeout: 1h\n    approvers: [{approver}]\n"),
            );
        write(&env, "staged.yaml", &plan);
        let (_, id) = spawn_in_background(&env, "staged.yaml");
        let st = wait_for_gate(&env, &id, "approve");
        assert_shape("pipeline.schema.json", &st);
        assert_eq!(
            st["pending_gates"],
            serde_json::json!(["approve"]),
            "{name}"
        );
        assert_eq!(stage(&st, "deploy")["status"], "pending", "{name}");
        let digest = stage(&st, "approve")["gate"]["digest"]
            .as_str()
            .unwrap()
            .to_string();
        // The briefings tell a person (or an agent after a reset) what waits.
        let decide = format!("pipeline approve {id} --stage approve");
        let text = env.run("pipeline", &["status", &id]).expect(0).stdout;
        assert!(text.contains(&decide), "{name}: {text}");
        let report = env.run("checkpoint", &["report"]).expect(0).stdout;
        assert!(report.contains(&decide), "{name}: {report}");
        let load = env.run("checkpoint", &["load"]).expect(0).stdout;
        assert!(
            load.contains(&decide) && load.contains(&digest),
            "{name}: {load}"
        );
        let load = env.run("checkpoint", &["load", "--json"]).expect(0).json();
        assert_eq!(load["pending_gates"][0]["pipeline"], id.as_str(), "{name}");

        // Someone not among its approvers: exit 3, nothing recorded (on
        // the embedded default, `USER=bob` changes nothing: the kernel's
        // account decides; see the_os_account_decides_a_gate_not_user).
        if name != "embedded" {
            let bob = crate::ledger_vault::token_with(
                agov_testkit::shared_bao(),
                "bob",
                &["agov-operator", crate::ledger_vault::EVERY_TENANT],
            );
            let bob = env.sh(&format!(
                "USER={approver} VAULT_TOKEN={bob} \"$PIPELINE\" approve {id} --stage approve"
            ));
            assert_eq!(bob.code, 3, "{name}: {}", bob.stderr);
            assert!(
                bob.stderr.contains("vault:bob may not decide"),
                "{name}: {}",
                bob.stderr
            );
        }
        // A digest other than what is there now: refused.
        let stale = env.run(
            "pipeline",
            &["approve", &id, "--stage", "approve", "--digest", "0123abcd"],
        );
        assert_eq!(stale.code, 64, "{name}: {}", stale.stderr);
        // Not a gate; not a stage.
        let wrong = env.run("pipeline", &["approve", &id, "--stage", "deploy"]);
        assert_eq!(wrong.code, 64, "{name}: {}", wrong.stderr);
        let missing = env.run("pipeline", &["approve", &id, "--stage", "nope"]);
        assert_eq!(missing.code, 64, "{name}: {}", missing.stderr);
        assert!(
            events(&env, &id, "pipeline.gate_approve").is_empty(),
            "{name}"
        );

        let ok = env
            .run(
                "pipeline",
                &[
                    "approve",
                    &id,
                    "--stage",
                    "approve",
                    "--digest",
                    &digest,
                    "--reason",
                    "looks right",
                    "--json",
                ],
            )
            .expect(0)
            .json();
        assert_shape("pipeline-approve.schema.json", &ok);
        assert_eq!(ok["by"], by.as_str(), "{name}");
        assert_eq!(background_exit_code(&env), 0, "{name}");
        let st = status(&env, &id);
        assert_eq!(st["status"], "COMPLETED", "{name}");
        let gate = &stage(&st, "approve")["gate"];
        assert_eq!(gate["decision"]["by"], by.as_str(), "{name}");
        assert_eq!(
            events(&env, &id, "pipeline.gate_approve")[0]["actor"],
            by.as_str(),
            "{name}: the ledger records the verified identity"
        );
        assert_eq!(gate["decision"]["digest"], digest.as_str(), "{name}");
        assert_eq!(stage(&st, "deploy")["status"], "completed", "{name}");
        assert_eq!(stage(&st, "notify")["status"], "skipped", "{name}");
        let approved = events(&env, &id, "pipeline.gate_approve");
        assert_eq!(approved.len(), 1, "{name}");
        assert_eq!(approved[0]["detail"]["digest"], digest.as_str(), "{name}");
        assert_eq!(approved[0]["detail"]["reason"], "looks right", "{name}");
        // Deploy started only after the approval was recorded.
        let deploy_started = stage(&st, "deploy")["started_us"].as_i64().unwrap();
        assert!(
            deploy_started >= gate["decision"]["at_us"].as_i64().unwrap(),
            "{name}"
        );
        // Decided gates take no more decisions.
        let again = env.run("pipeline", &["approve", &id, "--stage", "approve"]);
        assert_eq!(again.code, 64, "{name}: {}", again.stderr);
    }
}

#[test]
fn a_change_after_approval_voids_it() {
    for (name, env) in both() {
        with_examples(&env);
        let (pid, id) = spawn_in_background(&env, "examples/plans/staged.yaml");
        wait_for_gate(&env, &id, "approve");
        // The driver does not look while it is stopped: approve, then
        // change what was approved before it takes the decision.
        // (Stopped inside a ledger write it would hold the database: let it
        // finish that write and stop it again.)
        for attempt in 0.. {
            env.sh(&format!("kill -STOP {pid}")).expect(0);
            let r = env.run("pipeline", &["approve", &id, "--stage", "approve"]);
            if r.code == 0 {
                break;
            }
            assert!(
                attempt < 3 && r.stderr.contains("database is locked"),
                "{name}: {r:?}"
            );
            env.sh(&format!("kill -CONT {pid}")).expect(0);
            std::thread::sleep(Duration::from_millis(50));
        }
        let file = env
            .data()
            .join("pipelines")
            .join(&id)
            .join("stage-test")
            .join("result.json");
        assert!(file.exists(), "{name}: {}", file.display());
        std::fs::write(&file, "{\"tampered\": true}\n").unwrap();
        env.sh(&format!("kill -CONT {pid}")).expect(0);
        wait_for("the void decision", Duration::from_secs(30), || {
            !events(&env, &id, "pipeline.gate_void").is_empty()
        });
        let st = status(&env, &id);
        assert_eq!(stage(&st, "approve")["status"], "waiting", "{name}");
        assert_eq!(stage(&st, "deploy")["status"], "pending", "{name}");
        // A decision on what is there now goes through.
        env.run("pipeline", &["approve", &id, "--stage", "approve"])
            .expect(0);
        assert_eq!(background_exit_code(&env), 0, "{name}");
        assert_eq!(status(&env, &id)["status"], "COMPLETED", "{name}");
    }
}

#[test]
fn a_rejected_or_unanswered_gate_fails_its_stage_and_dependents() {
    for (name, env) in both() {
        with_examples(&env);
        let (_, id) = spawn_in_background(&env, "examples/plans/staged.yaml");
        wait_for_gate(&env, &id, "approve");
        env.run(
            "pipeline",
            &[
                "approve",
                &id,
                "--stage",
                "approve",
                "--reject",
                "--reason",
                "not today",
            ],
        )
        .expect(0);
        assert_eq!(background_exit_code(&env), 1, "{name}");
        let st = status(&env, &id);
        assert_eq!(st["status"], "FAILED", "{name}");
        assert!(
            stage(&st, "approve")["reason"]
                .as_str()
                .unwrap()
                .contains(&format!(
                    "rejected by {}",
                    crate::ledger_vault::decider(name)
                )),
            "{name}"
        );
        assert_eq!(stage(&st, "deploy")["status"], "failed", "{name}");
        assert_eq!(events(&env, &id, "pipeline.gate_reject").len(), 1, "{name}");

        let plan = std::fs::read_to_string(env.dir.path().join("examples/plans/staged.yaml"))
            .unwrap()
            .replace("    timeout: 1h\n", "    timeout: 1s\n");
        write(&env, "hurried.yaml", &plan);
        let (run, id) = spawn(&env, "hurried.yaml");
        run.expect(1);
        let st = status(&env, &id);
        assert_eq!(
            stage(&st, "approve")["reason"],
            "no decision before its timeout",
            "{name}"
        );
        assert_eq!(stage(&st, "deploy")["status"], "failed", "{name}");
    }
}

#[test]
fn a_driver_killed_mid_stage_is_taken_over_by_continue() {
    for (name, env) in both() {
        with_examples(&env);
        write(
            &env,
            "long.yaml",
            "name: long\nobjective: be interrupted\nstages:\n  - name: first\n    command: [bash, examples/agents/stage.sh, ok]\n  - name: slow\n    requires: [first]\n    command: [bash, examples/agents/stage.sh, sleep, '3']\n",
        );
        let (pid, id) = spawn_in_background(&env, "long.yaml");
        wait_for("slow to be working", Duration::from_secs(30), || {
            let st = status(&env, &id);
            stage(&st, "slow")["phase"] == "EXECUTE"
        });
        env.sh(&format!("kill -9 {pid}")).expect(0);
        std::thread::sleep(Duration::from_millis(2200));
        env.run("pipeline", &["continue", &id, "-q"]).expect(0);
        let st = status(&env, &id);
        assert_eq!(st["status"], "COMPLETED", "{name}");
        assert_eq!(stage(&st, "first")["attempts"], 1, "{name}: first ran once");
        assert_eq!(stage(&st, "slow")["attempts"], 2, "{name}: slow ran again");
        assert_eq!(
            events(&env, &id, "pipeline.agent_interrupted").len(),
            1,
            "{name}"
        );
    }
}

#[test]
fn validate_and_spawn_refuse_a_cyclic_plan_with_the_cycle_path() {
    let env = TestEnv::new();
    write(
        &env,
        "cycle.yaml",
        "name: cyc\nobjective: loop\nstages:\n  - name: a\n    command: [x]\n    requires: [c]\n  - name: b\n    command: [x]\n    requires: [a]\n  - name: c\n    command: [x]\n    requires: [b, d]\n",
    );
    let v = env.sh("\"$PIPELINE\" validate cycle.yaml");
    assert_eq!(v.code, 64, "{}", v.stderr);
    let all = format!("{}{}", v.stdout, v.stderr);
    assert!(
        all.contains("cycle.yaml:6:15: stages.0.requires: cycle: a (line 4) → c (line 10) → b (line 7) → a (line 4)"),
        "{all}"
    );
    assert!(
        all.contains("stages.2.requires.1: unknown stage `d`"),
        "{all}"
    );
    let s = env.sh("\"$PIPELINE\" spawn --plan cycle.yaml");
    assert_eq!(s.code, 64, "{}", s.stderr);
    assert!(s.stderr.contains("cycle: a"), "{}", s.stderr);
    assert!(
        env.run("pipeline", &["list", "--json"]).expect(0).json() == serde_json::json!([]),
        "nothing spawned"
    );
}

/// On the embedded default the decider is the OS account of the process's
/// uid: `USER=ana LOGNAME=ana` does not make root (the tests' account) ana.
#[test]
fn the_os_account_decides_a_gate_not_user() {
    let mut env = TestEnv::new();
    env.set("AGOV_LEASE_TTL", "2s")
        .set("USER", "ana")
        .set("LOGNAME", "ana");
    with_examples(&env);
    let me = crate::common::me();
    assert_ne!(
        me, "user:ana",
        "the tests must not run as an account named ana"
    );
    let plan = std::fs::read_to_string(env.dir.path().join("examples/plans/staged.yaml"))
        .unwrap()
        .replace(
            "    timeout: 1h\n",
            "    timeout: 1h\n    approvers: [ana]\n",
        );
    write(&env, "staged.yaml", &plan);
    let (_, id) = spawn_in_background(&env, "staged.yaml");
    wait_for_gate(&env, &id, "approve");
    let r = env.run("pipeline", &["approve", &id, "--stage", "approve"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("{me} may not decide")),
        "{}",
        r.stderr
    );
    assert!(events(&env, &id, "pipeline.gate_approve").is_empty());
    env.run("pipeline", &["revoke", &id, "--reason", "test over"])
        .expect(0);
}

#[test]
fn with_a_vault_token_the_approver_is_its_vault_identity() {
    let mut env = crate::ledger_vault::governor_env();
    let tenant = agov_testkit::unique("t");
    env.set("AGOV_RUNTIME_URL", &agov_testkit::shared_redis().url())
        .install_tenant(&tenant)
        .set("AGOV_LEASE_TTL", "2s")
        .set("USER", "ana");
    with_examples(&env);
    let plan = std::fs::read_to_string(env.dir.path().join("examples/plans/staged.yaml"))
        .unwrap()
        .replace(
            "    timeout: 1h\n",
            "    timeout: 1h\n    approvers: [ana-ops, ana]\n",
        );
    write(&env, "staged.yaml", &plan);
    let (_, id) = spawn_in_background(&env, "staged.yaml");
    wait_for_gate(&env, &id, "approve");
    let bao = agov_testkit::shared_bao();
    // Without VAULT_TOKEN the identity is agov's own (its AppRole login),
    // which is no operator; USER=ana does not count with Vault configured.
    let ana = env.run("pipeline", &["approve", &id, "--stage", "approve"]);
    assert_eq!(ana.code, 3, "{}", ana.stderr);
    assert!(
        ana.stderr.contains("may not decide-gate") && ana.stderr.contains("agov-operator"),
        "{}",
        ana.stderr
    );
    // A personal token named ana-ops without the agov-operator policy: exit
    // 3 with a hint naming the policy, also when Vault is configured only
    // in the config file (no VAULT_ADDR to unset and fall back from).
    let plain = crate::ledger_vault::token_with(bao, "ana-ops", &["default"]);
    let refused = env.sh(&format!(
        "VAULT_TOKEN={plain} \"$PIPELINE\" approve {id} --stage approve"
    ));
    assert_eq!(refused.code, 3, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("`ana-ops` may not decide-gate")
            && refused.stderr.contains("hint:")
            && refused.stderr.contains("agov-operator"),
        "{}",
        refused.stderr
    );
    std::fs::write(
        env.dir.path().join("vault.toml"),
        format!(
            "tenant = \"{tenant}\"\n[vault]\naddr = \"{}\"\n",
            bao.addr()
        ),
    )
    .unwrap();
    let from_file = env.sh(&format!(
        "unset VAULT_ADDR; VAULT_TOKEN={plain} \"$PIPELINE\" --config vault.toml approve {id} --stage approve"
    ));
    assert_eq!(from_file.code, 3, "{}", from_file.stderr);
    assert!(
        from_file.stderr.contains("agov-operator"),
        "{}",
        from_file.stderr
    );
    assert!(events(&env, &id, "pipeline.gate_approve").is_empty());
    // ...an operator's token (display name ana-ops, the agov-operator policy
    // only) decides, recorded as its Vault identity.
    let token = crate::ledger_vault::token_with(bao, "ana-ops", &["agov-operator"]);
    let ok = env
        .sh(&format!(
            "VAULT_TOKEN={token} \"$PIPELINE\" approve {id} --stage approve --json"
        ))
        .expect(0)
        .json();
    assert_eq!(ok["by"], "vault:ana-ops", "{ok}");
    assert_eq!(background_exit_code(&env), 0);
    let st = status(&env, &id);
    assert_eq!(
        stage(&st, "approve")["gate"]["decision"]["by"],
        "vault:ana-ops"
    );
    assert_eq!(
        events(&env, &id, "pipeline.gate_approve")[0]["actor"],
        "vault:ana-ops"
    );
}

#[test]
fn plan_variables_fill_commands_and_objectives_and_spawn_var_overrides_them() {
    let env = TestEnv::new();
    with_examples(&env);
    write(
        &env,
        "vars.yaml",
        "name: vars\nobjective: deploy to ${target}\nvariables:\n  target: staging\n  cost: cheap\nstages:\n  - name: note\n    command:\n      - bash\n      - -c\n      - echo ${target} ${cost} '$${x}' > \"$AGOV_OUTPUT_DIR/target\" && exec bash examples/agents/stage.sh ok\n",
    );
    env.sh("\"$PIPELINE\" validate vars.yaml").expect(0);
    let typo = env.sh("\"$PIPELINE\" validate vars.yaml --var tagret=prod");
    assert_eq!(typo.code, 64, "{}", typo.stderr);
    assert!(
        typo.stdout.contains(
            "--var tagret: the plan declares no variable `tagret` (it declares cost, target)"
        ),
        "{}",
        typo.stdout
    );
    let (run, id) = spawn(&env, "vars.yaml --var target=production");
    run.expect(0);
    let st = status(&env, &id);
    assert_eq!(st["objective"], "deploy to production");
    let written = std::fs::read_to_string(
        env.data()
            .join("pipelines")
            .join(&id)
            .join("stage-note")
            .join("target"),
    )
    .unwrap();
    assert_eq!(written, "production cheap ${x}\n");

    write(
        &env,
        "unknown.yaml",
        "name: u\nobjective: x\nstages:\n  - name: a\n    command: [echo, '${nowhere}']\n",
    );
    let bad = env.sh("\"$PIPELINE\" validate unknown.yaml");
    assert_eq!(bad.code, 64, "{}", bad.stderr);
    assert!(
        bad.stdout
            .contains("unknown.yaml:5:21: stages.0.command.1: unknown variable `nowhere`"),
        "{}",
        bad.stdout
    );
}

#[test]
fn stages_can_be_marketplace_templates() {
    let env = TestEnv::new();
    with_examples(&env);
    std::fs::create_dir_all(env.dir.path().join("tpl")).unwrap();
    for (name, role) in [("builder", "alpha"), ("checker", "beta")] {
        write(
            &env,
            &format!("tpl/{name}.yaml"),
            &format!(
                "name: {name}\nversion: 1.2.0\ndescription: a {name} stage\nrole: {role}\ncommand: [bash, examples/agents/stage.sh, ok]\ntier: 0\ndeliverables: [result.json]\n"
            ),
        );
    }
    env.sh("\"$PIPELINE\" templates add tpl -q").expect(0);
    write(
        &env,
        "tpl.yaml",
        "name: from-templates\nobjective: build and check\nstages:\n  - name: build\n    template: builder\n  - name: check\n    template: checker@1.2.0\n    requires: [build]\n",
    );
    env.sh("\"$PIPELINE\" validate tpl.yaml").expect(0);
    let wrong = std::fs::read_to_string(env.dir.path().join("tpl.yaml"))
        .unwrap()
        .replace("template: builder\n", "template: builder\n    role: beta\n");
    write(&env, "wrong.yaml", &wrong);
    let bad = env.sh("\"$PIPELINE\" validate wrong.yaml");
    assert_eq!(bad.code, 64, "{}", bad.stderr);
    assert!(
        bad.stdout
            .contains("stages.0.role: `builder@1.2.0` is a alpha template, not beta"),
        "{}",
        bad.stdout
    );
    let (run, id) = spawn(&env, "tpl.yaml");
    run.expect(0);
    let st = status(&env, &id);
    assert_eq!(st["templates"]["build"], "builder@1.2.0");
    assert_eq!(st["templates"]["check"], "checker@1.2.0");
    assert_eq!(stage(&st, "check")["status"], "completed");
    // The check stage ran as beta, with the template's deliverable.
    let file = env
        .data()
        .join("pipelines")
        .join(&id)
        .join("stage-check")
        .join("result.json");
    assert!(file.exists(), "{}", file.display());
}

/// The pipeline DSL of the reference's architecture document, as written.
const REFERENCE_DSL: &str = include_str!("../fixtures/reference/pipeline-dsl.yaml");

#[test]
fn the_reference_dsl_runs_its_agents_as_stored_templates_and_waits_at_its_gate() {
    for (name, env) in both() {
        with_examples(&env);
        write(&env, "dsl.yaml", REFERENCE_DSL);
        // Its agents are stored templates: missing ones are named where the
        // DSL names them.
        let r = env.sh("\"$PIPELINE\" validate dsl.yaml").expect(64);
        assert!(
            r.stdout
                .contains("dsl.yaml:5:16: stages.0.agent: unknown agent")
                && r.stdout.contains("`planner`")
                && r.stdout.contains("dsl.yaml:11:16: stages.2.agent"),
            "{name}: {}",
            r.stdout
        );
        for (agent, args) in [("planner", "ok, terraform-plan"), ("executor", "ok")] {
            write(
                &env,
                &format!("{agent}.yaml"),
                &format!(
                    "name: {agent}\nversion: 1.0.0\ndescription: the reference DSL's {agent}\n\
                     role: alpha\n\
                     driver: command\ncommand: [bash, examples/agents/stage.sh, {args}]\ntier: 0\n"
                ),
            );
            env.sh(&format!("\"$PIPELINE\" templates add {agent}.yaml"))
                .expect(0);
        }
        env.sh("\"$PIPELINE\" validate dsl.yaml").expect(0);
        let (_, id) = spawn_in_background(&env, "dsl.yaml");
        let st = wait_for_gate(&env, &id, "review");
        assert_eq!(st["plan"], "infrastructure-deploy", "{name}: {st:#}");
        assert_eq!(stage(&st, "plan")["status"], "completed", "{name}");
        assert_eq!(stage(&st, "execute")["status"], "pending", "{name}");
        let digest = stage(&st, "review")["gate"]["digest"]
            .as_str()
            .unwrap()
            .to_string();
        env.run(
            "pipeline",
            &["approve", &id, "--stage", "review", "--digest", &digest],
        )
        .expect(0);
        assert_eq!(background_exit_code(&env), 0, "{name}");
        let st = status(&env, &id);
        assert_eq!(st["status"], "COMPLETED", "{name}");
        assert_eq!(stage(&st, "execute")["status"], "completed", "{name}");
        let artifacts = env.run("pipeline", &["artifacts", &id]).expect(0).stdout;
        assert!(artifacts.contains("terraform-plan"), "{name}: {artifacts}");
    }
}
