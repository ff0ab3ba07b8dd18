//! Multi-agent pipelines end to end through the `pipeline` binary: the
//! shipped examples on the embedded default and against OpenBao + Redis,
//! a driver killed with kill -9 and taken over, and revocation checked with
//! OpenBao's own lookup.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{Run, TestEnv};

/// The embedded default, and OpenBao + Redis (a tenant of its own).
pub(crate) fn both() -> Vec<(&'static str, TestEnv)> {
    let mut embedded = TestEnv::new();
    embedded.set("AGOV_LEASE_TTL", "2s");
    let mut real = crate::ledger_vault::vault_env();
    real.set("AGOV_RUNTIME_URL", &agov_testkit::shared_redis().url())
        .set("AGOV_TENANT", &agov_testkit::unique("t"))
        .set("AGOV_LEASE_TTL", "2s");
    vec![("embedded", embedded), ("openbao+redis", real)]
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// The repository's examples in the environment's folder, with a Markdown
/// file holding one good and two broken relative links.
pub(crate) fn with_examples(env: &TestEnv) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    copy_dir(&repo.join("examples"), &env.dir.path().join("examples"));
    let docs = env.dir.path().join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(
        docs.join("guide.md"),
        "# Guide\n\nSee [the plan](../examples/plans/quickstart.yaml), [gone](missing.md)\nand [also gone](../nowhere/x.md#part), [web](https://example.com).\n",
    )
    .unwrap();
}

pub(crate) fn spawn(env: &TestEnv, plan: &str) -> (Run, String) {
    let run = env.sh(&format!("\"$PIPELINE\" spawn --plan {plan} --json"));
    let lines = run.json_lines();
    let id = lines
        .first()
        .and_then(|l| l["pipeline"].as_str())
        .unwrap_or_else(|| panic!("no pipeline id\n{}\n{}", run.stdout, run.stderr))
        .to_string();
    (run, id)
}

pub(crate) fn status(env: &TestEnv, id: &str) -> Value {
    env.run("pipeline", &["status", id, "--json"])
        .expect(0)
        .json()
}

pub(crate) fn board(env: &TestEnv, id: &str) -> Value {
    env.run("pipeline", &["blackboard", id, "--json"])
        .expect(0)
        .json()
}

pub(crate) fn events(env: &TestEnv, id: &str, action: &str) -> Vec<Value> {
    env.run(
        "ledger",
        &[
            "query",
            "--pipeline",
            id,
            "--action",
            action,
            "--limit",
            "1000",
            "--json",
        ],
    )
    .expect(0)
    .json()
    .as_array()
    .unwrap()
    .clone()
}

#[test]
fn the_quickstart_finds_the_broken_links_and_reaches_consensus() {
    for (name, env) in both() {
        with_examples(&env);
        let (run, id) = spawn(&env, "examples/plans/quickstart.yaml");
        let run = run.expect(0);
        let lines = run.json_lines();
        let last = lines.last().unwrap();
        assert_eq!(last["event"], "result", "{name}");
        assert_eq!(last["pipeline"]["status"], "COMPLETED", "{name}");
        let statuses: Vec<&str> = lines
            .iter()
            .filter(|l| l["event"] == "status")
            .map(|l| l["status"].as_str().unwrap())
            .collect();
        assert_eq!(
            statuses,
            ["RUNNING", "REPORT", "ORCHESTRATING", "COMPLETED"],
            "{name}"
        );
        let b = board(&env, &id);
        let alpha = b["solutions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["by"] == "alpha")
            .unwrap();
        assert_eq!(alpha["content"]["checked"], 3, "{name}: {alpha}");
        let broken: Vec<&str> = alpha["content"]["broken"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["target"].as_str().unwrap())
            .collect();
        assert_eq!(broken, ["missing.md", "../nowhere/x.md#part"], "{name}");
        let votes = b["consensus"].as_array().unwrap();
        assert_eq!(votes.len(), 2, "{name}");
        assert!(votes.iter().all(|v| v["vote"] == "ACCEPT"), "{name}");
        // Each vote is tied to the token its agent held, now revoked.
        let st = status(&env, &id);
        for role in ["alpha", "beta"] {
            let slot = &st["agents"][role];
            let vote = votes.iter().find(|v| v["role"] == role).unwrap();
            assert_eq!(vote["token_accessor"], slot["token_accessor"], "{name}");
            let look = env.run(
                "pipeline",
                &["token", "lookup", slot["token_accessor"].as_str().unwrap()],
            );
            assert_eq!(look.code, 3, "{name}: {role}'s token is revoked after EXIT");
        }
        assert!(st["token"]["revoked"].is_string(), "{name}: {st}");
        let report = std::fs::read_to_string(
            env.data()
                .join("pipelines")
                .join(&id)
                .join("beta/report.md"),
        )
        .unwrap();
        assert!(report.contains("docs/guide.md"), "{name}: {report}");
        let consensus = events(&env, &id, "pipeline.consensus");
        assert_eq!(consensus.len(), 1, "{name}");
        assert_eq!(consensus[0]["detail"]["reached"], true, "{name}");
        assert_eq!(events(&env, &id, "pipeline.vote").len(), 2, "{name}");
        if name == "embedded" {
            // (With Vault, seals live at one KV path that every test
            // installation on the shared server writes.)
            env.run("ledger", &["verify"]).expect(0);
        }
        // Settled pipelines are not listed as active.
        let active = env.run("pipeline", &["list", "--json"]).expect(0).json();
        assert_eq!(active.as_array().unwrap().len(), 0, "{name}");
        let all = env
            .run("pipeline", &["list", "--all", "--json"])
            .expect(0)
            .json();
        assert_eq!(
            all[0]["agents"],
            serde_json::json!({"alpha": "completed", "beta": "completed"}),
            "{name}: each agent's status by role"
        );
        let text = env.run("pipeline", &["status", &id]).expect(0).stdout;
        assert!(
            text.contains("votes: 2 accept, 0 reject, 0 abstain — every required agent voted\n"),
            "{name}: the counts are said once: {text}"
        );
    }
}

#[test]
fn results_are_named_in_the_summary_the_status_and_pipeline_artifacts() {
    for (name, env) in both() {
        with_examples(&env);
        let run = env
            .sh("\"$PIPELINE\" spawn --plan examples/plans/quickstart.yaml")
            .expect(0);
        let id = run.stdout.split_whitespace().next().unwrap().to_string();
        assert!(id.starts_with("p-"), "{name}: {}", run.stdout);
        let dir = env.data().join("pipelines").join(&id);
        let (links, report) = (dir.join("alpha/links.json"), dir.join("beta/report.md"));
        for (who, path) in [("alpha links.json", &links), ("beta report.md", &report)] {
            let line = format!("  deliverable {who}: {}\n", path.display());
            assert!(
                run.stdout.contains(&line),
                "{name}: the spawn summary names {who}: {}",
                run.stdout
            );
            let status = env.run("pipeline", &["status", &id]).expect(0).stdout;
            assert!(status.contains(&line), "{name}: so does status: {status}");
        }
        assert!(
            run.stdout.contains(&format!("`pipeline artifacts {id}`")),
            "{name}: {}",
            run.stdout
        );
        let st = status(&env, &id);
        let paths: Vec<&str> = st["deliverables"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["path"].as_str().unwrap())
            .collect();
        assert_eq!(
            paths,
            [links.to_str().unwrap(), report.to_str().unwrap()],
            "{name}: {st}"
        );

        // A file beyond the deliverables is listed too; a deliverable that
        // is gone is listed as missing.
        std::fs::write(dir.join("beta/notes.txt"), "scratch").unwrap();
        std::fs::remove_file(&links).unwrap();
        let listed = env
            .run("pipeline", &["artifacts", &id, "--json"])
            .expect(0)
            .json();
        crate::schemas::assert_shape("pipeline-artifacts.schema.json", &listed);
        let rows: Vec<(String, String, bool, bool)> = listed
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["agent"].as_str().unwrap().to_string(),
                    a["name"].as_str().unwrap().to_string(),
                    a["deliverable"].as_bool().unwrap(),
                    a["bytes"].is_u64(),
                )
            })
            .collect();
        let row =
            |a: &str, f: &str, d: bool, present: bool| (a.to_string(), f.to_string(), d, present);
        assert_eq!(
            rows,
            [
                row("alpha", "links.json", true, false),
                row("beta", "report.md", true, true),
                row("beta", "notes.txt", false, true),
            ],
            "{name}: {listed}"
        );
        let text = env.run("pipeline", &["artifacts", &id]).expect(0).stdout;
        assert!(
            text.contains(&report.display().to_string()) && text.contains("missing"),
            "{name}: {text}"
        );
        let gone = env
            .run("pipeline", &["artifacts", "p-0000000000"])
            .expect(1);
        assert!(
            gone.stderr.contains("no pipeline"),
            "{name}: {}",
            gone.stderr
        );
        if name == "embedded" {
            env.run("pipeline", &["--tenant", "other", "artifacts", &id])
                .expect(3);
        }
    }
}

#[test]
fn three_conflicts_spawn_gamma_which_mediates_and_votes() {
    for (name, env) in both() {
        with_examples(&env);
        let (run, id) = spawn(&env, "examples/plans/conflict.yaml");
        run.expect(0);
        let st = status(&env, &id);
        assert_eq!(st["gamma"]["reason"], "3 unresolved conflicts", "{name}");
        assert_eq!(st["agents"]["gamma"]["status"], "completed", "{name}");
        assert_eq!(st["tally"]["accepts"], 3, "{name}");
        assert_eq!(
            st["tally"]["required"],
            serde_json::json!(["alpha", "beta", "gamma"]),
            "{name}"
        );
        let b = board(&env, &id);
        let conflicts = b["conflicts"].as_array().unwrap();
        assert_eq!(conflicts.len(), 3, "{name}");
        assert!(
            conflicts.iter().all(|c| c["resolved_by"] == "gamma"),
            "{name}: {conflicts:?}"
        );
        let gamma = events(&env, &id, "pipeline.gamma");
        assert_eq!(gamma.len(), 1, "{name}");
        let mail = env
            .run("pipeline", &["messages", &id, "--to", "beta", "--json"])
            .expect(0)
            .json();
        assert_eq!(mail[0]["kind"], "PROPOSAL", "{name}: {mail}");
        assert_eq!(mail[0]["from"], "alpha", "{name}");
    }
}

#[test]
fn no_consensus_exits_2_and_the_fallbacks_work() {
    for (name, env) in both() {
        with_examples(&env);
        let (run, id) = spawn(&env, "examples/plans/disagree.yaml");
        let run = run.expect(2);
        assert!(run.stderr.contains("rejected by beta"), "{name}");
        assert!(run.stderr.contains("consensus fallback"), "{name}: hint");
        let st = status(&env, &id);
        assert_eq!(st["status"], "CONSENSUS_FAILED", "{name}");
        // Still listed: it waits for a person.
        let active = env.run("pipeline", &["list", "--json"]).expect(0).json();
        assert_eq!(active[0]["id"], id.as_str(), "{name}");

        let ctx_file = env.dir.path().join("context.json");
        env.run(
            "pipeline",
            &[
                "consensus",
                "fallback",
                &id,
                "--action",
                "download_log",
                "--output",
                ctx_file.to_str().unwrap(),
            ],
        )
        .expect(0);
        let ctx: Value = serde_json::from_slice(&std::fs::read(&ctx_file).unwrap()).unwrap();
        assert_eq!(ctx["votes"].as_array().unwrap().len(), 2, "{name}");
        assert!(!ctx["ledger"].as_array().unwrap().is_empty(), "{name}");
        assert_eq!(ctx["pipeline"]["status"], "CONSENSUS_FAILED", "{name}");

        // accept_partial needs an explicit yes, and records who said it.
        let no = env.run(
            "pipeline",
            &["consensus", "fallback", &id, "--action", "accept_partial"],
        );
        assert_eq!(no.code, 64, "{name}");
        assert_eq!(status(&env, &id)["status"], "CONSENSUS_FAILED", "{name}");
        env.run(
            "pipeline",
            &[
                "consensus",
                "fallback",
                &id,
                "--action",
                "accept_partial",
                "--yes",
            ],
        )
        .expect(0);
        let st = status(&env, &id);
        assert_eq!(st["status"], "COMPLETED", "{name}");
        let by = crate::ledger_vault::decider(name);
        assert_eq!(st["accepted_by"], by.as_str(), "{name}");
        let fb = events(&env, &id, "pipeline.fallback");
        assert_eq!(fb[0]["detail"]["accepted_by"], by.as_str(), "{name}");
        assert_eq!(fb[0]["actor"], by.as_str(), "{name}");
        // A fallback on a completed pipeline is refused.
        let again = env.run(
            "pipeline",
            &["consensus", "fallback", &id, "--action", "rerun_same"],
        );
        assert_eq!(again.code, 64, "{name}");

        // rerun_same: a new round in which the strict reviewer is satisfied.
        let (run, id2) = spawn(&env, "examples/plans/disagree.yaml");
        run.expect(2);
        let rerun = env.sh(&format!(
            "STRICT_BETA_MAX_TODOS=100 AGOV_AGENT_ENV=STRICT_BETA_MAX_TODOS \"$PIPELINE\" consensus fallback {id2} --action rerun_same --json"
        ));
        rerun.expect(0);
        let st = status(&env, &id2);
        assert_eq!(st["round"], 2, "{name}");
        assert_eq!(st["status"], "COMPLETED", "{name}");
        let round1 = env
            .run("pipeline", &["consensus", "status", &id2, "--json"])
            .expect(0)
            .json();
        assert_eq!(round1["tally"]["reached"], true, "{name}");
        let all = env
            .run("pipeline", &["blackboard", &id2, "--round", "1", "--json"])
            .expect(0)
            .json();
        assert!(
            all["consensus"]
                .as_array()
                .unwrap()
                .iter()
                .any(|v| v["vote"] == "REJECT"),
            "{name}: round 1's votes are kept"
        );
    }
}

#[test]
fn the_llm_example_reaches_consensus_through_an_openai_compatible_api() {
    let fake = agov_testkit::llm::FakeLlm::start();
    for (name, mut env) in both() {
        with_examples(&env);
        env.set("AGOV_LLM_BASE_URL", &fake.base_url())
            .set("AGOV_LLM_API_KEY", "sk-test-not-real")
            .set("AGOV_LLM_MODEL", "test/model");
        let (run, id) = spawn(&env, "examples/plans/llm-openrouter.yaml");
        let run = run.expect(0);
        assert!(!run.stdout.contains("sk-test-not-real"), "{name}");
        let b = board(&env, &id);
        assert_eq!(b["solutions"].as_array().unwrap().len(), 2, "{name}");
        assert_eq!(b["consensus"].as_array().unwrap().len(), 2, "{name}");
        assert!(
            std::fs::metadata(
                env.data()
                    .join("pipelines")
                    .join(&id)
                    .join("alpha/findings.md")
            )
            .is_ok(),
            "{name}"
        );
    }
    let seen = fake.seen();
    assert!(seen.iter().any(|s| s.body.contains("VOTE")));
    assert!(
        seen.iter()
            .all(|s| s.authorization == "Bearer sk-test-not-real")
    );
}

/// A plan whose BETA works for a few seconds (heartbeating), for killing
/// its driver half-way.
pub(crate) fn slow_plan(env: &TestEnv) {
    let dir = env.dir.path();
    std::fs::write(
        dir.join("slow.yaml"),
        "name: slow\nobjective: outlive a driver\nagents:\n  alpha: {command: [python3, quick.py]}\n  beta: {command: [python3, slow.py]}\n",
    )
    .unwrap();
    let head =
        "import os, sys, time\nsys.path.insert(0, 'examples/agents')\nfrom agov_agent import *\n";
    std::fs::write(
        dir.join("quick.py"),
        format!("{head}phase('PREFLIGHT'); phase('PLAN'); phase('EXECUTE')\npost('solutions', {{'alpha': 'found 2 things'}})\nphase('VERIFY'); phase('PACKAGE'); phase('REPORT')\nvote('ACCEPT', 'alpha is satisfied')\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("slow.py"),
        format!("{head}phase('PREFLIGHT'); phase('PLAN'); phase('EXECUTE')\nfor i in range(int(os.environ.get('SLOW_SECONDS', '4')) * 5):\n    say(type='heartbeat'); time.sleep(0.2)\npost('solutions', {{'beta': 'summarised 2 things'}})\nphase('VERIFY'); phase('PACKAGE'); phase('REPORT')\nvote('ACCEPT', 'beta is satisfied')\n"),
    )
    .unwrap();
}

/// `pipeline spawn --plan PLAN --json` in the background: returns the
/// driver's pid and the pipeline's id. Its output goes to spawn.out and
/// spawn.err, its exit code to spawn.rc when it ends.
pub(crate) fn spawn_in_background(env: &TestEnv, plan: &str) -> (String, String) {
    let started = env.sh(&format!(
        "(\"$PIPELINE\" spawn --plan {plan} --json > spawn.out 2> spawn.err & p=$!; echo $p > spawn.pid; wait $p; echo $? > spawn.rc) > /dev/null 2>&1 &"
    ));
    assert_eq!(started.code, 0, "{}", started.stderr);
    let (mut pid, mut id) = (String::new(), String::new());
    wait_for("the pipeline id", Duration::from_secs(30), || {
        let read = |f: &str| std::fs::read_to_string(env.dir.path().join(f)).unwrap_or_default();
        pid = read("spawn.pid").trim().to_string();
        if let Some(first) = read("spawn.out").lines().next() {
            id = serde_json::from_str::<Value>(first).unwrap()["pipeline"]
                .as_str()
                .unwrap()
                .to_string();
        }
        !id.is_empty() && !pid.is_empty()
    });
    (pid, id)
}

/// Waits for the driver [`spawn_in_background`] started to end; its exit code.
pub(crate) fn background_exit_code(env: &TestEnv) -> i32 {
    let rc = env.dir.path().join("spawn.rc");
    wait_for("the driver to exit", Duration::from_secs(60), || {
        std::fs::read_to_string(&rc).is_ok_and(|s| s.ends_with('\n'))
    });
    std::fs::read_to_string(&rc)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

pub(crate) fn wait_for(what: &str, limit: Duration, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < limit, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// What must be the same after a takeover as after an uninterrupted run.
fn outcome(env: &TestEnv, id: &str) -> Value {
    let st = status(env, id);
    let b = board(env, id);
    let mut solutions: Vec<Value> = b["solutions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| serde_json::json!([e["by"], e["content"]]))
        .collect();
    solutions.sort_by_key(|v| v.to_string());
    let votes: Vec<Value> = b["consensus"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| serde_json::json!([v["role"], v["vote"], v["reasoning"]]))
        .collect();
    serde_json::json!({
        "status": st["status"],
        "tally": st["tally"],
        "solutions": solutions,
        "votes": votes,
    })
}

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

/// An agent whose command cannot start, or that never speaks the protocol,
/// is a mistake in the plan: the pipeline fails with exit 1 and says what
/// to fix; exit 2 is kept for agents that ran and did not agree.
#[test]
fn agents_that_never_ran_fail_the_pipeline_as_an_error_not_a_disagreement() {
    for (name, env) in both() {
        std::fs::write(
            env.dir.path().join("broken.yaml"),
            "name: broken\nobjective: nothing\ntier: 0\ntimeout: 1m\nagents:\n  \
             alpha:\n    command: [./missing-agent.sh]\n  \
             beta:\n    command: [bash, -c, 'echo hello']\n\
             consensus:\n  required: [alpha, beta]\n",
        )
        .unwrap();
        let r = env.sh("\"$PIPELINE\" spawn --plan broken.yaml --json");
        assert_eq!(r.code, 1, "{name}: {}\n{}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains("agents that never ran")
                && r.stderr
                    .contains("alpha: it never started: its command was not found")
                && r.stderr.contains("beta: it exited")
                && r.stderr.contains("without speaking the protocol")
                && r.stderr
                    .contains("check each agent's `command` in the plan"),
            "{name}: {}",
            r.stderr
        );
        let id = r.json_lines()[0]["pipeline"].as_str().unwrap().to_string();
        let st = status(&env, &id);
        assert_eq!(st["status"], "FAILED", "{name}: {st}");
        assert_eq!(st["exit_code"], 1, "{name}: {st}");
    }
}

/// The reference's quick start on a fresh install: `spawn --tier 1` with
/// agents that earned nothing. A pipeline's tier is a ceiling: each agent
/// runs at the lower of it and what it earned, and the ledger says so.
#[test]
fn a_pipeline_tier_is_a_ceiling_for_agents_that_earned_less() {
    for (name, env) in both() {
        with_examples(&env);
        let r = env.sh("\"$PIPELINE\" spawn --plan examples/plans/quickstart.yaml --tier 1 --json");
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let id = r.json_lines()[0]["pipeline"].as_str().unwrap().to_string();
        let st = status(&env, &id);
        assert_eq!(st["tier"], 1, "{name}");
        for role in ["alpha", "beta"] {
            assert_eq!(st["agents"][role]["tier"], 0, "{name}: {st}");
        }
        let boots = env
            .run(
                "ledger",
                &["query", "--action", "agent.bootstrap", "--json"],
            )
            .expect(0)
            .json();
        for e in boots.as_array().unwrap() {
            assert_eq!(e["detail"]["ceiling"], 1, "{name}: {e}");
            assert_eq!(e["detail"]["earned"], 0, "{name}: {e}");
            assert_eq!(e["detail"]["tier"], 0, "{name}: {e}");
        }
    }
}

/// `send` to `all` (GAMMA → ALL in the reference) reaches every other agent
/// of the pipeline, once, and is ledgered with its recipients; it is not an
/// error against the sender's budget.
#[test]
fn a_message_to_all_reaches_every_other_agent() {
    for (name, env) in both() {
        let dir = env.dir.path();
        let agent = |extra: &str| {
            format!(
                r#"say() {{ printf '%s\n' "$1"; }}
for p in PREFLIGHT PLAN EXECUTE; do say "{{\"type\":\"phase\",\"phase\":\"$p\"}}"; done
{extra}
say '{{"type":"vote","vote":"ACCEPT","reasoning":"fine"}}'
for p in VERIFY PACKAGE REPORT; do say "{{\"type\":\"phase\",\"phase\":\"$p\"}}"; done
"#
            )
        };
        std::fs::write(
            dir.join("loud.sh"),
            agent(r#"say '{"type":"send","to":"all","kind":"FEEDBACK","body":"hello everyone"}'"#),
        )
        .unwrap();
        std::fs::write(dir.join("quiet.sh"), agent("")).unwrap();
        std::fs::write(
            dir.join("all.yaml"),
            "name: all\nobjective: talk\ntier: 0\ntimeout: 1m\nagents:\n  \
             alpha:\n    command: [bash, loud.sh]\n  beta:\n    command: [bash, quiet.sh]\n  \
             gamma:\n    command: [bash, quiet.sh]\n\
             gamma:\n  conflicts: 3\nconsensus:\n  required: [alpha, beta]\n",
        )
        .unwrap();
        let (run, id) = spawn(&env, "all.yaml");
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        for (role, expected) in [("beta", 1), ("gamma", 1), ("alpha", 0)] {
            let got = env
                .run("pipeline", &["messages", &id, "--to", role, "--json"])
                .expect(0)
                .json();
            assert_eq!(
                got.as_array().unwrap().len(),
                expected,
                "{name}: messages to {role}: {got}"
            );
        }
        let sent = env
            .run(
                "ledger",
                &["query", "--action", "pipeline.message", "--json"],
            )
            .expect(0)
            .json();
        let e = &sent.as_array().unwrap()[0]["detail"];
        assert_eq!(e["to"], "all", "{name}: {e}");
        assert_eq!(
            e["recipients"],
            serde_json::json!(["beta", "gamma"]),
            "{name}: {e}"
        );
        assert_eq!(
            status(&env, &id)["agents"]["alpha"]["status"],
            "completed",
            "{name}"
        );
    }
}

/// Solutions are proposals with ids (`alpha-r1-1`), votes name the proposal
/// they judge, `accept_partial` completes with the best-supported one, and
/// the blackboard's `final` section records how the round ended.
#[test]
fn accept_partial_completes_with_the_best_supported_proposal() {
    for (name, env) in both() {
        let dir = env.dir.path();
        let agent = |body: &str| {
            format!(
                r#"say() {{ printf '%s\n' "$1"; }}
for p in PREFLIGHT PLAN EXECUTE; do say "{{\"type\":\"phase\",\"phase\":\"$p\"}}"; done
{body}
for p in VERIFY PACKAGE REPORT; do say "{{\"type\":\"phase\",\"phase\":\"$p\"}}"; done
"#
            )
        };
        std::fs::write(
            dir.join("alpha.sh"),
            agent(
                r#"say '{"type":"post","section":"solutions","content":"plan A"}'
say '{"type":"post","section":"solutions","content":"plan A, revised"}'
say '{"type":"vote","vote":"ACCEPT","reasoning":"beta is right","proposal":"beta-r1-1"}'
say '{"type":"vote","vote":"ACCEPT","reasoning":"no such","proposal":"zeta-r1-9"}'"#,
            ),
        )
        .unwrap();
        std::fs::write(
            dir.join("beta.sh"),
            agent(
                r#"say '{"type":"post","section":"solutions","content":"plan B"}'
say '{"type":"vote","vote":"REJECT","reasoning":"not A","proposal":"alpha-r1-2"}'"#,
            ),
        )
        .unwrap();
        std::fs::write(
            dir.join("proposals.yaml"),
            "name: proposals\nobjective: choose\ntier: 0\ntimeout: 1m\nagents:\n  \
             alpha:\n    command: [bash, alpha.sh]\n  beta:\n    command: [bash, beta.sh]\n\
             consensus:\n  required: [alpha, beta]\n",
        )
        .unwrap();
        let (run, id) = spawn(&env, "proposals.yaml");
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        let board = env
            .run("pipeline", &["blackboard", &id, "--json"])
            .expect(0)
            .json();
        let ids: Vec<&str> = board["solutions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids.len(), 3, "{name}: {board}");
        for want in ["alpha-r1-1", "alpha-r1-2", "beta-r1-1"] {
            assert!(ids.contains(&want), "{name}: {ids:?}");
        }
        assert_eq!(
            board["final"][0]["content"]["outcome"], "CONSENSUS_FAILED",
            "{name}: {board}"
        );
        // A vote naming no proposal is an error against the voter's budget,
        // and its earlier vote stands.
        let errors = env
            .run("ledger", &["query", "--action", "agent.error", "--json"])
            .expect(0)
            .json();
        assert!(errors.to_string().contains("zeta-r1-9"), "{name}: {errors}");
        let r = env.run(
            "pipeline",
            &[
                "consensus",
                "fallback",
                &id,
                "--action",
                "accept_partial",
                "--yes",
            ],
        );
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        assert!(
            r.stdout.contains("proposal beta-r1-1"),
            "{name}: {}",
            r.stdout
        );
        let st = status(&env, &id);
        assert_eq!(st["accepted_proposal"], "beta-r1-1", "{name}: {st}");
        let fin = env
            .run(
                "pipeline",
                &["blackboard", &id, "--section", "final", "--json"],
            )
            .expect(0)
            .json();
        let record = &fin["final"][0]["content"];
        assert_eq!(record["outcome"], "COMPLETED", "{name}: {fin}");
        assert_eq!(record["how"], "accept_partial", "{name}: {fin}");
        assert_eq!(record["proposal"], "beta-r1-1", "{name}: {fin}");
    }
}
