//! Who presents a token, and what Vault itself grants it: the operator's
//! privileged acts (`agov/operator/<act>`, policy `agov-operator`) and acting
//! for a tenant (`agov/tenant/<tenant>`, policy `agov-tenant-<tenant>`).
//!
//! Each check is one round trip: `auth/token/lookup-self` and
//! `sys/capabilities-self` are sent at once. Vault decides; nothing in
//! agov's environment can change the answer. The paths lie outside every
//! mount, so they grant nothing but the decision.

use agov_core::Secret;
use serde_json::{Value, json};

use crate::client::{Login, Vault};
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
    /// round trip (the lookup and the check are in flight together).
    fn capability_check(&self, token: &Secret, path: &str) -> Result<CapabilityCheck, VaultError> {
        let lookup = self.request(
            reqwest::Method::GET,
            "auth/token/lookup-self",
            None,
            Some(token),
        );
        let caps = self.request(
            reqwest::Method::POST,
            "sys/capabilities-self",
            Some(json!({ "paths": [path] })),
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
        let granted: Vec<&str> = caps
            .get(path)
            .or_else(|| caps.pointer("/data/capabilities"))
            .or_else(|| caps.get("capabilities"))
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        Ok(CapabilityCheck {
            name,
            entity_id: data["entity_id"]
                .as_str()
                .filter(|e| !e.is_empty())
                .map(str::to_string),
            allowed: granted.iter().any(|c| *c == "update" || *c == "root"),
        })
    }
}
