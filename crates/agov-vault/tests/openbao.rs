//! agov-vault against a real OpenBao dev server.

use agov_config::{SecretIdSource, VaultAuth, VaultSettings};
use agov_core::Secret;
use agov_testkit::{Bao, shared_bao};
use agov_vault::{Method, Vault, VaultError, provision};
use serde_json::json;

fn settings(addr: String, auth: VaultAuth) -> VaultSettings {
    VaultSettings {
        auth,
        ..VaultSettings::with_token(addr, Secret::new(""))
    }
}

fn root(bao: &Bao) -> Vault {
    Vault::connect(&settings(
        bao.addr(),
        VaultAuth::Token(Secret::new(Bao::ROOT_TOKEN)),
    ))
    .unwrap()
}

#[test]
fn provisioning_is_idempotent_and_approle_login_works() {
    let bao = shared_bao();
    let v = root(bao);
    let first = provision::provision(&v, "approle").unwrap();
    assert!(
        first.iter().any(|c| c.contains("agov-t0-observer")),
        "{first:?}"
    );
    assert!(
        first.iter().any(|c| c.contains("token role agov-child-t4")),
        "{first:?}"
    );
    let second = provision::provision(&v, "approle").unwrap();
    assert!(second.is_empty(), "second run changed {second:?}");

    let (role_id, secret_id) = provision::approle_credentials(&v, "approle").unwrap();
    let auth = VaultAuth::AppRole {
        mount: "approle".into(),
        role_id,
        secret_id: SecretIdSource::Value(secret_id),
    };
    let governor = Vault::connect(&settings(bao.addr(), auth)).unwrap();
    // The governor may create the ledger's HMAC key (once) but not write
    // elsewhere under agov/ledger (the seal key of older versions), nor read
    // tier secrets.
    governor
        .kv_write("agov/ledger/hmac-key", &json!({"key": "00"}), Some(0))
        .unwrap();
    let err = governor
        .kv_write("agov/ledger/seal", &json!({"seq": 999}), None)
        .unwrap_err();
    assert!(matches!(err, VaultError::Denied { .. }), "{err:?}");
    let err = governor
        .kv_write("agov/ledger/hmac-key", &json!({"key": "11"}), Some(1))
        .unwrap_err();
    assert!(
        matches!(err, VaultError::Denied { .. }),
        "rewriting the key: {err:?}"
    );
    let err = governor.kv_read("agov/sandbox/anything").unwrap_err();
    assert!(matches!(err, VaultError::Denied { .. }), "{err:?}");
}

#[test]
fn kv_round_trip_with_check_and_set() {
    let v = root(shared_bao());
    let path = agov_testkit::unique("agov/ledger/kv-");
    assert_eq!(v.kv_read(&path).unwrap(), None);
    let v1 = v.kv_write(&path, &json!({"a": "1"}), Some(0)).unwrap();
    assert_eq!(v1, 1);
    let err = v.kv_write(&path, &json!({"a": "2"}), Some(0)).unwrap_err();
    assert!(err.to_string().contains("check-and-set"), "{err}");
    let v2 = v.kv_write(&path, &json!({"a": "2"}), Some(1)).unwrap();
    assert_eq!(v2, 2);
    let e = v.kv_read(&path).unwrap().unwrap();
    assert_eq!((e.version, e.data["a"].as_str()), (2, Some("2")));
}

#[test]
fn health_reports_version_and_unreachable_is_classified() {
    let v = root(shared_bao());
    assert!(!v.health().unwrap().sealed);
    let dead = Vault::connect(&settings(
        "http://127.0.0.1:9".into(),
        VaultAuth::Token(Secret::new("x")),
    ))
    .unwrap();
    let err = dead.health().unwrap_err();
    assert!(matches!(err, VaultError::Unreachable { .. }), "{err:?}");
    use agov_core::Classify;
    assert_eq!(err.class(), agov_core::FailureClass::Unavailable);
}

#[test]
fn a_sealed_vault_is_unavailable_with_an_unseal_hint() {
    let bao = Bao::start();
    let v = root(&bao);
    v.send("sealing", Method::PUT, "sys/seal", None).unwrap();
    let err = v.kv_read("agov/ledger/x").unwrap_err();
    assert!(matches!(err, VaultError::Sealed { .. }), "{err:?}");
    use agov_core::Classify;
    assert!(err.hint().unwrap().contains("unseal"));
}

#[test]
fn approle_logs_in_on_the_first_call_that_needs_a_token() {
    let bao = Bao::start();
    let v = root(&bao);
    provision::provision(&v, "approle").unwrap();
    let (role_id, secret_id) = provision::approle_credentials(&v, "approle").unwrap();
    let approle = |secret: Secret| {
        settings(
            bao.addr(),
            VaultAuth::AppRole {
                mount: "approle".into(),
                role_id: role_id.clone(),
                secret_id: SecretIdSource::Value(secret),
            },
        )
    };
    // A wrong secret id: `new` does not call Vault, the first call is denied,
    // `connect` is denied at once.
    let wrong = Vault::new(&approle(Secret::new("not-the-secret-id"))).unwrap();
    assert!(wrong.health().is_ok(), "health needs no token");
    let err = wrong.kv_read("agov/ledger/x").unwrap_err();
    assert!(matches!(err, VaultError::Denied { .. }), "{err:?}");
    let err = Vault::connect(&approle(Secret::new("not-the-secret-id")))
        .err()
        .unwrap();
    assert!(err.to_string().contains("AppRole login"), "{err}");
    use agov_core::Classify;
    assert!(
        err.hint().unwrap().contains("AGOV_VAULT_SECRET_ID"),
        "{err:?}"
    );
    // Sealed before the first call: preparing works, the call says sealed.
    let lazy = Vault::new(&approle(secret_id)).unwrap();
    v.send("sealing", Method::PUT, "sys/seal", None).unwrap();
    let err = lazy.kv_read("agov/ledger/x").unwrap_err();
    assert!(matches!(err, VaultError::Sealed { .. }), "{err:?}");
}

#[test]
fn missing_credentials_are_a_usage_error() {
    let err = Vault::connect(&settings(shared_bao().addr(), VaultAuth::Missing))
        .err()
        .unwrap();
    assert!(matches!(err, VaultError::NoCredentials { .. }));
}

#[test]
fn plan_reports_without_writing_and_is_empty_once_provisioned() {
    let bao = Bao::start();
    let v = root(&bao);
    let before = provision::plan(&v, "approle").unwrap();
    assert!(
        before.iter().all(|c| c.starts_with("would have ")),
        "{before:?}"
    );
    assert!(
        before.iter().any(|c| c.contains("agov-t3-executor")),
        "{before:?}"
    );
    assert_eq!(
        provision::plan(&v, "approle").unwrap(),
        before,
        "a plan changes nothing"
    );
    let done = provision::provision(&v, "approle").unwrap();
    assert_eq!(done.len(), before.len());
    assert!(provision::plan(&v, "approle").unwrap().is_empty());
}

/// The governor's AppRole credentials on `bao`, provisioned with `options`.
fn governor_on(bao: &Bao, options: &provision::Options) -> VaultSettings {
    let root = root(bao);
    provision::provision_with(&root, options).unwrap();
    let (role_id, secret_id) =
        provision::approle_credentials(&root, &options.approle_mount).unwrap();
    settings(
        bao.addr(),
        VaultAuth::AppRole {
            mount: options.approle_mount.clone(),
            role_id,
            secret_id: SecretIdSource::Value(secret_id),
        },
    )
}

fn live_tokens_with(bao: &Bao, policy: &str) -> usize {
    bao.live_tokens_with_policy(policy)
}

/// The governor reads exactly the service credentials it is provisioned
/// for: no wildcard under `services/`.
#[test]
fn the_governor_reads_only_the_service_secrets_named_by_exact_path() {
    let bao = Bao::start();
    let mut options = provision::Options::new("approle");
    options.service_secrets = vec!["services/dragonfly".into()];
    let gov = Vault::connect(&governor_on(&bao, &options)).unwrap();
    let root = root(&bao);
    for p in [
        "services/dragonfly",
        "services/other",
        "services/dragonfly-2",
    ] {
        root.kv_write(p, &json!({"password": "pw"}), None).unwrap();
    }
    assert_eq!(
        gov.kv_read("services/dragonfly").unwrap().unwrap().data["password"],
        "pw"
    );
    for p in ["services/other", "services/dragonfly-2", "agov/llm/other"] {
        let err = gov.kv_read(p).unwrap_err();
        assert!(matches!(err, VaultError::Denied { .. }), "{p}: {err:?}");
    }
    assert!(
        provision::plan_with(&root, &options).unwrap().is_empty(),
        "idempotent"
    );
    let policy = bao.cli_json(
        Bao::ROOT_TOKEN,
        &["policy", "read", "-format=json", "agov-governor"],
    );
    assert!(!policy.to_string().contains("services/*"), "{policy}");
}

/// agov's AppRole secret id expires and has a bounded number of uses; its
/// login tokens live 15 min (1 h at most), and a login nobody will reuse is
/// revoked when its process lets go of it.
#[test]
fn the_governor_secret_id_is_bounded_and_its_logins_do_not_linger() {
    let bao = Bao::start();
    let gov_settings = governor_on(&bao, &provision::Options::new("approle"));
    let role = bao.cli_json(
        Bao::ROOT_TOKEN,
        &["read", "-format=json", "auth/approle/role/agov"],
    );
    let d = &role["data"];
    assert_eq!(d["secret_id_ttl"], provision::SECRET_ID_TTL_SECS, "{role}");
    assert_eq!(
        d["secret_id_num_uses"],
        provision::SECRET_ID_NUM_USES,
        "{role}"
    );
    assert_eq!(d["token_ttl"], 900, "{role}");
    assert_eq!(d["token_max_ttl"], 3600, "{role}");

    // A secret id limited to one use: the second login is refused.
    let once = bao.cli_json(
        Bao::ROOT_TOKEN,
        &[
            "write",
            "-format=json",
            "auth/approle/role/agov/secret-id",
            "num_uses=1",
        ],
    )["data"]["secret_id"]
        .as_str()
        .unwrap()
        .to_string();
    let with_secret = |s: &str| VaultSettings {
        auth: match &gov_settings.auth {
            VaultAuth::AppRole { mount, role_id, .. } => VaultAuth::AppRole {
                mount: mount.clone(),
                role_id: role_id.clone(),
                secret_id: SecretIdSource::Value(Secret::new(s)),
            },
            _ => unreachable!(),
        },
        ..gov_settings.clone()
    };
    drop(Vault::connect(&with_secret(&once)).unwrap());
    let err = Vault::connect(&with_secret(&once)).err().unwrap();
    assert!(matches!(err, VaultError::Denied { .. }), "{err:?}");

    // Without a login cache a login is revoked when the client is dropped.
    assert_eq!(live_tokens_with(&bao, "agov-governor"), 0);
    let gov = Vault::connect(&gov_settings).unwrap();
    let me = gov
        .send("lookup-self", Method::GET, "auth/token/lookup-self", None)
        .unwrap();
    let ttl = me["data"]["ttl"].as_u64().unwrap();
    assert!(ttl <= 900, "{ttl}");
    let accessor = me["data"]["accessor"].as_str().unwrap().to_string();
    assert!(bao.accessor_is_live(&accessor));
    drop(gov);
    assert!(!bao.accessor_is_live(&accessor), "revoked at the end");
    // So is one the cache cannot take.
    let gov = Vault::new(&gov_settings)
        .unwrap()
        .with_login_cache("/proc/no-such-dir/login.json".into());
    gov.kv_read("agov/ledger/hmac-key").unwrap();
    drop(gov);
    assert_eq!(live_tokens_with(&bao, "agov-governor"), 0);
}

/// 50 clients in a row with a login cache leave one live governor token
/// and log in once; the cache file is private.
#[test]
fn a_cached_login_is_reused_so_fifty_clients_leave_one_governor_token() {
    let bao = Bao::start();
    let gov_settings = governor_on(&bao, &provision::Options::new("approle"));
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("data/vault-login.json");
    for _ in 0..50 {
        let gov = Vault::new(&gov_settings)
            .unwrap()
            .with_login_cache(cache.clone());
        gov.kv_read("agov/ledger/hmac-key").unwrap();
    }
    assert_eq!(live_tokens_with(&bao, "agov-governor"), 1);
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&cache).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    // A cached token revoked behind agov's back: the next client logs in again.
    let cached: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cache).unwrap()).unwrap();
    let out = bao.cli(
        Bao::ROOT_TOKEN,
        &["token", "revoke", cached["token"].as_str().unwrap()],
    );
    assert!(out.status.success());
    let gov = Vault::new(&gov_settings)
        .unwrap()
        .with_login_cache(cache.clone());
    gov.kv_read("agov/ledger/hmac-key").unwrap();
    drop(gov);
    assert_eq!(live_tokens_with(&bao, "agov-governor"), 1);
}

/// With bound CIDRs, agov's secret ids and login tokens work only from
/// there: bound to loopback it logs in; bound elsewhere it is refused.
#[test]
fn bound_cidrs_confine_where_the_governor_logs_in_from() {
    let bao = Bao::start();
    let mut options = provision::Options::new("approle");
    options.bound_cidrs = vec!["127.0.0.1/32".into()];
    let here = governor_on(&bao, &options);
    Vault::connect(&here)
        .unwrap()
        .kv_read("agov/ledger/hmac-key")
        .unwrap();
    assert!(
        provision::plan_with(&root(&bao), &options)
            .unwrap()
            .is_empty()
    );
    options.bound_cidrs = vec!["10.9.9.0/24".into()];
    let elsewhere = governor_on(&bao, &options);
    let err = Vault::connect(&elsewhere).err().unwrap();
    assert!(matches!(err, VaultError::Denied { .. }), "{err:?}");
}

#[test]
fn a_read_started_early_answers_the_next_identical_call_once() {
    let bao = shared_bao();
    let v = root(bao);
    let path = format!("agov/test/ahead-{}", std::process::id());
    v.kv_write(&path, &json!({"n": "1"}), None).unwrap();
    let api_path = format!("{}/data/{path}", v.kv_mount());
    v.read_ahead(Method::GET, &api_path, None);
    // Let it finish, then change the secret behind its back.
    std::thread::sleep(std::time::Duration::from_millis(300));
    root(bao).kv_write(&path, &json!({"n": "2"}), None).unwrap();
    let first = v.kv_read(&path).unwrap().unwrap();
    assert_eq!(first.data["n"], "1", "the early read's answer is taken");
    let second = v.kv_read(&path).unwrap().unwrap();
    assert_eq!(
        second.data["n"], "2",
        "and only once: the next read asks Vault"
    );
    // A read started for another path or another token answers nothing else.
    v.read_ahead(Method::GET, &format!("{api_path}-other"), None);
    assert_eq!(v.kv_read(&path).unwrap().unwrap().data["n"], "2");
}
