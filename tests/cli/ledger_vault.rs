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
    agov_vault::provision::provision(&root, "approle").unwrap();
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
/// [`SERVICE_SECRET`] as its only service credential).
pub fn governor() -> &'static (String, Secret) {
    static CREDS: OnceLock<(String, Secret)> = OnceLock::new();
    CREDS.get_or_init(|| {
        let root = Vault::connect(&root_settings(agov_testkit::shared_bao().addr())).unwrap();
        let mut options = agov_vault::provision::Options::new("approle");
        options.service_secrets = vec![SERVICE_SECRET.into()];
        agov_vault::provision::provision_with(&root, &options).unwrap();
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

/// An operator's token on the shared OpenBao (policy agov-operator only,
/// display name [`OPERATOR`]), created once.
pub fn operator_token() -> &'static str {
    static TOKEN: OnceLock<String> = OnceLock::new();
    TOKEN.get_or_init(|| {
        governor();
        token_with(agov_testkit::shared_bao(), OPERATOR, &["agov-operator"])
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

#[test]
fn seals_live_in_vault_and_catch_a_rewritten_ledger() {
    let env = vault_env();
    for i in 0..3 {
        env.run("ledger", &["note", "-m", &format!("n{i}")])
            .expect(0);
    }
    let sealed = env.run("ledger", &["seal", "--json"]).expect(0).json();
    assert!(
        sealed["stored_in"]
            .as_str()
            .unwrap()
            .contains("secret/agov/ledger/seal"),
        "{sealed}"
    );
    let v = env.run("ledger", &["verify", "--json"]).expect(0).json();
    assert_eq!(v["seals_checked"], 1);

    // Someone replaces the whole database with a fresh, self-consistent chain.
    std::fs::remove_file(env.data().join("agov.db")).unwrap();
    let _ = std::fs::remove_file(env.data().join("agov.db-wal"));
    let _ = std::fs::remove_file(env.data().join("agov.db-shm"));
    env.run("ledger", &["note", "-m", "forged history"])
        .expect(0);
    let r = env.run("ledger", &["verify"]).expect(1);
    assert!(r.stderr.contains("sealed at #3"), "{}", r.stderr);
}

#[test]
fn an_unreachable_vault_exits_69_with_a_hint() {
    let mut env = TestEnv::new();
    env.set("VAULT_ADDR", "http://127.0.0.1:9")
        .set("VAULT_TOKEN", "whatever");
    env.run("ledger", &["note", "-m", "notes do not need Vault"])
        .expect(0);
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
    root.call("sealing", |c| async move { vaultrs::sys::seal(c).await })
        .unwrap();
    let mut env = TestEnv::new();
    env.set("VAULT_ADDR", &bao.addr())
        .set("VAULT_TOKEN", Bao::ROOT_TOKEN);
    env.run("ledger", &["note", "-m", "x"]).expect(0);
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
    let t = root
        .call(
            "token",
            |c| async move { vaultrs::token::new(c, None).await },
        )
        .unwrap()
        .client_token;
    let tok = t.clone();
    root.call("revoke", |c| async move {
        vaultrs::token::revoke(c, &tok).await
    })
    .unwrap();
    let mut env = TestEnv::new();
    env.set("VAULT_ADDR", &agov_testkit::shared_bao().addr())
        .set("VAULT_TOKEN", &t);
    env.run("ledger", &["note", "-m", "x"]).expect(0);
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
