//! `validate-phases` on the embedded default and against a real OpenBao.

use agov_testkit::Bao;

use crate::common::TestEnv;

#[test]
fn embedded_fails_until_applied_then_passes_and_apply_is_idempotent() {
    let env = TestEnv::new();
    let r = env.run("validate-phases", &[]).expect(1);
    assert!(r.stderr.contains("never set up"), "{}", r.stderr);
    assert!(
        !env.data().join("agov.db").exists(),
        "checking creates nothing"
    );
    let applied = env
        .run("validate-phases", &["--apply", "--json"])
        .expect(0)
        .json();
    assert!(
        applied["applied"][0]
            .as_str()
            .unwrap()
            .starts_with("created the ledger")
    );
    assert_eq!(applied["failed"], 0);
    assert!(applied["passed"].as_u64().unwrap() >= 20, "{applied}");
    for name in [
        "scripted agent goes BOOTSTRAP → EXIT",
        "a budget breach revokes the agent",
        "it leaves a handoff naming its phase",
        "a synthetic pipeline reaches consensus",
        "three conflicts spawn GAMMA, which mediates",
        "an expired lock can be taken over",
        "a lapsed lease holder cannot write",
        "a Redis that is down is reported as exit 69",
        "runtime keys are scoped by tenant",
        "ledger queries see only the tenant's events",
        "another tenant's memory entry is denied",
        "JSON log lines are well-formed",
        "metrics file is written whole and well-formed",
        "search finds the template, best match first",
        "a stored version cannot change",
        "another tenant finds none of them",
        "a plan naming a template resolves it",
    ] {
        let c = applied["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("no check `{name}`"));
        assert_eq!(c["outcome"], "passed", "{c}");
    }
    let integrations: Vec<_> = applied["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["phase"] == 9)
        .collect();
    assert_eq!(integrations.len(), 3, "{integrations:?}");
    assert!(
        integrations.iter().all(|c| c["outcome"] == "not_checked"
            && c["detail"].as_str().unwrap().starts_with("not configured")),
        "what is not configured is reported so, not failed: {integrations:?}"
    );
    let again = env
        .run("validate-phases", &["--apply", "--json"])
        .expect(0)
        .json();
    assert_eq!(
        again["applied"],
        serde_json::json!([]),
        "the second --apply changes nothing"
    );
    let one = env
        .run("validate-phases", &["--phase", "5", "--json"])
        .expect(0)
        .json();
    assert!(
        one["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["phase"] == 5)
    );
    env.run("validate-phases", &["--phase", "13"]).expect(64);
    let cps = env
        .run("checkpoint", &["--tenant", "default", "timeline", "--json"])
        .expect(0)
        .json();
    assert_eq!(
        cps,
        serde_json::json!([]),
        "scratch checkpoints do not land in the real tenant"
    );
}

#[test]
fn a_tampered_ledger_fails_phase_1() {
    let env = TestEnv::new();
    env.run("ledger", &["note", "-m", "a"]).expect(0);
    env.run("ledger", &["note", "-m", "b"]).expect(0);
    let db = rusqlite::Connection::open(env.data().join("agov.db")).unwrap();
    db.execute_batch("DROP TRIGGER events_no_update; UPDATE events SET actor = 'x' WHERE seq = 1;")
        .unwrap();
    let r = env.run("validate-phases", &["--phase", "1"]).expect(1);
    assert!(r.stdout.contains("1 of 2 triggers present"), "{}", r.stdout);
    assert!(r.stdout.contains("event #1"), "{}", r.stdout);
}

#[test]
fn against_openbao_apply_installs_policies_and_tiers_are_enforced() {
    let bao = Bao::start();
    let mut env = TestEnv::new();
    env.set("VAULT_ADDR", &bao.addr())
        .set("VAULT_TOKEN", Bao::ROOT_TOKEN);
    env.run("validate-phases", &["--apply", "--phase", "1"])
        .expect(0);
    let before = env.run("validate-phases", &["--phase", "2"]).expect(1);
    assert!(
        before
            .stdout
            .contains("would have written policy agov-t0-observer"),
        "{}",
        before.stdout
    );
    let applied = env
        .run("validate-phases", &["--apply", "--json"])
        .expect(0)
        .json();
    assert!(
        applied["applied"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.as_str().unwrap().contains("token role agov-child-t4"))
    );
    let checks = applied["checks"].as_array().unwrap();
    let t0 = checks
        .iter()
        .find(|c| c["name"] == "a T0 token is denied a T1 path")
        .unwrap();
    assert_eq!(t0["outcome"], "passed");
    let child = checks
        .iter()
        .find(|c| c["name"] == "Vault refuses a T0 pipeline's token a T1 child")
        .unwrap();
    assert_eq!(child["outcome"], "passed", "{child}");
    let revoked = checks
        .iter()
        .find(|c| c["name"] == "its token no longer looks up")
        .unwrap();
    assert_eq!(
        revoked["outcome"], "passed",
        "an agent's OpenBao token dies with its revocation"
    );
    assert_eq!(
        env.run("validate-phases", &["--apply", "--json"])
            .expect(0)
            .json()["applied"],
        serde_json::json!([])
    );

    // agov's own AppRole identity may check but not provision: with a policy
    // gone, its --apply is refused (exit 3) with a hint.
    let root = agov_vault::Vault::connect(&crate::ledger_vault::root_settings(bao.addr())).unwrap();
    let (role_id, secret_id) =
        agov_vault::provision::approle_credentials(&root, "approle").unwrap();
    root.send(
        "deleting a policy",
        agov_vault::Method::DELETE,
        "sys/policy/agov-t4-architect",
        None,
    )
    .unwrap();
    let mut governor = TestEnv::new();
    governor
        .set("VAULT_ADDR", &bao.addr())
        .set("AGOV_VAULT_ROLE_ID", &role_id)
        .set("AGOV_VAULT_SECRET_ID", secret_id.expose());
    let r = governor
        .run("validate-phases", &["--apply", "--phase", "2"])
        .expect(3);
    assert!(
        r.stderr
            .contains("--apply needs a Vault token allowed to write policies"),
        "{}",
        r.stderr
    );

    // With an administrator's VAULT_TOKEN beside agov's AppRole credentials,
    // --apply provisions with VAULT_TOKEN, and grants the governor the
    // configured service secrets by exact path, idempotently.
    governor
        .set("VAULT_TOKEN", Bao::ROOT_TOKEN)
        .set("AGOV_LLM_KEY_PATH", "services/llm");
    let applied = governor
        .run("validate-phases", &["--apply", "--phase", "2", "--json"])
        .expect(0)
        .json();
    let applied = applied["applied"].to_string();
    assert!(
        applied.contains("policy agov-t4-architect") && applied.contains("policy agov-governor"),
        "{applied}"
    );
    let policy = bao
        .cli_json(
            Bao::ROOT_TOKEN,
            &["policy", "read", "-format=json", "agov-governor"],
        )
        .to_string();
    assert!(
        policy.contains("secret/data/services/llm") && !policy.contains("services/*"),
        "{policy}"
    );
    assert_eq!(
        governor
            .run("validate-phases", &["--apply", "--phase", "2", "--json"])
            .expect(0)
            .json()["applied"],
        serde_json::json!([])
    );
}

#[test]
fn an_unreachable_vault_fails_phase_2_with_the_reason() {
    let mut env = TestEnv::new();
    env.set("VAULT_ADDR", "http://127.0.0.1:9")
        .set("VAULT_TOKEN", "t");
    let r = env
        .run("validate-phases", &["--phase", "2", "--json"])
        .expect(1)
        .json();
    let detail = r["checks"][0]["detail"].as_str().unwrap();
    assert!(detail.contains("unreachable"), "{detail}");
}

#[test]
fn against_openbao_and_redis_every_built_phase_passes_and_outages_read_as_69() {
    // A server of its own: phase 1 checks the ledger against the seals in
    // Vault KV, which other tests' installations on the shared server move.
    let (_bao, mut env) = crate::ledger_vault::private_bao();
    env.set("AGOV_RUNTIME_URL", &agov_testkit::shared_redis().url());
    env.run("validate-phases", &["--apply", "--phase", "1"])
        .expect(0);
    let r = env.run("validate-phases", &["--json"]).expect(0).json();
    assert_eq!(r["failed"], 0, "{r}");
    let outcome = |name: &str| {
        r["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("no check `{name}` in {r}"))["outcome"]
            .clone()
    };
    for name in [
        "a Vault that is down is reported as exit 69",
        "a Redis that is down is reported as exit 69",
        "a lapsed lease holder cannot write",
        "Redis runtime store answers",
        "Vault answers, unsealed",
        "runtime keys are scoped by tenant",
    ] {
        assert_eq!(outcome(name), "passed", "{name}");
    }
    assert_eq!(
        outcome("LLM provider reachable"),
        "not_checked",
        "no key in Vault KV: not configured"
    );
}

#[test]
fn a_never_applied_installation_is_one_line_and_nothing_is_created() {
    let env = TestEnv::new();
    for args in [&[][..], &["-v"], &["--phase", "5"], &["--phase", "12"]] {
        let r = env.run("validate-phases", args).expect(1);
        assert_eq!(r.stdout, "", "no table of failures: {r:?}");
        let lines: Vec<&str> = r.stderr.lines().filter(|l| !l.contains(" INFO ")).collect();
        assert_eq!(lines.len(), 1, "one line: {r:?}");
        assert!(
            lines[0].contains("never set up")
                && lines[0].contains(&env.data().join("agov.db").display().to_string())
                && lines[0].contains("`validate-phases --apply`"),
            "what is wrong and what to run: {r:?}"
        );
    }
    let r = env.run("validate-phases", &["--json"]).expect(1);
    let err: serde_json::Value = serde_json::from_str(r.stderr.trim()).unwrap();
    assert_eq!(err["error"]["exit_code"], 1);
    assert!(
        !env.data().exists(),
        "nothing was created: {:?}",
        crate::common::files_under(&env.home())
    );
    // Phases that need no ledger still run.
    let r = env
        .run("validate-phases", &["--phase", "9", "--json"])
        .expect(0)
        .json();
    assert_eq!(r["failed"], 0, "{r}");
}

/// Every runtime key a store holds: the embedded store's table, or every
/// key of a Redis namespace.
fn runtime_keys(env: &TestEnv, redis: bool, ns: &str) -> Vec<String> {
    use agov_runtime::RuntimeStore;
    if redis {
        let url = agov_testkit::shared_redis().url();
        return agov_runtime::RedisStore::connect(&url, None, ns)
            .unwrap()
            .scan("")
            .unwrap();
    }
    let db = rusqlite::Connection::open(env.data().join("runtime.db")).unwrap();
    let mut stmt = db.prepare("SELECT key FROM entries").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn checks_leave_no_runtime_keys_and_name_their_scratch_tenant() {
    for redis in [false, true] {
        let mut env = TestEnv::new();
        let ns = agov_testkit::unique("vp:");
        std::fs::create_dir_all(env.home()).unwrap();
        std::fs::write(
            env.home().join("config.toml"),
            format!("[runtime]\nnamespace = \"{ns}\"\n"),
        )
        .unwrap();
        if redis {
            env.set("AGOV_RUNTIME_URL", &agov_testkit::shared_redis().url());
        }
        let r = env
            .run("validate-phases", &["--apply", "--json"])
            .expect(0)
            .json();
        assert_eq!(
            runtime_keys(&env, redis, &ns),
            Vec::<String>::new(),
            "redis={redis}: no runtime keys left behind"
        );
        let tenant = r["scratch_tenant"].as_str().unwrap();
        assert!(tenant.starts_with("validate-"), "{r}");
        let events = env
            .run(
                "ledger",
                &["--tenant", tenant, "query", "--limit", "100000", "--json"],
            )
            .expect(0)
            .json();
        let n = events.as_array().unwrap().len();
        assert!(n > 0, "redis={redis}: {events}");
        assert_eq!(r["scratch_events"], n, "redis={redis}");
        let text = env.run("validate-phases", &[]).expect(0);
        assert!(
            text.stdout
                .contains("scratch event(s) in the ledger under tenant validate-")
                && text.stdout.contains("`ledger tail --tenant validate-"),
            "the text names its tenant: {}",
            text.stdout
        );
        assert_eq!(
            runtime_keys(&env, redis, &ns),
            Vec::<String>::new(),
            "redis={redis}: none after a second run either"
        );
    }
}

#[test]
fn a_vault_without_credentials_is_blamed_on_its_own_row_not_redis() {
    let mut env = TestEnv::new();
    env.set("AGOV_RUNTIME_URL", &agov_testkit::shared_redis().url())
        .set("VAULT_ADDR", "http://127.0.0.1:9");
    let r = env
        .run("validate-phases", &["--phase", "9", "--json"])
        .expect(1)
        .json();
    let row = |name: &str| {
        r["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("no check `{name}` in {r}"))
            .clone()
    };
    assert_eq!(
        row("Redis runtime store answers")["outcome"],
        "passed",
        "{r}"
    );
    let vault = row("Vault answers, unsealed");
    assert_eq!(vault["outcome"], "failed", "{r}");
    assert!(
        vault["detail"].as_str().unwrap().contains("no credentials"),
        "{vault}"
    );
    assert_eq!(r["failed"], 1, "only Vault's row fails: {r}");
}
