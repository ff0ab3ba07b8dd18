//! agov-vault against a real OpenBao dev server.

use agov_config::{SecretIdSource, VaultAuth, VaultSettings};
use agov_core::Secret;
use agov_testkit::{Bao, shared_bao};
use agov_vault::{Vault, VaultError, provision};
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
    // The governor may keep ledger material in KV but not read tier secrets.
    governor
        .kv_write("agov/ledger/test-probe", &json!({"x": "1"}), None)
        .unwrap();
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
    v.call("sealing", |c| async move { vaultrs::sys::seal(c).await })
        .unwrap();
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
    v.call("sealing", |c| async move { vaultrs::sys::seal(c).await })
        .unwrap();
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
