//! Phase 2, Secrets: the token authority round trip and, with Vault, health,
//! policies in sync with `policies/`, and tier enforcement.

use std::time::Duration;

use agov_cli::CliError;
use agov_config::{Settings, VaultAuth, VaultSettings};
use agov_core::Tier;
use agov_tokens::{IssueRequest, TokenAuthority, TokenError};
use agov_vault::{Vault, VaultError, provision};

use super::Phase;
use crate::backends;

fn approle_mount(v: &VaultSettings) -> &str {
    match &v.auth {
        VaultAuth::AppRole { mount, .. } => mount,
        _ => "approle",
    }
}

/// What to provision for these settings: the governor may read exactly the
/// service credentials they name, and every tenant the config file names
/// gets its policy.
fn options(settings: &Settings, env: &agov_config::Env, v: &VaultSettings) -> provision::Options {
    let mut o = provision::Options::new(approle_mount(v));
    o.bound_cidrs = v.bound_cidrs.clone();
    o.tenants = settings.tenants.clone();
    o.service_secrets
        .extend(settings.runtime_password_secret.iter().cloned());
    if let Some(p) = env
        .get(agov_config::env::AGOV_LLM_KEY_PATH)
        .filter(|p| !p.is_empty())
    {
        o.service_secrets.push(p.to_string());
    }
    o
}

/// Installs policies, token roles, the KV mount and AppRole in Vault (needs an admin token).
pub(super) fn apply(settings: &Settings, env: &agov_config::Env) -> Result<Vec<String>, CliError> {
    let Some(vs) = &settings.vault else {
        return Ok(Vec::new());
    };
    // The person's token (VAULT_TOKEN) provisions, also when agov itself
    // logs in with AppRole: its own identity may check but not change.
    let vault = match &vs.operator_token {
        Some(t) => Vault::connect(&VaultSettings {
            auth: VaultAuth::Token(t.clone()),
            operator_token: None,
            ..vs.clone()
        })?,
        None => Vault::connect(vs)?,
    };
    provision::provision_with(&vault, &options(settings, env, vs)).map_err(|e| {
        let denied = matches!(e, VaultError::Denied { .. });
        let err = CliError::from(e);
        if denied { err.with_hint("--apply needs a Vault token allowed to write policies and auth methods (an operator's, not agov's AppRole)") } else { err }
    })
}

pub(super) fn check(settings: &Settings, env: &agov_config::Env, phase: &mut Phase) {
    let authority = match backends::token_authority(settings) {
        Ok(a) => a,
        Err(e) => {
            phase.check("token authority reachable", Err(e.message().to_string()));
            return;
        }
    };
    if let Some(vs) = &settings.vault {
        let vault = match Vault::connect(vs) {
            Ok(v) => v,
            Err(e) => {
                phase.check("Vault reachable and logged in", Err(e.to_string()));
                return;
            }
        };
        phase.check(
            "Vault reachable and unsealed",
            vault.health().map(|_| ()).map_err(|e| e.to_string()),
        );
        phase.check(
            "policies, token roles and AppRole match policies/",
            provision::plan_with(&vault, &options(settings, env, vs))
                .map_err(|e| e.to_string())
                .and_then(|changes| {
                    if changes.is_empty() {
                        Ok(())
                    } else {
                        Err(format!("{} (run --apply)", changes.join("; ")))
                    }
                }),
        );
    } else {
        phase.not_checked(
            "Vault reachable and unsealed",
            "Vault is not configured (embedded token authority)",
        );
    }
    phase.check(
        "token issue, renew, revoke round trip",
        round_trip(authority.as_ref()),
    );
    match &settings.vault {
        Some(vs) => {
            phase.check(
                "a T0 token is denied a T1 path",
                tier_enforced(authority.as_ref(), vs),
            );
            phase.check(
                "Vault refuses a T0 pipeline's token a T1 child",
                children_capped(authority.as_ref(), vs),
            );
        }
        None => {
            phase.not_checked(
                "a T0 token is denied a T1 path",
                "tier paths are enforced by Vault, which is not configured",
            );
            phase.not_checked(
                "Vault refuses a T0 pipeline's token a T1 child",
                "the embedded authority refuses it; Vault is not configured",
            );
        }
    }
}

/// Asks Vault directly, as a T0 pipeline's token, for a child from the T1
/// child role (agov itself would refuse before asking): Vault must deny it.
fn children_capped(a: &dyn TokenAuthority, vs: &VaultSettings) -> Result<(), String> {
    let mut req = probe(Tier::Observer);
    req.delegate = true;
    let t = a.issue(&req).map_err(|e| format!("issue: {e}"))?;
    let as_pipeline = Vault::connect(&VaultSettings {
        auth: VaultAuth::Token(t.token.clone()),
        operator_token: None,
        ..vs.clone()
    })
    .map_err(|e| e.to_string());
    let role = agov_vault::policies::child_role(Tier::Operator);
    let result = as_pipeline.and_then(|v| match v.create_from_role(&role) {
        Err(VaultError::Denied { .. }) => Ok(()),
        Ok(child) => {
            let _ = a.revoke(&child);
            Err("a T0 pipeline token was given a T1 child: run --apply".to_string())
        }
        Err(e) => Err(format!("unexpected: {e}")),
    });
    let _ = a.revoke(&t.token);
    result
}

fn probe(tier: Tier) -> IssueRequest {
    let mut r = IssueRequest::new(tier, "validate-phases");
    r.ttl = Some(Duration::from_secs(60));
    r.metadata
        .insert("purpose".into(), "validate-phases probe".into());
    r
}

fn round_trip(a: &dyn TokenAuthority) -> Result<(), String> {
    let t = a
        .issue(&probe(Tier::Observer))
        .map_err(|e| format!("issue: {e}"))?;
    let info = a.lookup(&t.token).map_err(|e| format!("lookup: {e}"))?;
    if info.tier != Tier::Observer {
        return Err(format!("issued T0 but lookup says {}", info.tier));
    }
    a.renew(&t.token, Duration::from_secs(120))
        .map_err(|e| format!("renew: {e}"))?;
    a.revoke(&t.token).map_err(|e| format!("revoke: {e}"))?;
    match a.lookup(&t.token) {
        Err(TokenError::Invalid) => Ok(()),
        Ok(_) => Err("a revoked token still looks up".into()),
        Err(e) => Err(format!("lookup after revoke: {e}")),
    }
}

fn tier_enforced(a: &dyn TokenAuthority, vs: &VaultSettings) -> Result<(), String> {
    let t = a
        .issue(&probe(Tier::Observer))
        .map_err(|e| format!("issue: {e}"))?;
    let as_t0 = Vault::connect(&VaultSettings {
        auth: VaultAuth::Token(t.token.clone()),
        ..vs.clone()
    })
    .map_err(|e| e.to_string());
    let result = as_t0.and_then(|v| match v.kv_read("agov/sandbox/validate-phases-probe") {
        Err(VaultError::Denied { .. }) => Ok(()),
        Ok(_) => Err("a T0 token read a T1 path".to_string()),
        Err(e) => Err(format!("unexpected: {e}")),
    });
    let _ = a.revoke(&t.token);
    result
}
