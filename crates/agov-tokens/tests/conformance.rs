//! One set of cases, run against both token authorities: the embedded one and
//! Vault (a real OpenBao dev server, with agov logged in as its AppRole
//! identity, so the governor policy is exercised too).

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use agov_config::{SecretIdSource, VaultAuth, VaultSettings};
use agov_core::{Secret, Tier};
use agov_tokens::{EmbeddedAuthority, IssueRequest, TokenAuthority, TokenError, VaultAuthority};
use agov_vault::{Vault, VaultError, provision};

fn vault_settings(addr: String, auth: VaultAuth) -> VaultSettings {
    VaultSettings {
        auth,
        ..VaultSettings::with_token(addr, Secret::new(""))
    }
}

fn root_vault() -> Vault {
    let bao = agov_testkit::shared_bao();
    Vault::connect(&vault_settings(
        bao.addr(),
        VaultAuth::Token(Secret::new(agov_testkit::Bao::ROOT_TOKEN)),
    ))
    .unwrap()
}

/// agov's AppRole credentials on the shared server, provisioned once.
fn governor_auth() -> VaultAuth {
    static CREDS: OnceLock<(String, Secret)> = OnceLock::new();
    let (role_id, secret_id) = CREDS
        .get_or_init(|| {
            let root = root_vault();
            provision::provision(&root, "approle").unwrap();
            provision::approle_credentials(&root, "approle").unwrap()
        })
        .clone();
    VaultAuth::AppRole {
        mount: "approle".into(),
        role_id,
        secret_id: SecretIdSource::Value(secret_id),
    }
}

fn openbao() -> Box<dyn TokenAuthority> {
    let bao = agov_testkit::shared_bao();
    Box::new(VaultAuthority::new(
        Vault::connect(&vault_settings(bao.addr(), governor_auth())).unwrap(),
    ))
}

fn embedded() -> Box<dyn TokenAuthority> {
    let dir = Box::leak(Box::new(tempfile::tempdir().unwrap()));
    Box::new(EmbeddedAuthority::open(&dir.path().join("tokens.db")).unwrap())
}

fn req(tier: Tier) -> IssueRequest {
    let mut r = IssueRequest::new(tier, "agent-test");
    r.metadata.insert("agent".into(), "alpha".into());
    r
}

fn is_invalid<T: std::fmt::Debug>(r: Result<T, TokenError>) -> bool {
    matches!(r, Err(TokenError::Invalid))
}

mod cases {
    use super::*;

    pub fn issue_and_lookup(a: &dyn TokenAuthority) {
        let t = a.issue(&req(Tier::Builder)).unwrap();
        assert_eq!(t.tier, Tier::Builder);
        assert_eq!(t.ttl, Duration::from_secs(1800), "T2's default TTL is 30m");
        let by_token = a.lookup(&t.token).unwrap();
        let by_accessor = a.lookup_accessor(&t.accessor).unwrap();
        assert_eq!(by_token.accessor, t.accessor);
        assert_eq!(by_token.tier, Tier::Builder);
        assert_eq!(
            by_token.metadata.get("agent").map(String::as_str),
            Some("alpha")
        );
        assert!(
            !by_token.metadata.contains_key("agov_tier"),
            "reserved keys are not shown as metadata"
        );
        assert!(
            by_token.ttl_secs > 1700 && by_token.ttl_secs <= 1800,
            "{}",
            by_token.ttl_secs
        );
        assert_eq!(by_accessor.tier, by_token.tier);
        assert!(!t.token.expose().is_empty() && t.token.expose() != t.accessor);
    }

    pub fn renew_extends_the_ttl(a: &dyn TokenAuthority) {
        let mut r = req(Tier::Observer);
        r.ttl = Some(Duration::from_secs(60));
        let t = a.issue(&r).unwrap();
        let own = a.renew(&t.token, Duration::ZERO).unwrap();
        let looked_up = a.lookup(&t.token).unwrap();
        assert_eq!(
            (&own.accessor, own.tier, &own.display_name, &own.metadata),
            (
                &looked_up.accessor,
                looked_up.tier,
                &looked_up.display_name,
                &looked_up.metadata
            ),
            "a renewal answers what a lookup says"
        );
        assert!(!own.display_name.is_empty());
        assert!(
            own.ttl_secs > 30 && own.ttl_secs <= 60,
            "a zero increment renews for the TTL it was issued with: {}",
            own.ttl_secs
        );
        let renewed = a.renew(&t.token, Duration::from_secs(600)).unwrap();
        assert!(
            renewed.ttl_secs > 500 && renewed.ttl_secs <= 600,
            "{}",
            renewed.ttl_secs
        );
        let capped = a.renew(&t.token, Duration::from_secs(48 * 3600)).unwrap();
        assert!(
            capped.ttl_secs > 3000 && capped.ttl_secs <= 3600,
            "renewal stops at the tier's TTL (T0: 1h) after issue: {}",
            capped.ttl_secs
        );
        let mut p = req(Tier::Observer);
        p.delegate = true;
        let pipeline = a.issue(&p).unwrap();
        let capped = a
            .renew(&pipeline.token, Duration::from_secs(48 * 3600))
            .unwrap();
        assert!(
            capped.ttl_secs > 23 * 3600 && capped.ttl_secs <= 24 * 3600,
            "a pipeline's token stops at 24h: {}",
            capped.ttl_secs
        );
    }

    pub fn revoked_tokens_no_longer_look_up(a: &dyn TokenAuthority) {
        let t = a.issue(&req(Tier::Operator)).unwrap();
        a.revoke(&t.token).unwrap();
        assert!(is_invalid(a.lookup(&t.token)));
        assert!(is_invalid(a.lookup_accessor(&t.accessor)));
        assert!(is_invalid(a.renew(&t.token, Duration::from_secs(60))));
        a.revoke(&t.token).expect("revoking twice is fine");

        let u = a.issue(&req(Tier::Operator)).unwrap();
        a.revoke_accessor(&u.accessor).unwrap();
        assert!(is_invalid(a.lookup(&u.token)));
    }

    pub fn revoking_a_pipeline_revokes_its_agents(a: &dyn TokenAuthority) {
        let mut p = req(Tier::Builder);
        p.delegate = true;
        let pipeline = a.issue(&p).unwrap();
        let mut children = Vec::new();
        for tier in [Tier::Observer, Tier::Builder] {
            let mut c = req(tier);
            c.parent = Some(pipeline.token.clone());
            children.push(a.issue(&c).unwrap());
        }
        let standalone = a.issue(&req(Tier::Observer)).unwrap();
        for c in &children {
            a.lookup(&c.token).unwrap();
        }
        a.revoke(&pipeline.token).unwrap();
        for c in &children {
            assert!(
                is_invalid(a.lookup(&c.token)),
                "child {} survived its pipeline",
                c.tier
            );
        }
        a.lookup(&standalone.token)
            .expect("an unrelated token survives");
    }

    pub fn children_cannot_outrank_or_outlive_their_rules(a: &dyn TokenAuthority) {
        let mut p = req(Tier::Operator);
        p.delegate = true;
        let pipeline = a.issue(&p).unwrap();
        let mut too_high = req(Tier::Executor);
        too_high.parent = Some(pipeline.token.clone());
        assert!(matches!(a.issue(&too_high), Err(TokenError::Refused(_))));

        let plain = a.issue(&req(Tier::Architect)).unwrap();
        let mut c = req(Tier::Observer);
        c.parent = Some(plain.token.clone());
        assert!(
            matches!(a.issue(&c), Err(TokenError::Refused(_))),
            "a non-delegating token cannot issue"
        );

        let mut under_revoked = req(Tier::Observer);
        a.revoke(&pipeline.token).unwrap();
        under_revoked.parent = Some(pipeline.token.clone());
        assert!(is_invalid(a.issue(&under_revoked)));
    }

    pub fn forged_and_unknown_tokens_are_invalid(a: &dyn TokenAuthority) {
        assert!(is_invalid(a.lookup(&Secret::new(
            "agov.0000000000000000000000000000000000000000000000000000000000000000"
        ))));
        assert!(is_invalid(a.lookup(&Secret::new(
            "hvs.CAESIforgedforgedforgedforgedforgedforgedforged"
        ))));
        assert!(is_invalid(a.lookup_accessor("nosuchaccessor0000")));
        a.revoke_accessor("nosuchaccessor0000")
            .expect("revoking an unknown accessor is a harmless no-op");
    }

    pub fn tokens_expire_on_schedule(a: &dyn TokenAuthority) {
        let mut r = req(Tier::Observer);
        r.ttl = Some(Duration::from_secs(1));
        let t = a.issue(&r).unwrap();
        a.lookup(&t.token).unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while a.lookup(&t.token).is_ok() {
            assert!(
                Instant::now() < deadline,
                "a 1s token was still valid after 10s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn reserved_metadata_is_refused(a: &dyn TokenAuthority) {
        let mut r = req(Tier::Observer);
        r.metadata.insert("agov_tier".into(), "4".into());
        assert!(matches!(a.issue(&r), Err(TokenError::BadRequest(_))));
    }
}

macro_rules! conformance {
    ($backend:ident) => {
        mod $backend {
            #[test]
            fn issue_and_lookup() {
                super::cases::issue_and_lookup(&*super::$backend());
            }
            #[test]
            fn renew_extends_the_ttl() {
                super::cases::renew_extends_the_ttl(&*super::$backend());
            }
            #[test]
            fn revoked_tokens_no_longer_look_up() {
                super::cases::revoked_tokens_no_longer_look_up(&*super::$backend());
            }
            #[test]
            fn revoking_a_pipeline_revokes_its_agents() {
                super::cases::revoking_a_pipeline_revokes_its_agents(&*super::$backend());
            }
            #[test]
            fn children_cannot_outrank_or_outlive_their_rules() {
                super::cases::children_cannot_outrank_or_outlive_their_rules(&*super::$backend());
            }
            #[test]
            fn forged_and_unknown_tokens_are_invalid() {
                super::cases::forged_and_unknown_tokens_are_invalid(&*super::$backend());
            }
            #[test]
            fn tokens_expire_on_schedule() {
                super::cases::tokens_expire_on_schedule(&*super::$backend());
            }
            #[test]
            fn reserved_metadata_is_refused() {
                super::cases::reserved_metadata_is_refused(&*super::$backend());
            }
        }
    };
}

conformance!(embedded);
conformance!(openbao);

/// Tier enforcement is Vault's job: a T0 token cannot read what only T1+ may.
#[test]
fn openbao_enforces_tiers_a_t0_token_cannot_read_a_t1_path() {
    let root = root_vault();
    governor_auth();
    root.kv_write(
        "agov/sandbox/probe",
        &serde_json::json!({"v": "sandbox"}),
        None,
    )
    .unwrap();
    root.kv_write(
        "agov/observe/probe",
        &serde_json::json!({"v": "observe"}),
        None,
    )
    .unwrap();
    let authority = openbao();
    let as_tier = |tier| {
        let t = authority.issue(&req(tier)).unwrap();
        Vault::connect(&vault_settings(
            agov_testkit::shared_bao().addr(),
            VaultAuth::Token(t.token),
        ))
        .unwrap()
    };
    let t0 = as_tier(Tier::Observer);
    let t1 = as_tier(Tier::Operator);
    assert_eq!(
        t0.kv_read("agov/observe/probe").unwrap().unwrap().data["v"],
        "observe"
    );
    let err = t0.kv_read("agov/sandbox/probe").unwrap_err();
    assert!(
        matches!(err, VaultError::Denied { .. }),
        "T0 read a T1 path: {err:?}"
    );
    assert_eq!(
        t1.kv_read("agov/sandbox/probe").unwrap().unwrap().data["v"],
        "sandbox"
    );
    let err = t1.kv_read("agov/staging/probe").unwrap_err();
    assert!(
        matches!(err, VaultError::Denied { .. }),
        "T1 read a T3 path: {err:?}"
    );
}

/// With OpenBao sealed, a renewal fails (Unavailable, saying so) and does
/// not keep the token alive: once unsealed, it is gone at its original TTL.
#[test]
fn a_token_whose_renewal_fails_expires_on_schedule() {
    use agov_core::Classify;
    let bao = agov_testkit::Bao::start();
    let root = Vault::connect(&vault_settings(
        bao.addr(),
        VaultAuth::Token(Secret::new(agov_testkit::Bao::ROOT_TOKEN)),
    ))
    .unwrap();
    provision::provision(&root, "approle").unwrap();
    let (role_id, secret_id) = provision::approle_credentials(&root, "approle").unwrap();
    let auth = VaultAuth::AppRole {
        mount: "approle".into(),
        role_id,
        secret_id: SecretIdSource::Value(secret_id),
    };
    let a = VaultAuthority::new(Vault::connect(&vault_settings(bao.addr(), auth)).unwrap());
    let mut r = req(Tier::Observer);
    r.ttl = Some(Duration::from_secs(4));
    let issued_at = Instant::now();
    let t = a.issue(&r).unwrap();
    a.lookup(&t.token).unwrap();

    root.send("sealing", agov_vault::Method::PUT, "sys/seal", None)
        .unwrap();
    let err = a.renew(&t.token, Duration::from_secs(3600)).unwrap_err();
    assert_eq!(err.class(), agov_core::FailureClass::Unavailable, "{err}");
    assert!(err.to_string().contains("sealed"), "{err}");

    let key = bao
        .unseal_key()
        .expect("the dev server printed its unseal key");
    root.send(
        "unsealing",
        agov_vault::Method::PUT,
        "sys/unseal",
        Some(serde_json::json!({ "key": key })),
    )
    .unwrap();
    // Still valid until its TTL: the failed renewal changed nothing...
    if issued_at.elapsed() < Duration::from_secs(3) {
        a.lookup(&t.token).unwrap();
    }
    // ...and then gone, not an hour later.
    while a.lookup(&t.token).is_ok() {
        assert!(
            issued_at.elapsed() < Duration::from_secs(12),
            "a 4 s token whose renewal failed was still valid after 12 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        issued_at.elapsed() >= Duration::from_secs(3),
        "it expired early"
    );
}

/// The token in a `bao token create -format=json` answer.
fn client_token(answer: &serde_json::Value) -> String {
    answer["auth"]["client_token"]
        .as_str()
        .expect("a token in the answer")
        .to_string()
}

/// Vault itself, asked with its own CLI and not through agov, refuses a
/// tier-N pipeline token a child above tier N (and any token outside the
/// child roles), and issues children of tiers 0..=N.
#[test]
fn openbao_refuses_a_pipeline_token_children_above_its_tier() {
    let bao = agov_testkit::shared_bao();
    let authority = openbao();
    let pipeline = |tier| {
        let mut p = req(tier);
        p.delegate = true;
        authority.issue(&p).unwrap().token
    };
    let t0 = pipeline(Tier::Observer);
    let out = bao.cli(t0.expose(), &["token", "create", "-role=agov-child-t1"]);
    assert!(
        !out.status.success(),
        "a T0 pipeline token created a t1 child"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("permission denied"), "{err}");
    for escape in [
        vec!["token", "create", "-role=agov-t4"],
        vec!["token", "create", "-role=agov-pipeline-t4"],
        vec!["token", "create", "-policy=agov-t4-architect"],
    ] {
        let out = bao.cli(t0.expose(), &escape);
        assert!(!out.status.success(), "a T0 pipeline token ran {escape:?}");
    }
    let child = client_token(&bao.cli_json(
        t0.expose(),
        &["token", "create", "-format=json", "-role=agov-child-t0"],
    ));
    let info = authority.lookup(&Secret::new(child)).unwrap();
    assert!(
        info.ttl_secs <= 3600 && info.tier == Tier::Observer,
        "{info:?}"
    );

    let t2 = pipeline(Tier::Builder);
    for ok in ["agov-child-t0", "agov-child-t1", "agov-child-t2"] {
        let role = format!("-role={ok}");
        let answer = bao.cli_json(t2.expose(), &["token", "create", "-format=json", &role]);
        assert!(
            answer["auth"]["policies"].to_string().contains("agov-t"),
            "{answer}"
        );
    }
    let out = bao.cli(t2.expose(), &["token", "create", "-role=agov-child-t3"]);
    assert!(
        !out.status.success(),
        "a T2 pipeline token created a t3 child"
    );
}

/// No renewal outlives a tier's TTL: Vault caps a T0 token (issued by agov,
/// or a child issued by a pipeline token with the bao CLI) at 1 h after issue
/// whatever increment is asked, and a T3 one at 15 min.
#[test]
fn openbao_caps_renewals_at_the_tier_ttl() {
    let bao = agov_testkit::shared_bao();
    let authority = openbao();
    let mut r = req(Tier::Observer);
    r.ttl = Some(Duration::from_secs(60));
    let t0 = authority.issue(&r).unwrap();
    let mut p = req(Tier::Executor);
    p.delegate = true;
    let t3_pipeline = authority.issue(&p).unwrap();
    let child = client_token(&bao.cli_json(
        t3_pipeline.token.expose(),
        &[
            "token",
            "create",
            "-format=json",
            "-role=agov-child-t3",
            "-ttl=60s",
        ],
    ));
    for (token, max) in [(t0.token.expose().to_string(), 3600), (child, 900)] {
        // As itself (renew-self), asking for 10 h.
        let renewed = bao.cli_json(
            &token,
            &["token", "renew", "-format=json", "-increment=36000s"],
        );
        let ttl = renewed["auth"]["lease_duration"].as_u64().unwrap();
        assert!(
            ttl <= max && ttl > max - 120,
            "renewed to {ttl} s, max {max}"
        );
        let looked_up = bao.cli_json(&token, &["token", "lookup", "-format=json"]);
        assert!(looked_up["data"]["ttl"].as_u64().unwrap() <= max);
    }
    for (role, max) in [("agov-t0", 3600), ("agov-child-t3", 900), ("agov-t4", 900)] {
        let path = format!("auth/token/roles/{role}");
        let r = bao.cli_json(
            agov_testkit::Bao::ROOT_TOKEN,
            &["read", "-format=json", &path],
        );
        assert_eq!(
            r["data"]["token_explicit_max_ttl"].as_u64(),
            Some(max),
            "{r}"
        );
    }
    // The governor cannot renew past it either.
    let capped = authority
        .renew(&t0.token, Duration::from_secs(10 * 3600))
        .unwrap();
    assert!(capped.ttl_secs <= 3600, "{capped:?}");
}

/// In an OpenBao namespace of its own (the README's recommended set-up),
/// agov's governor reaches only that namespace's tokens: it revokes its own,
/// and cannot look up or revoke a token of the root namespace.
#[test]
fn in_its_own_namespace_the_governor_cannot_touch_other_tokens() {
    let bao = agov_testkit::Bao::start();
    let out = bao.cli(
        agov_testkit::Bao::ROOT_TOKEN,
        &["namespace", "create", "agov"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let in_ns = |auth| VaultSettings {
        namespace: Some("agov".into()),
        ..vault_settings(bao.addr(), auth)
    };
    let root = Vault::connect(&in_ns(VaultAuth::Token(Secret::new(
        agov_testkit::Bao::ROOT_TOKEN,
    ))))
    .unwrap();
    provision::provision(&root, "approle").unwrap();
    let (role_id, secret_id) = provision::approle_credentials(&root, "approle").unwrap();
    let authority = VaultAuthority::new(
        Vault::connect(&in_ns(VaultAuth::AppRole {
            mount: "approle".into(),
            role_id,
            secret_id: SecretIdSource::Value(secret_id),
        }))
        .unwrap(),
    );
    let outsider = bao.cli_json(
        agov_testkit::Bao::ROOT_TOKEN,
        &["token", "create", "-format=json", "-policy=default"],
    )["auth"]["accessor"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(authority.lookup_accessor(&outsider).is_err());
    let _ = authority.revoke_accessor(&outsider);
    assert!(
        bao.accessor_is_live(&outsider),
        "the namespaced governor revoked a root-namespace token"
    );
    let own = authority.issue(&req(Tier::Observer)).unwrap();
    authority.lookup_accessor(&own.accessor).unwrap();
    authority.revoke_accessor(&own.accessor).unwrap();
    assert!(is_invalid(authority.lookup_accessor(&own.accessor)));
}

/// `tokens.db` does not keep dead tokens forever: the next issue forgets
/// those revoked or expired longer than the retention ago, with every token
/// issued under them, and keeps the live ones.
#[test]
fn the_embedded_authority_forgets_dead_tokens_after_the_retention() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.db");
    let week = EmbeddedAuthority::open(&path).unwrap();
    let mut parent = req(Tier::Builder);
    parent.delegate = true;
    let parent = week.issue(&parent).unwrap();
    let mut child = req(Tier::Observer);
    child.parent = Some(parent.token.clone());
    let child = week.issue(&child).unwrap();
    let kept = week.issue(&req(Tier::Observer)).unwrap();
    week.revoke(&parent.token).unwrap();
    let rows = || -> i64 {
        let db = rusqlite::Connection::open(&path).unwrap();
        db.query_row("SELECT count(*) FROM tokens", [], |r| r.get(0))
            .unwrap()
    };
    // Within the retention, the record of a revoked token stays.
    week.issue(&req(Tier::Observer)).unwrap();
    assert_eq!(rows(), 4);
    let now = EmbeddedAuthority::open(&path)
        .unwrap()
        .forgetting_after(Duration::ZERO);
    now.issue(&req(Tier::Observer)).unwrap();
    assert_eq!(rows(), 3, "the revoked parent and its child are forgotten");
    assert!(is_invalid(now.lookup_accessor(&parent.accessor)));
    assert!(is_invalid(now.lookup(&child.token)));
    assert_eq!(now.lookup(&kept.token).unwrap().accessor, kept.accessor);
}
