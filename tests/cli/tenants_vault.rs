//! Tenants bound to identity with Vault (a real OpenBao, its own `bao` CLI
//! as the independent client): a token acts for a tenant only when Vault
//! grants it `agov-tenant-<tenant>`; agov's own AppRole identity acts only
//! for the installation's tenant. A refusal is exit 3, before anything is
//! read or written, so naming another tenant escapes no quota.

use agov_testkit::Bao;

use crate::common::{Run, TestEnv, bin};

/// `tool ARGS…` in `env`, presenting `token` in VAULT_TOKEN (none: agov's
/// AppRole identity alone).
fn as_token(env: &TestEnv, token: Option<&str>, tool: &str, args: &[&str]) -> Run {
    let out = std::process::Command::new(bin(tool))
        .args(args)
        .current_dir(env.dir.path())
        .env_clear()
        .envs(env.vars().iter().map(|(k, v)| (k, v)))
        .envs(token.map(|t| ("VAULT_TOKEN", t)))
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn refused(r: &Run, what: &str, needle: &str, tenant: &str) {
    assert_eq!(r.code, 3, "{what}: {}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains(needle), "{what}: {}", r.stderr);
    assert!(
        r.stderr.contains(&format!("-policy=agov-tenant-{tenant}")),
        "{what}: the hint names the policy: {}",
        r.stderr
    );
}

/// `bao token capabilities TOKEN PATH`, as root: what Vault itself grants.
fn capabilities(bao: &Bao, token: &str, path: &str) -> String {
    let out = bao.cli(Bao::ROOT_TOKEN, &["token", "capabilities", token, path]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn a_tenant_needs_a_token_vault_grants_it() {
    let (bao, mut env) = crate::ledger_vault::private_bao();
    crate::pipelines::with_examples(&env);
    std::fs::create_dir_all(env.home()).unwrap();
    std::fs::write(
        env.home().join("config.toml"),
        "[tenants.alpha]\nmax_tier = 3\n\n[tenants.beta]\nmax_tier = 1\n",
    )
    .unwrap();
    env.set("USER", "tester");

    // --apply installs a policy per configured tenant, idempotently.
    let root = Some(Bao::ROOT_TOKEN);
    let applied = as_token(
        &env,
        root,
        "validate-phases",
        &["--apply", "--phase", "2", "--json"],
    )
    .expect(0)
    .json()["applied"]
        .to_string();
    for p in ["agov-tenant-alpha", "agov-tenant-beta"] {
        assert!(applied.contains(&format!("policy {p}")), "{applied}");
    }
    let again = as_token(
        &env,
        root,
        "validate-phases",
        &["--apply", "--phase", "2", "--json"],
    )
    .expect(0)
    .json();
    assert_eq!(again["applied"], serde_json::json!([]), "{again}");
    let policies = bao
        .cli_json(Bao::ROOT_TOKEN, &["policy", "list", "-format=json"])
        .to_string();
    for p in [
        "agov-tenant-alpha",
        "agov-tenant-beta",
        "agov-tenant-default",
    ] {
        assert!(policies.contains(&format!("\"{p}\"")), "{policies}");
    }
    let beta_policy = bao
        .cli_json(
            Bao::ROOT_TOKEN,
            &["policy", "read", "-format=json", "agov-tenant-beta"],
        )
        .to_string();
    assert!(
        beta_policy.contains("agov/tenant/beta") && !beta_policy.contains("alpha"),
        "{beta_policy}"
    );

    // ana is granted alpha, bob beta (tokens made with the bao CLI).
    let ana = crate::ledger_vault::token_with(&bao, "ana", &["agov-tenant-alpha"]);
    let bob = crate::ledger_vault::token_with(&bao, "bob", &["agov-tenant-beta"]);
    assert_eq!(capabilities(&bao, &ana, "agov/tenant/beta"), "deny");
    assert_eq!(capabilities(&bao, &bob, "agov/tenant/beta"), "update");

    // ana naming beta: refused for a read and for writes, nothing created.
    let as_ana_in_beta = |tool: &str, args: &[&str]| {
        let args = [&["--tenant", "beta"][..], args].concat();
        as_token(&env, Some(&ana), tool, &args)
    };
    let needle = "`ana` may not act for tenant beta";
    refused(
        &as_ana_in_beta("pipeline", &["list", "--all", "--json"]),
        "pipeline list",
        needle,
        "beta",
    );
    refused(
        &as_ana_in_beta("ledger", &["query", "--json"]),
        "ledger query",
        needle,
        "beta",
    );
    refused(
        &as_ana_in_beta("ledger", &["note", "-m", "not ana's"]),
        "ledger note",
        needle,
        "beta",
    );
    refused(
        &as_ana_in_beta("pipeline", &["token", "issue", "--tier", "0"]),
        "token issue",
        needle,
        "beta",
    );
    refused(
        &as_ana_in_beta(
            "pipeline",
            &["spawn", "--plan", "examples/plans/quickstart.yaml"],
        ),
        "spawn",
        needle,
        "beta",
    );
    refused(
        &as_ana_in_beta("bugs", &["log", "-m", "not ana's"]),
        "bugs log",
        needle,
        "beta",
    );
    assert_eq!(
        bao.live_tokens_with_policy("agov-t0-observer"),
        0,
        "OpenBao issued nothing for a refused tenant"
    );
    // bob, granted beta, finds nothing there.
    let in_beta = |token: &str, tool: &str, args: &[&str]| {
        let args = [&["--tenant", "beta"][..], args].concat();
        as_token(&env, Some(token), tool, &args)
    };
    let listed = in_beta(&bob, "pipeline", &["list", "--all", "--json"])
        .expect(0)
        .json();
    assert_eq!(listed, serde_json::json!([]), "no pipeline in beta");
    let events = in_beta(&bob, "ledger", &["query", "--json"])
        .expect(0)
        .json();
    assert_eq!(events, serde_json::json!([]), "no event in beta");
    let bugs = in_beta(&bob, "bugs", &["list", "--json"]).expect(0).json();
    assert_eq!(bugs, serde_json::json!([]), "no bug in beta");

    // ana acts for alpha (tier 3 is within its quota), recorded as her
    // Vault identity; OpenBao holds the token she was issued.
    let in_alpha = |token: &str, tool: &str, args: &[&str]| {
        let args = [&["--tenant", "alpha"][..], args].concat();
        as_token(&env, Some(token), tool, &args)
    };
    let note = in_alpha(&ana, "ledger", &["note", "-m", "ana's", "--json"])
        .expect(0)
        .json();
    assert_eq!(note["tenant"], "alpha", "{note}");
    assert_eq!(note["actor"], "vault:ana", "{note}");
    let issued = in_alpha(
        &ana,
        "pipeline",
        &["token", "issue", "--tier", "3", "--json"],
    )
    .expect(0)
    .json();
    assert!(bao.accessor_is_live(issued["accessor"].as_str().unwrap()));
    let t3 = bao.live_tokens_with_policy("agov-t3-executor");

    // bob may not escape beta's max_tier by naming alpha, and in beta its
    // quota applies.
    refused(
        &in_alpha(&bob, "pipeline", &["token", "issue", "--tier", "3"]),
        "bob naming alpha",
        "`bob` may not act for tenant alpha",
        "alpha",
    );
    assert_eq!(
        bao.live_tokens_with_policy("agov-t3-executor"),
        t3,
        "nothing issued"
    );
    let over = in_beta(&bob, "pipeline", &["token", "issue", "--tier", "2"]);
    assert_eq!(over.code, 3, "{}", over.stderr);
    assert!(
        over.stderr
            .contains("tenant beta may request tier 1 at most"),
        "{}",
        over.stderr
    );
    let ok = in_beta(
        &bob,
        "pipeline",
        &["token", "issue", "--tier", "1", "--json"],
    )
    .expect(0)
    .json();
    assert!(bao.accessor_is_live(ok["accessor"].as_str().unwrap()));
    let events = in_beta(&bob, "ledger", &["query", "--json"])
        .expect(0)
        .json();
    assert_eq!(events[0]["actor"], "vault:bob", "{events}");

    // agov's AppRole identity alone acts for the installation's tenant
    // (default) only.
    let r = as_token(&env, None, "ledger", &["--tenant", "beta", "tail"]);
    refused(
        &r,
        "AppRole naming beta",
        "needs a Vault token granted it",
        "beta",
    );
    let r = as_token(
        &env,
        None,
        "ledger",
        &["--tenant", "beta", "note", "-m", "x"],
    );
    refused(
        &r,
        "AppRole naming beta",
        "needs a Vault token granted it",
        "beta",
    );
    let home = as_token(&env, None, "ledger", &["note", "-m", "home", "--json"])
        .expect(0)
        .json();
    assert_eq!(home["tenant"], "default");
    assert_eq!(home["actor"], crate::common::me());
    // The installation's tenant asks Vault nothing, whoever presents a
    // token; a root token is granted every tenant.
    let r = as_token(&env, Some(&ana), "ledger", &["note", "-m", "x", "--json"]);
    assert_eq!(r.expect(0).json()["actor"], crate::common::me());
    as_token(&env, root, "ledger", &["--tenant", "beta", "tail"]).expect(0);
}

/// A person who holds only a token of their own (no AppRole credentials of
/// agov's) is not the installation: a config file of their own naming
/// another tenant as its `tenant =` grants nothing (red team: it read and
/// wrote that tenant's bugs).
#[test]
fn a_config_file_of_ones_own_grants_no_tenant() {
    let (bao, env) = crate::ledger_vault::private_bao();
    std::fs::create_dir_all(env.home()).unwrap();
    std::fs::write(
        env.home().join("config.toml"),
        "[tenants.alpha]\n\n[tenants.beta]\n",
    )
    .unwrap();
    as_token(
        &env,
        Some(Bao::ROOT_TOKEN),
        "validate-phases",
        &["--apply", "--phase", "2"],
    )
    .expect(0);
    let ana = crate::ledger_vault::token_with(&bao, "ana", &["agov-tenant-alpha", "agov-governor"]);
    // Ana's own config file, naming beta as the installation's tenant.
    let own = env.dir.path().join("ana.toml");
    let as_ana = |tenant: &str, tool: &str, args: &[&str]| {
        std::fs::write(&own, format!("tenant = \"{tenant}\"\n")).unwrap();
        let out = std::process::Command::new(bin(tool))
            .args(args)
            .current_dir(env.dir.path())
            .env_clear()
            .envs(
                env.vars()
                    .iter()
                    .filter(|(k, _)| !k.starts_with("AGOV_VAULT_"))
                    .map(|(k, v)| (k, v)),
            )
            .env("AGOV_CONFIG", &own)
            .env("VAULT_TOKEN", &ana)
            .output()
            .unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    };
    let needle = "`ana` may not act for tenant beta";
    refused(
        &as_ana("beta", "bugs", &["list", "--json"]),
        "bugs list",
        needle,
        "beta",
    );
    refused(
        &as_ana("beta", "bugs", &["log", "-m", "planted"]),
        "bugs log",
        needle,
        "beta",
    );
    // Her own tenant, named the same way, works.
    as_ana("alpha", "bugs", &["log", "-m", "mine"]).expect(0);
    let beta = as_token(
        &env,
        Some(Bao::ROOT_TOKEN),
        "bugs",
        &["--tenant", "beta", "list", "--json"],
    )
    .expect(0)
    .json();
    assert_eq!(beta, serde_json::json!([]), "nothing was planted in beta");
}

/// One Vault answer covers the tenant and every operator act: a token
/// granted the tenant alone must still be refused each act, in the very
/// process whose tenant check just passed (no answer may lend another
/// path's grant).
#[test]
fn a_token_granted_a_tenant_is_granted_no_operator_act_by_the_same_answer() {
    let (bao, mut env) = crate::ledger_vault::private_bao();
    std::fs::create_dir_all(env.home()).unwrap();
    std::fs::write(
        env.home().join("config.toml"),
        "[tenants.alpha]\nmax_tier = 3\n",
    )
    .unwrap();
    env.set("USER", "tester");
    as_token(
        &env,
        Some(Bao::ROOT_TOKEN),
        "validate-phases",
        &["--apply", "--phase", "2"],
    )
    .expect(0);
    let ana = crate::ledger_vault::token_with(&bao, "ana", &["agov-tenant-alpha"]);
    assert_eq!(capabilities(&bao, &ana, "agov/tenant/alpha"), "update");
    assert_eq!(capabilities(&bao, &ana, "agov/operator/reveal"), "deny");
    for (what, args) in [
        (
            "reveal",
            &[
                "--tenant", "alpha", "token", "issue", "--tier", "0", "--reveal",
            ][..],
        ),
        (
            "revoke",
            &["--tenant", "alpha", "revoke", "p-nothing", "--reason", "x"][..],
        ),
    ] {
        let r = as_token(&env, Some(&ana), "pipeline", args);
        assert_eq!(r.code, 3, "{what}: {}{}", r.stdout, r.stderr);
        assert!(
            !r.stderr.contains("may not act for tenant"),
            "{what}: the tenant check passed, the act is what is refused: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains(&format!(
                "`ana` may not {what}: its token lacks the agov-operator policy"
            )),
            "{what}: {}",
            r.stderr
        );
        assert!(r.stdout.is_empty(), "{what}: nothing printed: {}", r.stdout);
    }
}
