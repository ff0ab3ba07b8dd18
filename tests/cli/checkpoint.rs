//! The `checkpoint` tool: taking checkpoints and the briefing after a reset.

use crate::common::TestEnv;

fn in_dir(env: &TestEnv, dir: &std::path::Path, cmd: &str) -> crate::common::Run {
    env.sh(&format!("cd '{}' && {cmd}", dir.display()))
}

#[test]
fn load_briefs_on_the_checkpoint_and_everything_since() {
    let env = TestEnv::new();
    let work = env.dir.path().join("work");
    std::fs::create_dir_all(work.join("api")).unwrap();
    let r = in_dir(
        &env,
        &work,
        "\"$BUGS\" log -m 'lock leak' --severity critical && \"$STATUS\" update api --phase in_progress --task t1",
    );
    assert_eq!(r.code, 0, "{r:?}");
    let c1 = in_dir(
        &env,
        &work,
        "\"$CHECKPOINT\" now --notes 'parser done; next: recovery' --json",
    );
    let c1: serde_json::Value = serde_json::from_str(&c1.stdout).unwrap();
    assert_eq!(c1["id"], "c1");
    assert_eq!(c1["snapshot"]["bugs"]["open_by_severity"]["critical"], 1);
    assert_eq!(c1["snapshot"]["status"]["dirs"][0]["path"], "api");
    assert!(
        c1["snapshot"]["workdir"]["path"]
            .as_str()
            .unwrap()
            .ends_with("work")
    );

    let r = in_dir(
        &env,
        &work,
        "\"$BUGS\" log -m 'token renewal fails' --severity high && \"$BUGS\" claim b1 --agent alpha && \
         \"$STATUS\" update api --phase complete --done t1 && \"$LEDGER\" note -m 'handing over to beta'",
    );
    assert_eq!(r.code, 0, "{r:?}");
    let load = env.run("checkpoint", &["load", "--json"]).expect(0).json();
    assert_eq!(load["checkpoint"]["id"], "c1");
    assert_eq!(load["since"]["events"], 4);
    assert_eq!(
        load["since"]["new_bugs"][0]["summary"],
        "b2 logged: token renewal fails"
    );
    assert_eq!(
        load["since"]["bug_changes"][0]["summary"],
        "b1 claimed by alpha"
    );
    assert!(
        load["since"]["status_changes"][0]["summary"]
            .as_str()
            .unwrap()
            .contains("in_progress → complete; ticked "),
        "{}",
        load["since"]["status_changes"]
    );
    assert_eq!(load["since"]["notes"][0]["summary"], "handing over to beta");
    assert_eq!(load["now"]["open_by_severity"]["high"], 1);
    assert_eq!(load["now"]["in_progress"][0]["assignee"], "alpha");

    let human = env.run("checkpoint", &["load"]).expect(0).stdout;
    for line in [
        "notes: parser done; next: recovery",
        "since then: 4 event(s)",
        "b1 claimed by alpha",
        "now: bugs 2 active",
    ] {
        assert!(human.contains(line), "missing `{line}` in:\n{human}");
    }
}

#[test]
fn timeline_show_diff_prune() {
    let env = TestEnv::new();
    env.run("checkpoint", &["now", "-n", "one", "--no-sweep"])
        .expect(0);
    env.run("bugs", &["log", "-m", "x", "--severity", "high"])
        .expect(0);
    env.run("checkpoint", &["now", "-n", "two", "--no-sweep"])
        .expect(0);
    let t = env
        .run("checkpoint", &["timeline", "--json"])
        .expect(0)
        .json();
    assert_eq!(
        t.as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        vec!["c2", "c1"]
    );
    assert_eq!(
        env.run("checkpoint", &["show", "c1", "--json"])
            .expect(0)
            .json()["notes"],
        "one"
    );
    let d = env
        .run("checkpoint", &["diff", "c1", "c2", "--json"])
        .expect(0)
        .json();
    assert_eq!(d["bugs_active"], serde_json::json!([0, 1]));
    assert_eq!(d["open_by_severity"]["high"], serde_json::json!([0, 1]));
    assert_eq!(
        env.run("checkpoint", &["prune", "--keep", "1", "--json"])
            .expect(0)
            .json()["deleted"],
        1
    );
    env.run("checkpoint", &["show", "c1"]).expect(1);
    env.run("checkpoint", &["prune"]).expect(64);
    env.run("checkpoint", &["prune", "--older-than", "soon"])
        .expect(64);
    env.run("checkpoint", &["show", "x1"]).expect(64);
    let v = env.run("ledger", &["verify", "--json"]).expect(0).json();
    assert_eq!(v["ok"], true, "pruning keeps the ledger verifiable");
}

#[test]
fn load_without_a_checkpoint_still_briefs() {
    let env = TestEnv::new();
    env.run("ledger", &["note", "-m", "first day"]).expect(0);
    let r = env.run("checkpoint", &["load"]).expect(0);
    assert!(
        r.stdout.contains("no checkpoint yet") && r.stdout.contains("first day"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("checkpoint now"), "{}", r.stderr);
    let j = env.run("checkpoint", &["load", "--json"]).expect(0).json();
    assert!(j["checkpoint"].is_null());
}

#[test]
fn an_unavailable_runtime_store_degrades_the_snapshot_instead_of_failing() {
    let mut env = TestEnv::new();
    env.set("AGOV_RUNTIME_URL", "redis://127.0.0.1:9/0");
    let cp = env
        .run("checkpoint", &["now", "--no-sweep", "--json"])
        .expect(0)
        .json();
    assert!(
        cp["snapshot"]["runtime"]["error"]
            .as_str()
            .unwrap()
            .contains("unavailable"),
        "{cp}"
    );
}

#[test]
fn runtime_agents_and_pipelines_are_captured_from_redis() {
    use agov_runtime::RuntimeStore;
    let server = agov_testkit::shared_redis();
    let ns = agov_testkit::unique("cp:");
    let store = agov_runtime::RedisStore::connect(&server.url(), None, &ns).unwrap();
    store
        .hset("t:default:agent:alpha:state", "phase", b"EXECUTE")
        .unwrap();
    store
        .hset("t:default:agent:alpha:state", "tier", b"2")
        .unwrap();
    store
        .hset("t:other:agent:mallory:state", "phase", b"PLAN")
        .unwrap();
    let mut env = TestEnv::new();
    env.set("AGOV_RUNTIME_URL", &server.url());
    std::fs::create_dir_all(env.home()).unwrap();
    std::fs::write(
        env.home().join("config.toml"),
        format!("[runtime]\nnamespace = \"{ns}\"\n"),
    )
    .unwrap();
    crate::pipelines::with_examples(&env);
    env.sh("\"$PIPELINE\" spawn --plan examples/plans/disagree.yaml -q")
        .expect(2);
    let snap = env
        .run("checkpoint", &["report", "--no-sweep", "--json"])
        .expect(0)
        .json();
    assert_eq!(snap["runtime"]["backend"], "redis");
    assert_eq!(snap["runtime"]["agents"][0]["id"], "alpha");
    assert_eq!(snap["runtime"]["agents"][0]["fields"]["phase"], "EXECUTE");
    let pipeline = &snap["runtime"]["pipelines"][0]["fields"];
    assert_eq!(pipeline["status"], "CONSENSUS_FAILED", "{pipeline}");
    assert_eq!(pipeline["agents"], "alpha:completed,beta:completed");
    assert!(
        pipeline["next"]
            .as_str()
            .unwrap()
            .contains("pipeline consensus fallback"),
        "{pipeline}"
    );
    let agents: Vec<&str> = snap["runtime"]["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        agents,
        ["alpha", "disagree-alpha", "disagree-beta"],
        "another tenant's agent is not shown"
    );
}

#[test]
fn memory_entries_are_captured_and_briefed() {
    let env = TestEnv::new();
    env.run_with_stdin(
        "memory",
        &["log", "--title", "terraform plan", "--tag", "tf"],
        Some(b"Plan: 3 to add\n"),
    )
    .expect(0);
    let c1 = env
        .run("checkpoint", &["now", "--no-sweep", "--json"])
        .expect(0)
        .json();
    let memory = &c1["snapshot"]["memory"];
    assert_eq!(
        (memory["entries"].as_u64(), memory["bytes"].as_u64()),
        (Some(1), Some(15))
    );
    assert_eq!(memory["recent"][0]["title"], "terraform plan");
    env.run_with_stdin(
        "memory",
        &["log", "--title", "apply output"],
        Some(b"Apply complete\n"),
    )
    .expect(0);
    env.run("memory", &["rm", "m1"]).expect(0);
    let load = env.run("checkpoint", &["load", "--json"]).expect(0).json();
    let items: Vec<&str> = load["since"]["memory"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["summary"].as_str().unwrap())
        .collect();
    assert_eq!(
        items,
        [
            "m2 stored: apply output (15 bytes)",
            "m1 removed: terraform plan"
        ]
    );
    let human = env
        .run("checkpoint", &["report", "--no-sweep"])
        .expect(0)
        .stdout;
    assert!(
        human.contains("memory: 1 entry (15 B); newest: m2 apply output"),
        "{human}"
    );
}

#[test]
fn report_handoff_writes_markdown_a_person_reads_and_an_agent_parses() {
    let env = TestEnv::new();
    let dir = env.dir.path();
    std::fs::write(
        dir.join("p.json"),
        r#"{"agent_id":"scout","task_id":"migrate-db","objective":"o"}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("a.sh"),
        r#"echo '{"type":"phase","phase":"PREFLIGHT"}'; echo '{"type":"step","name":"read the schema"}'; echo '{"type":"phase","phase":"VERIFY"}'"#,
    )
    .unwrap();
    env.sh("\"$PIPELINE\" agent run --packet p.json -- bash a.sh")
        .expect(3);
    env.run(
        "bugs",
        &[
            "log",
            "-m",
            "migration drops a column",
            "--severity",
            "critical",
        ],
    )
    .expect(0);
    env.sh("\"$CHECKPOINT\" report --no-sweep --handoff HANDOFF.md >/dev/null")
        .expect(0);
    let md = std::fs::read_to_string(dir.join("HANDOFF.md")).unwrap();
    for needle in [
        "# Handoff report",
        "## Where things stand",
        "## Bugs to look at",
        "migration drops a column",
        "## Agents",
        "### Task `migrate-db` (agent `scout`)",
        "- Last phase: PREFLIGHT, last step: read the schema",
        "## Machine-readable",
    ] {
        assert!(md.contains(needle), "missing `{needle}` in:\n{md}");
    }
    let json = md
        .split("```json\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .unwrap();
    let doc: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(doc["handoffs"][0]["task_id"], "migrate-db");
    assert_eq!(doc["agents"][0]["revocations"], 1);
    assert_eq!(doc["snapshot"]["bugs"]["open_by_severity"]["critical"], 1);
}

/// The briefing after a reset hides nothing that needs a person, whatever
/// `--per-group` cuts (issue 19, item 3): a pipeline waiting for a
/// fallback, a revoked agent and a critical bug are always shown with the
/// command that settles them; other groups say how much they left out;
/// states and changes read as sentences; a STATUS.md edited by hand since
/// the checkpoint is noticed from the file itself.
#[test]
fn the_briefing_shows_everything_that_needs_a_person_whatever_the_limit() {
    for (name, env) in crate::pipelines::both() {
        crate::pipelines::with_examples(&env);
        let dir = env.dir.path();
        std::fs::create_dir_all(dir.join("done")).unwrap();
        std::fs::create_dir_all(dir.join("manual")).unwrap();
        env.sh("\"$STATUS\" update --phase in_progress --task 'write it' done >/dev/null && \"$STATUS\" update --phase in_progress manual >/dev/null")
            .expect(0);
        env.sh("\"$CHECKPOINT\" now -n 'before the break'")
            .expect(0);
        // A pipeline that ends without consensus, and a revoked agent.
        std::fs::write(dir.join("docs/todo.md"), "TODO\n").unwrap();
        let (run, id) = crate::pipelines::spawn(&env, "examples/plans/disagree.yaml");
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        env.run(
            "pipeline",
            &["agents", "revoke", "rogue-1", "--reason", "went rogue"],
        )
        .expect(0);
        env.run(
            "bugs",
            &["log", "-m", "prod is down", "--severity", "critical"],
        )
        .expect(0);
        for i in 0..12 {
            env.run("ledger", &["note", "-m", &format!("note {i}")])
                .expect(0);
        }
        // A task ticked through `status update`; another file edited by hand.
        env.sh("\"$STATUS\" update --done 1 done >/dev/null")
            .expect(0);
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let manual = dir.join("manual/STATUS.md");
        let text = std::fs::read_to_string(&manual).unwrap();
        std::fs::write(&manual, format!("{text}\n- [ ] added by hand\n")).unwrap();

        let r = env.sh("\"$CHECKPOINT\" load --per-group 1").expect(0);
        let out = &r.stdout;
        for needle in [
            &format!("{id} CONSENSUS_FAILED, waiting for a fallback") as &str,
            &format!("pipeline consensus fallback {id} --action"),
            "agent rogue-1 is revoked: went rogue",
            "pipeline agents reinstate rogue-1",
            "[critical] is open: prod is down",
            "… 11 more (`--per-group N`",
            "ticked write it",
            &format!("{id} RUNNING →"),
            "manual/STATUS.md",
        ] {
            assert!(out.contains(needle), "{name}: no `{needle}` in\n{out}");
        }
        assert!(
            !out.contains("done/STATUS.md"),
            "{name}: an update through `status update` is not a hand edit\n{out}"
        );
        assert!(!out.contains("in_progress → in_progress"), "{name}\n{out}");
        let doc = env
            .sh("\"$CHECKPOINT\" load --per-group 1 --json")
            .expect(0)
            .json();
        let kinds: Vec<&str> = doc["needs_you"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["kind"].as_str().unwrap())
            .collect();
        for k in ["fallback", "revoked_agent", "critical_bug"] {
            assert!(kinds.contains(&k), "{name}: {kinds:?}");
        }
        assert_eq!(
            doc["since"]["more"]["notes"], 11,
            "{name}: {}",
            doc["since"]
        );
        assert!(
            doc["edited_status"]
                .to_string()
                .contains("manual/STATUS.md"),
            "{name}: {}",
            doc["edited_status"]
        );
    }
}

#[test]
fn an_ended_agent_shows_no_token_time_and_a_checkpoint_names_what_it_counts() {
    let env = TestEnv::new();
    let dir = env.dir.path();
    std::fs::write(
        dir.join("p.json"),
        r#"{"agent_id":"done-1","task_id":"t","objective":"o"}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("a.sh"),
        "for p in PREFLIGHT PLAN EXECUTE VERIFY PACKAGE REPORT; do echo \"{\\\"type\\\":\\\"phase\\\",\\\"phase\\\":\\\"$p\\\"}\"; done",
    )
    .unwrap();
    env.sh("\"$PIPELINE\" agent run --packet p.json -- bash a.sh")
        .expect(0);
    let taken = env.run("checkpoint", &["now", "--notes", "n"]).expect(0);
    assert!(
        taken.stdout.contains("c1 taken (bugs: 0 active"),
        "{}",
        taken.stdout
    );
    let load = env.run("checkpoint", &["load"]).expect(0);
    let line = load
        .stdout
        .lines()
        .find(|l| l.contains("agent done-1"))
        .unwrap_or_else(|| panic!("{}", load.stdout))
        .to_string();
    assert!(line.contains("completed"), "{line}");
    assert!(!line.contains("left"), "its token was given back: {line}");
}

/// A repository whose config names a program (`core.fsmonitor`, which an
/// agent that may write the working tree may set): a checkpoint reads git
/// without running it, outside any sandbox as it is.
#[test]
fn a_checkpoint_reads_git_without_running_the_repository_s_fsmonitor() {
    let env = TestEnv::new();
    let ran = env.dir.path().join("ran");
    std::fs::write(
        env.dir.path().join("mon.sh"),
        format!("#!/bin/sh\necho \"$@\" >> '{}'\n", ran.display()),
    )
    .unwrap();
    env.sh(
        "set -e; git init -q .; git config user.name a; git config user.email a@b; \
         echo x > f; git add f; git commit -qm one; chmod +x mon.sh; \
         git config core.fsmonitor \"$PWD/mon.sh\"",
    )
    .expect(0);
    // git itself runs it.
    env.sh("git status --porcelain").expect(0);
    assert!(ran.exists(), "the fsmonitor did not run for git itself");
    std::fs::remove_file(&ran).unwrap();
    let now = env
        .sh("\"$CHECKPOINT\" now -n git --no-sweep --json")
        .expect(0)
        .json();
    let workdir = now["snapshot"]["workdir"]["path"]
        .as_str()
        .unwrap_or_default();
    assert_eq!(
        std::path::Path::new(workdir),
        env.dir.path().canonicalize().unwrap(),
        "{now}"
    );
    assert!(!ran.exists(), "the repository's fsmonitor ran");
    let git = &now["snapshot"]["workdir"]["git"];
    assert_eq!(git["head"].as_str().map(str::len), Some(40), "{now}");
}
