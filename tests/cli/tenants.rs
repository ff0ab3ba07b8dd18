//! Tenant quotas from the config file: the highest tier a tenant may
//! request and how many of its pipelines run at once. A refusal is exit 3
//! and creates nothing.

use crate::common::TestEnv;

fn with_quota(max_tier: u8, max_pipelines: u32) -> TestEnv {
    let mut env = TestEnv::new();
    std::fs::create_dir_all(env.home()).unwrap();
    std::fs::write(
        env.home().join("config.toml"),
        format!("[tenants.acme]\nmax_tier = {max_tier}\nmax_pipelines = {max_pipelines}\n"),
    )
    .unwrap();
    env.set("AGOV_TENANT", "acme");
    env
}

#[test]
fn a_tier_above_the_tenants_quota_is_denied_everywhere() {
    let env = with_quota(1, 5);
    crate::pipelines::with_examples(&env);
    let denied = |r: crate::common::Run, what: &str| {
        assert_eq!(r.code, 3, "{what}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains("tenant acme may request tier 1 at most"),
            "{what}: {}",
            r.stderr
        );
        assert!(r.stderr.contains("[tenants.acme]"), "{what}: {}", r.stderr);
    };
    denied(
        env.sh("\"$PIPELINE\" spawn --plan examples/plans/quickstart.yaml --tier 2"),
        "spawn",
    );
    assert!(
        env.run("pipeline", &["list", "--all", "--json"])
            .expect(0)
            .json()
            .as_array()
            .unwrap()
            .is_empty(),
        "nothing was spawned"
    );
    denied(
        env.run("pipeline", &["token", "issue", "--tier", "2"]),
        "token issue",
    );
    denied(
        env.run("pipeline", &["agent", "exec", "--tier", "3", "--", "true"]),
        "agent exec",
    );
    denied(
        env.run(
            "pipeline",
            &["agents", "promote", "alpha-1", "--to", "2", "--approve"],
        ),
        "promote",
    );
    let packet = env.dir.path().join("packet.json");
    let text = std::fs::read_to_string(env.dir.path().join("examples/packets/alpha-research.json"))
        .unwrap();
    std::fs::write(&packet, text.replace("\"tier\": 0", "\"tier\": 2")).unwrap();
    let r = env.run(
        "pipeline",
        &[
            "agent",
            "run",
            "--packet",
            &packet.display().to_string(),
            "--",
            "true",
        ],
    );
    assert_eq!(r.code, 3, "agent run: {}", r.stderr);
    assert!(
        r.stderr.contains("tenant acme may request tier 1 at most"),
        "{}",
        r.stderr
    );
    // Within the quota, all is as before.
    env.run("pipeline", &["token", "issue", "--tier", "1"])
        .expect(0);
    env.run("pipeline", &["agent", "exec", "--tier", "1", "--", "true"])
        .expect(0);
    // Another tenant has no quota.
    let mut other = env;
    other.set("AGOV_TENANT", "globex");
    other
        .run("pipeline", &["token", "issue", "--tier", "3"])
        .expect(0);
}

#[test]
fn fallbacks_stay_within_the_tenants_quotas() {
    let env = with_quota(0, 1);
    crate::pipelines::with_examples(&env);
    std::fs::write(env.dir.path().join("docs/todo.md"), "TODO\n").unwrap();
    let r = env.sh("\"$PIPELINE\" spawn --plan examples/plans/disagree.yaml --json");
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    let id = r.json_lines()[0]["pipeline"].as_str().unwrap().to_string();
    let before = env
        .run("pipeline", &["status", &id, "--json"])
        .expect(0)
        .json();
    let r = env.run(
        "pipeline",
        &["consensus", "fallback", &id, "--action", "escalate_tier"],
    );
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("escalating pipeline")
            && r.stderr.contains("tenant acme may request tier 0 at most"),
        "{}",
        r.stderr
    );
    let after = env
        .run("pipeline", &["status", &id, "--json"])
        .expect(0)
        .json();
    assert_eq!(after["tier"], 0, "{after}");
    assert_eq!(after["round"], before["round"], "{after}");
    assert_eq!(after["token"], before["token"], "no new token: {after}");
    assert_eq!(after["status"], "CONSENSUS_FAILED", "{after}");
    // A rerun makes it run again: with another pipeline running, the
    // tenant's one pipeline at a time is taken.
    std::fs::write(
        env.dir.path().join("slow.yaml"),
        "name: slow\nobjective: wait\nagents:\n  alpha: {command: [sleep, '30']}\n  beta: {command: [sleep, '30']}\n",
    )
    .unwrap();
    let slow = env
        .sh("\"$PIPELINE\" spawn --plan slow.yaml --detach --json")
        .expect(0)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = env.run(
        "pipeline",
        &["consensus", "fallback", &id, "--action", "rerun_same"],
    );
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("already runs 1 pipeline(s), its quota is 1"),
        "{}",
        r.stderr
    );
    let after = env
        .run("pipeline", &["status", &id, "--json"])
        .expect(0)
        .json();
    assert_eq!(after["round"], before["round"], "{after}");
    env.run("pipeline", &["revoke", &slow, "--reason", "test over"])
        .expect(0);
}

#[test]
fn a_tenant_runs_at_most_max_pipelines_at_once() {
    let env = with_quota(4, 1);
    crate::pipelines::with_examples(&env);
    std::fs::write(
        env.dir.path().join("slow.yaml"),
        "name: slow\nobjective: wait\nagents:\n  alpha: {command: [sleep, '30']}\n  beta: {command: [sleep, '30']}\n",
    )
    .unwrap();
    let first = env
        .sh("\"$PIPELINE\" spawn --plan slow.yaml --detach --json")
        .expect(0)
        .json();
    let id = first["id"].as_str().unwrap().to_string();
    let second = env.sh("\"$PIPELINE\" spawn --plan examples/plans/quickstart.yaml");
    assert_eq!(second.code, 3, "{}", second.stderr);
    assert!(
        second
            .stderr
            .contains("already runs 1 pipeline(s), its quota is 1"),
        "{}",
        second.stderr
    );
    env.run("pipeline", &["revoke", &id, "--reason", "test over"])
        .expect(0);
    // The background driver settles it as soon as it sees the revocation.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while env
        .run("pipeline", &["status", &id, "--json"])
        .expect(0)
        .json()["status"]
        != "FAILED"
    {
        assert!(std::time::Instant::now() < deadline, "{id} did not settle");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    env.sh("\"$PIPELINE\" spawn --plan examples/plans/quickstart.yaml")
        .expect(0);
}

#[test]
fn a_bad_quota_is_a_usage_error() {
    let env = TestEnv::new();
    std::fs::create_dir_all(env.home()).unwrap();
    std::fs::write(
        env.home().join("config.toml"),
        "[tenants.acme]\nmax_tier = 9\n",
    )
    .unwrap();
    let r = env.run("pipeline", &["list"]).expect(64);
    assert!(
        r.stderr.contains("max_tier = 9 is not a tier"),
        "{}",
        r.stderr
    );
    std::fs::write(
        env.home().join("config.toml"),
        "[tenants.acme]\nmax_tiers = 1\n",
    )
    .unwrap();
    let r = env.run("pipeline", &["list"]).expect(64);
    assert!(r.stderr.contains("max_tiers"), "{}", r.stderr);
}

#[test]
fn projects_inside_a_tenant_are_scoped_and_share_its_quotas() {
    let env = with_quota(4, 1);
    crate::pipelines::with_examples(&env);
    // A bug, a memory entry and a ledger note in project web.
    let bug = env
        .run(
            "bugs",
            &["--project", "web", "log", "-m", "web only", "--json"],
        )
        .expect(0)
        .json();
    let bug_id = bug["id"].as_str().unwrap().to_string();
    let note = env
        .sh("AGOV_PROJECT=web \"$LEDGER\" note -m 'in web' --json")
        .expect(0)
        .json();
    assert_eq!(note["tenant"], "acme.web", "{note}");
    // Project api (and the tenant without a project) see none of it; reading
    // it by id is another scope's (exit 3).
    for flags in [&["--project", "api"][..], &[][..]] {
        let list = env
            .run("bugs", &[flags, &["list", "--json"]].concat())
            .expect(0)
            .json();
        assert_eq!(list.as_array().unwrap().len(), 0, "{flags:?}: {list}");
        let get = env.run("bugs", &[flags, &["get", &bug_id]].concat());
        assert_eq!(get.code, 3, "{flags:?}: {}", get.stderr);
        let show = env.run(
            "ledger",
            &[flags, &["show", &note["seq"].to_string()]].concat(),
        );
        assert_eq!(show.code, 3, "{flags:?}: {}", show.stderr);
    }
    assert_eq!(
        env.run("bugs", &["--project", "web", "get", &bug_id])
            .expect(0)
            .code,
        0
    );
    // A bad project name is a usage error.
    let bad = env.run("bugs", &["--project", "Web/..", "list"]);
    assert_eq!(bad.code, 64, "{}", bad.stderr);
    assert!(bad.stderr.contains("project name"), "{}", bad.stderr);

    // max_pipelines is the tenant's, across its projects.
    std::fs::write(
        env.dir.path().join("slow.yaml"),
        "name: slow\nobjective: wait\nagents:\n  alpha: {command: [sleep, '30']}\n  beta: {command: [sleep, '30']}\n",
    )
    .unwrap();
    let first = env
        .sh("\"$PIPELINE\" --project web spawn --plan slow.yaml --detach --json")
        .expect(0)
        .json();
    let id = first["id"].as_str().unwrap().to_string();
    let other = env.sh("\"$PIPELINE\" --project api spawn --plan examples/plans/quickstart.yaml");
    assert_eq!(other.code, 3, "{}", other.stderr);
    assert!(
        other
            .stderr
            .contains("tenant acme already runs 1 pipeline(s)"),
        "{}",
        other.stderr
    );
    let status = env.run("pipeline", &["--project", "api", "status", &id]);
    assert_eq!(status.code, 3, "{}", status.stderr);
    env.run(
        "pipeline",
        &["--project", "web", "revoke", &id, "--reason", "test over"],
    )
    .expect(0);
}
