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
        // The rerun was told how round 1 ended, in its agents' packets.
        let before = &st["previous_attempt"];
        assert_eq!(before["round"], 1, "{name}: {st:#}");
        assert_eq!(before["fallback"], "rerun_same", "{name}");
        assert!(
            before["failure"].as_str().is_some_and(|f| !f.is_empty()),
            "{name}: {before}"
        );
        let round2 = env
            .run("pipeline", &["blackboard", &id2, "--round", "2", "--json"])
            .expect(0)
            .json();
        let told = round2["solutions"]
            .as_array()
            .unwrap()
            .iter()
            .find_map(|p| p["content"].get("rerun_of").cloned())
            .unwrap_or_else(|| panic!("{name}: no rerun_of in {round2:#}"));
        assert_eq!(told["round"], 1, "{name}");
        assert_eq!(told["failure"], before["failure"], "{name}");
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

mod lifecycle;
mod rounds;
