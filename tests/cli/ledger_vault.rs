//! The `ledger` tool with Vault configured (a real OpenBao dev server): seals
//! kept in KV v2 under agov's own AppRole identity, and Vault faults reported
//! as exit 69 or 64 with a hint.

use std::sync::OnceLock;

use agov_config::VaultSettings;
use agov_core::Secret;
use agov_testkit::Bao;
use agov_vault::Vault;

use crate::common::TestEnv;

pub fn root_settings(addr: String) -> VaultSettings {
    VaultSettings::with_token(addr, Secret::new(Bao::ROOT_TOKEN))
}

/// An environment on a private OpenBao dev server (so it can be stopped and
/// sealed), logged in as agov's AppRole identity.
pub fn private_bao() -> (Bao, TestEnv) {
    let bao = Bao::start();
    let root = Vault::connect(&root_settings(bao.addr())).unwrap();
    let mut options = agov_vault::provision::Options::new("approle");
    options.tenants = vec!["default".into()];
    agov_vault::provision::provision_with(&root, &options).unwrap();
    let (role_id, secret_id) =
        agov_vault::provision::approle_credentials(&root, "approle").unwrap();
    let mut env = TestEnv::new();
    env.set("VAULT_ADDR", &bao.addr())
        .set("AGOV_VAULT_ROLE_ID", &role_id)
        .set("AGOV_VAULT_SECRET_ID", secret_id.expose());
    (bao, env)
}

/// The one service credential the shared server's governor may read (the
/// runtime password the backends tests configure).
pub const SERVICE_SECRET: &str = "services/dragonfly";

/// agov's AppRole credentials on the shared server, provisioned once (with
/// [`SERVICE_SECRET`] as its only service credential, and the tests' policy
/// [`EVERY_TENANT`]).
pub fn governor() -> &'static (String, Secret) {
    static CREDS: OnceLock<(String, Secret)> = OnceLock::new();
    CREDS.get_or_init(|| {
        let root = Vault::connect(&root_settings(agov_testkit::shared_bao().addr())).unwrap();
        let mut options = agov_vault::provision::Options::new("approle");
        options.service_secrets = vec![SERVICE_SECRET.into()];
        agov_vault::provision::provision_with(&root, &options).unwrap();
        write_policy(
            agov_testkit::shared_bao(),
            EVERY_TENANT,
            "path \"agov/tenant/*\" {\n  capabilities = [\"update\"]\n}\n",
        );
        agov_vault::provision::approle_credentials(&root, "approle").unwrap()
    })
}

/// The display name of the operator token every [`vault_env`] presents.
pub const OPERATOR: &str = "ops";

/// The actor agov records for [`OPERATOR`]'s privileged acts.
pub const OPERATOR_ACTOR: &str = "vault:ops";

/// A token on `bao` (as root) with `display_name` and `policies`.
pub fn token_with(bao: &Bao, display_name: &str, policies: &[&str]) -> String {
    let mut args = vec![
        "token".to_string(),
        "create".to_string(),
        "-format=json".to_string(),
        format!("-display-name={display_name}"),
        "-ttl=30m".to_string(),
    ];
    args.extend(policies.iter().map(|p| format!("-policy={p}")));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    bao.cli_json(Bao::ROOT_TOKEN, &args)["auth"]["client_token"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A policy of the tests' own on the shared OpenBao, written once with the
/// `bao` CLI: `update` on `agov/tenant/*`, every tenant (the tests give each
/// environment a tenant of its own).
pub const EVERY_TENANT: &str = "every-tenant";

/// Writes `hcl` as policy `name` on `bao` with its own CLI (as root).
pub fn write_policy(bao: &Bao, name: &str, hcl: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("{name}.hcl"));
    std::fs::write(&file, hcl).unwrap();
    let out = bao.cli(
        Bao::ROOT_TOKEN,
        &["policy", "write", name, &file.display().to_string()],
    );
    assert!(
        out.status.success(),
        "bao policy write {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An operator's token on the shared OpenBao (policies agov-operator and
/// [`EVERY_TENANT`], display name [`OPERATOR`]), created once.
pub fn operator_token() -> &'static str {
    static TOKEN: OnceLock<String> = OnceLock::new();
    TOKEN.get_or_init(|| {
        governor();
        token_with(
            agov_testkit::shared_bao(),
            OPERATOR,
            &["agov-operator", EVERY_TENANT],
        )
    })
}

/// An environment logged in to the shared OpenBao as agov's AppRole
/// identity, run by an operator: VAULT_TOKEN is [`operator_token`], which
/// decides privileged acts (agov itself still acts as its AppRole identity).
pub fn vault_env() -> TestEnv {
    let mut env = governor_env();
    env.set("VAULT_TOKEN", operator_token());
    env
}

/// Who decides privileged acts in a `both()` environment named `backend`:
/// the kernel's OS account on the embedded default, else [`OPERATOR_ACTOR`].
pub fn decider(backend: &str) -> String {
    if backend == "embedded" {
        crate::common::me()
    } else {
        OPERATOR_ACTOR.to_string()
    }
}

/// Like [`vault_env`] without VAULT_TOKEN: nobody who may decide.
pub fn governor_env() -> TestEnv {
    let (role_id, secret_id) = governor();
    let mut env = TestEnv::new();
    env.set("VAULT_ADDR", &agov_testkit::shared_bao().addr())
        .set("AGOV_VAULT_ROLE_ID", role_id)
        .set("AGOV_VAULT_SECRET_ID", secret_id.expose());
    env
}

/// OpenBao's own CLI as an independent client: `bao ARGS…` against `addr`
/// presenting `token`.
fn bao_cli(addr: &str, token: &str, args: &[&str]) -> std::process::Output {
    let bin = std::env::var("AGOV_TEST_BAO")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "bao".into());
    std::process::Command::new(bin)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        .env("BAO_ADDR", addr)
        .env("BAO_TOKEN", token)
        .output()
        .expect("run the bao CLI (AGOV_TEST_BAO)")
}

/// A token of agov's own identity (the AppRole), logged in with the `bao` CLI.
fn governor_token(addr: &str, role_id: &str, secret_id: &str) -> String {
    let out = bao_cli(
        addr,
        "",
        &[
            "write",
            "-field=token",
            "auth/approle/login",
            &format!("role_id={role_id}"),
            &format!("secret_id={secret_id}"),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// `secret/agov/ledger-seals/ID/SEQ` from `ledger seal --json`'s `stored_in`.
fn kv_path(sealed: &serde_json::Value) -> String {
    let stored = sealed["stored_in"].as_str().unwrap();
    let at = stored.find("/secret/").expect("a Vault path") + 1;
    stored[at..].to_string()
}

#[test]
fn seals_live_in_vault_and_catch_a_rewritten_ledger() {
    let env = vault_env();
    for i in 0..3 {
        env.run("ledger", &["note", "-m", &format!("n{i}")])
            .expect(0);
    }
    let sealed = env
        .run("ledger", &["seal", "--new-ledger", "--json"])
        .expect(0)
        .json();
    let genesis = sealed["seal"]["genesis"].as_str().unwrap();
    assert!(
        kv_path(&sealed) == format!("secret/agov/ledger-seals/{}/3", &genesis[..16]),
        "{sealed}"
    );
    let v = env.run("ledger", &["verify", "--json"]).expect(0).json();
    assert_eq!(v["seals_checked"], 2, "the Vault seal and its local copy");

    // Someone replaces the whole database with a fresh, self-consistent chain.
    std::fs::remove_file(env.data().join("agov.db")).unwrap();
    let _ = std::fs::remove_file(env.data().join("agov.db-wal"));
    let _ = std::fs::remove_file(env.data().join("agov.db-shm"));
    env.run("ledger", &["note", "-m", "forged history"])
        .expect(0);
    let r = env.run("ledger", &["verify"]).expect(1);
    assert!(
        r.stderr.contains("replaced from its first event"),
        "{}",
        r.stderr
    );
    env.run("ledger", &["seal"]).expect(1);

    // … and the local seal file too: the new chain is a ledger without seals,
    // while Vault keeps the old one's.
    std::fs::remove_file(env.data().join("ledger.seals")).unwrap();
    let r = env.run("ledger", &["verify"]).expect(0);
    assert!(
        r.stderr.contains("no seal") && r.stderr.contains(&genesis[..16]),
        "{}",
        r.stderr
    );
    env.run("ledger", &["verify", "--strict"]).expect(1);
    // The hourly `ledger seal` does not launder it: a never-sealed ledger
    // beside other ledgers' seals is refused, nothing is sealed…
    let r = env.run("ledger", &["seal"]).expect(1);
    assert!(
        r.stderr.contains("refusing to seal")
            && r.stderr.contains(&genesis[..16])
            && r.stderr.contains("--new-ledger"),
        "{}",
        r.stderr
    );
    env.run("ledger", &["verify", "--strict"]).expect(1);
    // …until an operator confirms it is a new ledger.
    let r = env.run("ledger", &["seal", "--new-ledger"]).expect(0);
    assert!(
        r.stderr.contains("sealing it as a new ledger"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_rewrite_sealed_in_vault_is_not_laundered_by_sealing_it() {
    let env = vault_env();
    for i in 0..5 {
        env.run("ledger", &["note", "-m", &format!("n{i}")])
            .expect(0);
    }
    env.run("ledger", &["seal", "--new-ledger"]).expect(0);
    // The rewrite also removes the local copy of the seals: Vault's remain.
    crate::ledger::rewrite_from(&env, 3, &["forged 3", "forged 4", "forged 5", "forged 6"]);
    std::fs::remove_file(env.data().join("ledger.seals")).unwrap();
    let r = env.run("ledger", &["seal"]).expect(1);
    assert!(
        r.stderr.contains("refusing to seal") && r.stderr.contains("event #5"),
        "{}",
        r.stderr
    );
    let v = env.run("ledger", &["verify", "--json"]).expect(1).json();
    assert_eq!(v["problem"]["seq"], 5);
    assert!(
        !env.data().join("ledger.seals").exists(),
        "nothing was sealed"
    );
}

#[test]
fn vault_seals_are_write_once_even_for_agov_s_own_identity() {
    let env = vault_env();
    for i in 0..2 {
        env.run("ledger", &["note", "-m", &format!("n{i}")])
            .expect(0);
    }
    let sealed = env
        .run("ledger", &["seal", "--new-ledger", "--json"])
        .expect(0)
        .json();
    let path = kv_path(&sealed);
    let addr = agov_testkit::shared_bao().addr();
    let (role_id, secret_id) = governor();
    let gov = governor_token(&addr, role_id, secret_id.expose());
    let forged = "hash=0000000000000000000000000000000000000000000000000000000000000000";
    for attempt in [
        vec!["kv", "put", &path, "seq=2", forged],
        vec!["kv", "put", "-cas=1", &path, "seq=2", forged],
        vec!["kv", "patch", &path, forged],
        vec!["kv", "delete", &path],
        vec!["kv", "metadata", "delete", &path],
        vec!["kv", "destroy", "-versions=1", &path],
    ] {
        let out = bao_cli(&addr, &gov, &attempt);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains("permission denied"),
            "agov's identity could run {attempt:?}: {err}"
        );
    }
    // Not even the root token overwrites it with check-and-set 0 (create only).
    let out = bao_cli(
        &addr,
        Bao::ROOT_TOKEN,
        &["kv", "put", "-cas=0", &path, "seq=2", forged],
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("check-and-set"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = bao_cli(&addr, Bao::ROOT_TOKEN, &["kv", "get", "-field=hash", &path]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        sealed["seal"]["hash"].as_str().unwrap()
    );
    let out = bao_cli(
        &addr,
        Bao::ROOT_TOKEN,
        &["kv", "metadata", "get", "-format=json", &path],
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(meta["data"]["current_version"], 1, "{meta}");
    env.run("ledger", &["verify", "--strict"]).expect(0);
}

#[test]
fn a_different_seal_for_an_event_is_refused() {
    let env = vault_env();
    for i in 0..3 {
        env.run("ledger", &["note", "-m", &format!("n{i}")])
            .expect(0);
    }
    let sealed = env
        .run("ledger", &["seal", "--new-ledger", "--json"])
        .expect(0)
        .json();
    env.run("ledger", &["note", "-m", "n3"]).expect(0);
    // Someone with a token of their own puts a seal for #4 first.
    // (The ledger's id may start with a 3: only the last segment changes.)
    let next = format!("{}/4", kv_path(&sealed).rsplit_once('/').unwrap().0);
    let addr = agov_testkit::shared_bao().addr();
    let forged = env.dir.path().join("forged-seal.json");
    std::fs::write(
        &forged,
        r#"{"seq": 4, "hash": "1111111111111111111111111111111111111111111111111111111111111111", "sealed_at": "2026-01-01T00:00:00Z", "sealed_by": "user:mallory"}"#,
    )
    .unwrap();
    let out = bao_cli(
        &addr,
        Bao::ROOT_TOKEN,
        &[
            "kv",
            "put",
            "-cas=0",
            &next,
            &format!("@{}", forged.display()),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = env.run("ledger", &["seal"]).expect(1);
    assert!(
        r.stderr.contains("event #4") && r.stderr.contains("mallory"),
        "{}",
        r.stderr
    );
    env.run("ledger", &["verify"]).expect(1);
}

#[test]
fn concurrent_seals_of_one_head_create_one_vault_key_and_all_exit_0() {
    let env = vault_env();
    for i in 0..3 {
        env.run("ledger", &["note", "-m", &format!("n{i}")])
            .expect(0);
    }
    let r = env.sh(
        "for i in 1 2 3 4; do (\"$LEDGER\" seal --new-ledger --json > seal$i.json || echo FAIL) & done; wait; cat seal*.json",
    );
    assert!(!r.stdout.contains("FAIL"), "{r:?}");
    let docs: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(docs.len(), 4, "{r:?}");
    assert!(docs.iter().all(|d| d["seal"]["seq"] == 3), "{docs:?}");
    let hashes: std::collections::BTreeSet<&str> = docs
        .iter()
        .map(|d| d["seal"]["hash"].as_str().unwrap())
        .collect();
    assert_eq!(hashes.len(), 1, "one head, one hash: {docs:?}");
    let created = docs.iter().filter(|d| d["sealed"] == true).count();
    assert_eq!(created, 1, "the others found it sealed: {docs:?}");
    let v = env
        .run("ledger", &["verify", "--strict", "--json"])
        .expect(0)
        .json();
    assert!(v["seals_checked"].as_u64().unwrap() >= 2, "{v}");
}

#[test]
fn two_installations_sharing_one_openbao_keep_their_seals_apart() {
    let a = vault_env();
    let b = vault_env();
    for env in [&a, &b] {
        for i in 0..3 {
            env.run("ledger", &["note", "-m", &format!("n{i}")])
                .expect(0);
        }
    }
    let sa = a
        .run("ledger", &["seal", "--new-ledger", "--json"])
        .expect(0)
        .json();
    let sb = b
        .run("ledger", &["seal", "--new-ledger", "--json"])
        .expect(0)
        .json();
    assert_eq!(
        (sa["sealed"].as_bool(), sb["sealed"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(sa["seal"]["seq"], sb["seal"]["seq"]);
    assert_ne!(kv_path(&sa), kv_path(&sb));
    for (env, mine) in [(&a, &sa), (&b, &sb)] {
        let v = env
            .run("ledger", &["verify", "--strict", "--json"])
            .expect(0)
            .json();
        assert_eq!(
            v["seals_checked"], 2,
            "its own Vault seal and local copy: {v}"
        );
        let again = env.run("ledger", &["seal", "--json"]).expect(0).json();
        assert_eq!(again["sealed"], false);
        assert_eq!(again["seal"], mine["seal"]);
    }
}

#[test]
fn the_seal_key_of_older_versions_is_still_verified() {
    let (bao, env) = private_bao();
    for i in 0..2 {
        env.run("ledger", &["note", "-m", &format!("n{i}")])
            .expect(0);
    }
    let root = Vault::connect(&root_settings(bao.addr())).unwrap();
    let wrong = serde_json::json!({
        "seq": 2,
        "hash": "2222222222222222222222222222222222222222222222222222222222222222",
        "sealed_at": "2026-01-01T00:00:00Z",
        "sealed_by": "user:old-agov"
    });
    root.kv_write("agov/ledger/seal", &wrong, None).unwrap();
    let r = env.run("ledger", &["verify"]).expect(1);
    assert!(r.stderr.contains("user:old-agov"), "{}", r.stderr);
    env.run("ledger", &["seal"]).expect(1);
}

#[test]
fn with_vault_the_hmac_key_of_token_accessors_lives_in_vault() {
    let env = vault_env();
    crate::ledger::accessor_reaches_the_ledger_only_as_its_hmac(&env);
    assert!(
        !env.data().join("ledger-hmac.key").exists(),
        "no key file with Vault"
    );
    let out = bao_cli(
        &agov_testkit::shared_bao().addr(),
        Bao::ROOT_TOKEN,
        &["kv", "get", "-field=key", "secret/agov/ledger/hmac-key"],
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim().len(), 64);
}

#[test]
fn an_unreachable_vault_exits_69_with_a_hint() {
    let mut env = TestEnv::new();
    env.set("VAULT_ADDR", "http://127.0.0.1:9")
        .set("VAULT_TOKEN", "whatever");
    // Acting with a person's token, every command first asks Vault whether
    // the token may act for the tenant: nothing is written while it is away.
    let r = env.run("ledger", &["note", "-m", "x"]).expect(69);
    assert!(r.stderr.contains("unreachable"), "{}", r.stderr);
    assert!(!env.data().join("agov.db").exists(), "nothing was written");
    let r = env.run("ledger", &["seal"]).expect(69);
    assert!(
        r.stderr.contains("unreachable") && r.stderr.contains("VAULT_ADDR"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("whatever"), "the token is never printed");
}

#[test]
fn a_sealed_vault_exits_69_and_says_to_unseal() {
    let bao = Bao::start();
    let root = Vault::connect(&root_settings(bao.addr())).unwrap();
    root.send("sealing", agov_vault::Method::PUT, "sys/seal", None)
        .unwrap();
    let mut env = TestEnv::new();
    env.set("VAULT_ADDR", &bao.addr())
        .set("VAULT_TOKEN", Bao::ROOT_TOKEN);
    env.run("ledger", &["note", "-m", "x"]).expect(69);
    let r = env.run("ledger", &["seal"]).expect(69);
    assert!(
        r.stderr.contains("sealed") && r.stderr.contains("unseal"),
        "{}",
        r.stderr
    );
}

#[test]
fn vault_without_credentials_is_a_usage_error() {
    let mut env = TestEnv::new();
    env.set("VAULT_ADDR", &agov_testkit::shared_bao().addr());
    env.run("ledger", &["note", "-m", "x"]).expect(0);
    let r = env.run("ledger", &["seal"]).expect(64);
    assert!(r.stderr.contains("VAULT_TOKEN"), "{}", r.stderr);
}

#[test]
fn a_revoked_vault_token_is_denied_with_exit_3() {
    let root = Vault::connect(&root_settings(agov_testkit::shared_bao().addr())).unwrap();
    let created = root
        .send(
            "token",
            agov_vault::Method::POST,
            "auth/token/create",
            Some(serde_json::json!({})),
        )
        .unwrap();
    let t = created["auth"]["client_token"]
        .as_str()
        .unwrap()
        .to_string();
    root.send(
        "revoke",
        agov_vault::Method::POST,
        "auth/token/revoke",
        Some(serde_json::json!({ "token": t })),
    )
    .unwrap();
    let mut env = TestEnv::new();
    env.set("VAULT_ADDR", &agov_testkit::shared_bao().addr())
        .set("VAULT_TOKEN", &t);
    env.run("ledger", &["note", "-m", "x"]).expect(3);
    let r = env.run("ledger", &["seal"]).expect(3);
    assert!(!r.stderr.contains(&t), "the token is never printed");
}

/// agov's own identity does not pile up login tokens: 50 commands in a row
/// that call OpenBao reuse one login (kept 0600 in the data folder), so one
/// governor token is live afterwards, and the secret id was used once.
#[test]
fn fifty_commands_in_a_row_leave_one_live_governor_token() {
    let (bao, env) = private_bao();
    let issued = env
        .run("pipeline", &["token", "issue", "--tier", "0", "--json"])
        .expect(0)
        .json();
    let accessor = issued["accessor"].as_str().unwrap();
    for _ in 0..49 {
        env.run("pipeline", &["token", "lookup", accessor])
            .expect(0);
    }
    assert_eq!(bao.live_tokens_with_policy("agov-governor"), 1);
    let secret_id = env
        .vars()
        .iter()
        .find(|(k, _)| k == "AGOV_VAULT_SECRET_ID")
        .unwrap()
        .1
        .clone();
    let arg = format!("secret_id={secret_id}");
    let lookup = bao.cli_json(
        Bao::ROOT_TOKEN,
        &[
            "write",
            "-format=json",
            "auth/approle/role/agov/secret-id/lookup",
            &arg,
        ],
    );
    assert_eq!(
        lookup["data"]["secret_id_num_uses"],
        agov_vault::provision::SECRET_ID_NUM_USES - 1,
        "one login for 50 commands: {lookup}"
    );
    use std::os::unix::fs::PermissionsExt;
    let cache = env.data().join("vault-login.json");
    assert_eq!(
        std::fs::metadata(&cache).unwrap().permissions().mode() & 0o777,
        0o600
    );
}
