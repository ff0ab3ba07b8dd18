//! Who presents a token, and what Vault itself grants it: the operator's
//! privileged acts (`agov/operator/<act>`, policy `agov-operator`) and acting
//! for a tenant (`agov/tenant/<tenant>`, policy `agov-tenant-<tenant>`).
//!
//! Each check is one round trip: `auth/token/lookup-self` and
//! `sys/capabilities-self` are sent at once, the latter asking about the
//! tenant's path and every operator act together, so a command that checks
//! its tenant and then an act asks Vault once (answers are trusted for 5 s
//! within one process, never kept elsewhere). Vault decides; nothing in
//! agov's environment can change the answer. The paths lie outside every
//! mount, so they grant nothing but the decision.

use agov_core::Secret;
use serde_json::{Value, json};

use crate::client::{Login, Method, Vault};
use crate::error::VaultError;

/// The path whose `update` capability marks an operator allowed to perform
/// the privileged act `act` (`agov/operator/promote` …): only
/// `policies/operator.hcl` names it.
pub fn operator_path(act: &str) -> String {
    format!("agov/operator/{act}")
}

/// The path whose `update` capability lets a token act for `tenant`
/// (`agov/tenant/acme`): only the tenant's policy (`policies/tenant.hcl`,
/// installed as `agov-tenant-<tenant>`) names it. Tenant names are
/// `a-z 0-9 - _`, so no name can widen the path into a glob.
pub fn tenant_path(tenant: &str) -> String {
    format!("agov/tenant/{tenant}")
}

/// What a capability check found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CapabilityCheck {
    /// The token's display name (without Vault's `token-` prefix).
    pub name: String,
    /// Its identity entity, when it has one.
    pub entity_id: Option<String>,
    /// Whether Vault grants it `update` on the path (or it is a root token).
    pub allowed: bool,
}

/// The check of an operator's act (kept under its former name).
pub type OperatorCheck = CapabilityCheck;

impl Vault {
    /// The identity of the person's token (`VAULT_TOKEN`; without one, the
    /// token agov acts with, e.g. its AppRole login) and whether Vault grants
    /// it `update` on [`operator_path`]`(act)`, which only the
    /// `agov-operator` policy does.
    pub fn operator_check(&self, act: &str) -> Result<CapabilityCheck, VaultError> {
        let token = match &self.operator_token {
            Some(t) => t.clone(),
            None => self.session()?.token.clone(),
        };
        self.capability_check(&token, &operator_path(act))
    }

    /// Whether the person's token (`VAULT_TOKEN`, beside AppRole or alone)
    /// may act for `tenant`: `update` on [`tenant_path`]`(tenant)`. `None`
    /// when no personal token is presented (agov runs on its AppRole
    /// credentials alone): there is nobody to ask about. Never logs in.
    pub fn tenant_check(&self, tenant: &str) -> Result<Option<CapabilityCheck>, VaultError> {
        let token = match (&self.operator_token, &self.login) {
            (Some(t), _) | (None, Login::Token(t)) => t.clone(),
            (None, Login::AppRole { .. }) => return Ok(None),
        };
        self.capability_check(&token, &tenant_path(tenant))
            .map(Some)
    }

    /// `token`'s display name and whether it holds `update` on `path`: one
    /// round trip (the lookup and the check are in flight together), which
    /// also asks about every operator act ([`OPERATOR_ACTS`]), so that a
    /// command's tenant check and its operator check cost one round trip
    /// between them. Answers are kept for [`ANSWER_LIFE`] in this process.
    fn capability_check(&self, token: &Secret, path: &str) -> Result<CapabilityCheck, VaultError> {
        let key = format!(
            "{}|{}|{}",
            self.addr(),
            self.namespace.as_deref().unwrap_or(""),
            token.expose()
        );
        if let Some(known) = answers::recall(&key, path) {
            return Ok(known);
        }
        let mut paths = vec![path.to_string()];
        paths.extend(
            OPERATOR_ACTS
                .iter()
                .map(|a| operator_path(a))
                .filter(|p| p != path),
        );
        let lookup = self.request(Method::GET, "auth/token/lookup-self", None, Some(token));
        let caps = self.request(
            Method::POST,
            "sys/capabilities-self",
            Some(json!({ "paths": paths })),
            Some(token),
        );
        let (lookup, caps) = self.rt.block_on(async {
            let lookup = tokio::spawn(lookup);
            let caps = caps.await;
            (lookup.await, caps)
        });
        // A token whose policies do not even allow these two calls is
        // granted nothing (agov's own AppRole identity cannot ask about
        // itself).
        let me =
            match lookup.map_err(|e| VaultError::Setup(format!("the lookup task failed: {e}")))? {
                Ok((_, me)) => me,
                Err(VaultError::Denied { .. }) => {
                    json!({"data": {"display_name": "(a token that may not look itself up)"}})
                }
                Err(e) => return Err(e),
            };
        let caps = match caps {
            Ok((_, caps)) => caps,
            Err(VaultError::Denied { .. }) => Value::Null,
            Err(e) => return Err(e),
        };
        let data = me.get("data").cloned().unwrap_or(Value::Null);
        let display = data["display_name"].as_str().unwrap_or_default();
        let name = display
            .strip_prefix("token-")
            .unwrap_or(display)
            .to_string();
        let entity_id = data["entity_id"]
            .as_str()
            .filter(|e| !e.is_empty())
            .map(str::to_string);
        // Each path's own answer, never a union of them.
        let allowed = |p: &str| {
            caps.get(p)
                .or_else(|| caps.get("data").and_then(|d| d.get(p)))
                .and_then(Value::as_array)
                .is_some_and(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .any(|c| c == "update" || c == "root")
                })
        };
        let granted: Vec<(String, bool)> = paths.iter().map(|p| (p.clone(), allowed(p))).collect();
        let check = CapabilityCheck {
            name,
            entity_id,
            allowed: allowed(path),
        };
        answers::keep(key, &check, granted);
        Ok(check)
    }
}

/// The privileged acts of `policies/operator.hcl` (`agov/operator/<act>`),
/// asked about together with any capability check.
pub const OPERATOR_ACTS: &[&str] = &[
    "promote",
    "demote",
    "reinstate",
    "approve-action",
    "decide-gate",
    "fallback",
    "revoke",
    "reveal",
];

/// How long this process trusts an answer of Vault's about a token.
pub const ANSWER_LIFE: std::time::Duration = std::time::Duration::from_secs(5);

/// Vault's recent answers about tokens, in this process only.
mod answers {
    use std::sync::Mutex;
    use std::time::Instant;

    use super::{ANSWER_LIFE, CapabilityCheck};

    struct Answer {
        key: String,
        at: Instant,
        name: String,
        entity_id: Option<String>,
        granted: Vec<(String, bool)>,
    }

    static ANSWERS: Mutex<Vec<Answer>> = Mutex::new(Vec::new());

    /// What Vault said about `path` for the token of `key`, if recent.
    pub(super) fn recall(key: &str, path: &str) -> Option<CapabilityCheck> {
        let answers = ANSWERS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let a = answers
            .iter()
            .find(|a| a.key == key && a.at.elapsed() < ANSWER_LIFE)?;
        let allowed = a.granted.iter().find(|(p, _)| p == path)?.1;
        Some(CapabilityCheck {
            name: a.name.clone(),
            entity_id: a.entity_id.clone(),
            allowed,
        })
    }

    /// Keeps Vault's answer about the token of `key`.
    pub(super) fn keep(key: String, check: &CapabilityCheck, granted: Vec<(String, bool)>) {
        let mut answers = ANSWERS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        answers.retain(|a| a.key != key && a.at.elapsed() < ANSWER_LIFE);
        answers.push(Answer {
            key,
            at: Instant::now(),
            name: check.name.clone(),
            entity_id: check.entity_id.clone(),
            granted,
        });
    }
}
