//! Nothing selects a backend except configuration: these tests resolve
//! settings from an environment and check what `backends` opens, against a
//! real OpenBao and a real Redis.

use agov_commands::backends;
use agov_config::{Env, Overrides, Settings};
use agov_core::Tier;

use crate::ledger_vault::{governor, root_settings};

fn settings(home: &std::path::Path, extra: &[(&str, String)]) -> Settings {
    let mut pairs = vec![("AGOV_HOME".to_string(), home.display().to_string())];
    pairs.extend(extra.iter().map(|(k, v)| (k.to_string(), v.clone())));
    Settings::resolve(&Overrides::default(), &Env::from_pairs(pairs)).unwrap()
}

fn with_vault(home: &std::path::Path, extra: &[(&str, String)]) -> Settings {
    let (role_id, secret_id) = governor();
    let mut vars = vec![
        ("VAULT_ADDR", agov_testkit::shared_bao().addr()),
        ("AGOV_VAULT_ROLE_ID", role_id.clone()),
        ("AGOV_VAULT_SECRET_ID", secret_id.expose().to_string()),
    ];
    vars.extend(extra.iter().cloned());
    settings(home, &vars)
}

#[test]
fn the_default_is_embedded_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let s = settings(dir.path(), &[]);
    let tokens = backends::token_authority(&s).unwrap();
    assert_eq!(tokens.backend(), "embedded");
    assert_eq!(backends::runtime_store(&s).unwrap().backend(), "embedded");
    let issued = tokens
        .issue(&agov_tokens::IssueRequest::new(Tier::Observer, "t"))
        .unwrap();
    assert_eq!(tokens.lookup(&issued.token).unwrap().tier, Tier::Observer);
    let key = backends::hmac_key(&s, None).unwrap();
    assert_eq!(
        key,
        backends::hmac_key(&s, None).unwrap(),
        "the key file is stable"
    );
    use std::os::unix::fs::MetadataExt;
    let mode = std::fs::metadata(dir.path().join("data/ledger-hmac.key"))
        .unwrap()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn a_vault_address_switches_tokens_and_the_hmac_key_to_vault() {
    let dir = tempfile::tempdir().unwrap();
    let s = with_vault(dir.path(), &[]);
    let tokens = backends::token_authority(&s).unwrap();
    assert_eq!(tokens.backend(), "vault");
    let vault = backends::vault(&s).unwrap().unwrap();
    let key = backends::hmac_key(&s, Some(&vault)).unwrap();
    let again = backends::hmac_key(&s, Some(&vault)).unwrap();
    assert_eq!(key, again, "the key is created once in KV and reused");
    assert!(
        !dir.path().join("data/ledger-hmac.key").exists(),
        "no key file when Vault holds it"
    );
}

#[test]
fn a_redis_url_switches_runtime_state_to_redis_with_its_password_from_vault() {
    let dir = tempfile::tempdir().unwrap();
    let server = agov_testkit::Redis::start_with_password("pw-from-vault");
    let root =
        agov_vault::Vault::connect(&root_settings(agov_testkit::shared_bao().addr())).unwrap();
    root.kv_write(
        "services/dragonfly",
        &serde_json::json!({ "password": "pw-from-vault" }),
        None,
    )
    .unwrap();
    std::fs::create_dir_all(dir.path()).unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "[runtime]\npassword_secret = \"services/dragonfly\"\n",
    )
    .unwrap();
    let url = format!("redis://127.0.0.1:{}/0", server.port);
    let s = with_vault(dir.path(), &[("AGOV_RUNTIME_URL", url.clone())]);
    let store = backends::runtime_store(&s).unwrap();
    assert_eq!(store.backend(), "redis");
    store.set("probe", b"ok", None).unwrap();

    // A credential the governor was not provisioned for, even beside it:
    // refused by Vault (exit 3), not read.
    root.kv_write(
        "services/dragonfly-other",
        &serde_json::json!({ "password": "pw-from-vault" }),
        None,
    )
    .unwrap();
    let other = tempfile::tempdir().unwrap();
    std::fs::write(
        other.path().join("config.toml"),
        "[runtime]\npassword_secret = \"services/dragonfly-other\"\n",
    )
    .unwrap();
    let s = with_vault(
        other.path(),
        &[(
            "AGOV_RUNTIME_URL",
            format!("redis://127.0.0.1:{}/0", server.port),
        )],
    );
    let err = backends::runtime_store(&s).err().unwrap();
    assert_eq!(err.exit() as u8, 3, "{}", err.message());

    // Without Vault the same config is a clear usage error.
    let no_vault = settings(dir.path(), &[("AGOV_RUNTIME_URL", url)]);
    let err = backends::runtime_store(&no_vault).err().unwrap();
    assert_eq!(err.exit() as u8, 64, "{}", err.message());
}
