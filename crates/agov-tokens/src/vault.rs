//! The Vault/OpenBao token authority.
//!
//! Top-level tokens come from the orphan role `agov-tN`; a pipeline's token
//! (issued with `delegate`) comes from `agov-pipeline-tN` and carries only
//! the `agov-pipeline-tN` policy, which lets it issue its agents' tokens from
//! the child roles `agov-child-t0` … `agov-child-tN` as itself, so they are
//! its children and die with it, and Vault itself refuses a child above the
//! pipeline's tier. Tier roles cap a token's life, renewals included, at its
//! tier's TTL. The tier and the delegate flag travel in
//! the token's metadata (`agov_tier`, `agov_delegate`).

use std::collections::BTreeMap;
use std::time::Duration;

use agov_core::{Secret, Tier};
use agov_vault::{Auth, Method, Vault, VaultError, policies, strings};
use serde_json::{Value, json};

use crate::{IssueRequest, IssuedToken, TokenAuthority, TokenError, TokenInfo, validate};

/// Tokens from Vault or OpenBao.
pub struct VaultAuthority {
    vault: Vault,
}

impl VaultAuthority {
    /// Uses `vault` (logged in as agov's governor identity, or root).
    pub fn new(vault: Vault) -> VaultAuthority {
        VaultAuthority { vault }
    }

    /// The underlying client.
    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// Starts looking up `accessor` now, so that a later
    /// [`TokenAuthority::lookup_accessor`] of it takes the answer instead of
    /// a round trip of its own ([`Vault::read_ahead`]).
    pub fn read_ahead_accessor(vault: &Vault, accessor: &str) {
        vault.read_ahead(
            Method::POST,
            LOOKUP_ACCESSOR,
            Some(json!({ "accessor": accessor })),
        );
    }

    /// A lookup-like call: the token's state from `data` of the answer.
    fn look(&self, what: &str, path: &str, body: Option<Value>) -> Result<TokenInfo, TokenError> {
        let method = if body.is_some() {
            Method::POST
        } else {
            Method::GET
        };
        let answer = self.vault.send(what, method, path, body).map_err(gone)?;
        Ok(to_info(&answer["data"]))
    }
}

/// Vault's lookup of a token by accessor.
const LOOKUP_ACCESSOR: &str = "auth/token/lookup-accessor";

/// Vault says "bad token" (or "invalid accessor") for tokens that are gone.
fn gone(e: VaultError) -> TokenError {
    match &e {
        VaultError::Denied { detail, .. } | VaultError::Api { detail, .. }
            if [
                "bad token",
                "invalid token",
                "invalid accessor",
                "token not found",
            ]
            .iter()
            .any(|m| detail.contains(m)) =>
        {
            TokenError::Invalid
        }
        _ => TokenError::Vault(e),
    }
}

/// A token's state from the `data` of a lookup.
fn to_info(data: &Value) -> TokenInfo {
    let display = data["display_name"].as_str().unwrap_or_default();
    let mut info = from_metadata(
        data["accessor"].as_str().unwrap_or_default().to_string(),
        strings(&data["meta"]),
        data["ttl"].as_u64().unwrap_or(0),
    );
    info.display_name = display
        .strip_prefix("token-")
        .unwrap_or(display)
        .to_string();
    info
}

/// A token's state from its accessor, metadata and TTL; the display name is
/// the one kept in the metadata at issue (`agov_name`), empty if none.
fn from_metadata(
    accessor: String,
    mut metadata: BTreeMap<String, String>,
    ttl_secs: u64,
) -> TokenInfo {
    let tier = metadata
        .remove("agov_tier")
        .and_then(|t| t.parse::<Tier>().ok())
        .unwrap_or(Tier::Observer);
    let delegate = metadata.remove("agov_delegate").as_deref() == Some("true");
    TokenInfo {
        accessor,
        tier,
        display_name: metadata.remove("agov_name").unwrap_or_default(),
        metadata,
        ttl_secs,
        delegate,
    }
}

impl TokenAuthority for VaultAuthority {
    fn backend(&self) -> &'static str {
        "vault"
    }

    fn issue(&self, req: &IssueRequest) -> Result<IssuedToken, TokenError> {
        let ttl = validate(req)?;
        let mut meta = req.metadata.clone();
        meta.insert("agov_tier".into(), req.tier.number().to_string());
        meta.insert("agov_delegate".into(), req.delegate.to_string());
        // The renewal's answer carries metadata but not the display name.
        meta.insert("agov_name".into(), req.display_name.clone());
        let policy = if req.delegate {
            policies::pipeline_policy(req.tier).name
        } else {
            policies::tier_policy(req.tier).name
        };
        let body = json!({
            "policies": [policy],
            "meta": meta,
            "ttl": format!("{}s", ttl.as_secs()),
            "display_name": req.display_name,
            "renewable": true,
        });
        let (what, answer) = match &req.parent {
            None => {
                let role = if req.delegate {
                    policies::pipeline_role(req.tier)
                } else {
                    policies::tier_role(req.tier)
                };
                let what = format!("issuing a {} token", req.tier);
                let answer = self.vault.send(
                    &what,
                    Method::POST,
                    &format!("auth/token/create/{role}"),
                    Some(body),
                )?;
                (what, answer)
            }
            Some(parent) => {
                let p = self.lookup(parent)?;
                if !p.delegate {
                    return Err(TokenError::Refused(
                        "the parent token may not issue tokens".into(),
                    ));
                }
                if req.tier > p.tier {
                    return Err(TokenError::Refused(format!(
                        "a {} token cannot issue a {} token",
                        p.tier, req.tier
                    )));
                }
                let role = policies::child_role(req.tier);
                let what = format!("issuing a child {} token", req.tier);
                let answer = self
                    .vault
                    .send_as(
                        parent,
                        &what,
                        Method::POST,
                        &format!("auth/token/create/{role}"),
                        Some(body),
                    )
                    .map_err(gone)?;
                (what, answer)
            }
        };
        let auth = Auth::of(&what, &answer)?;
        Ok(IssuedToken {
            token: auth.token,
            accessor: auth.accessor,
            tier: req.tier,
            ttl: Duration::from_secs(auth.lease_secs),
        })
    }

    fn renew(&self, token: &Secret, increment: Duration) -> Result<TokenInfo, TokenError> {
        // No increment renews for the TTL the token was issued with.
        let mut body = json!({ "token": token.expose() });
        if !increment.is_zero() {
            body["increment"] = json!(format!("{}s", increment.as_secs()));
        }
        let what = "renewing a token";
        let answer = self
            .vault
            .send(what, Method::POST, "auth/token/renew", Some(body))
            .map_err(gone)?;
        let auth = Auth::of(what, &answer)?;
        // The answer has what a lookup would say (one round trip fewer),
        // except for tokens issued before agov kept the name in metadata.
        if !auth.metadata.contains_key("agov_name") {
            return self.lookup(token);
        }
        Ok(from_metadata(auth.accessor, auth.metadata, auth.lease_secs))
    }

    fn revoke(&self, token: &Secret) -> Result<(), TokenError> {
        let body = json!({ "token": token.expose() });
        match self
            .vault
            .send(
                "revoking a token",
                Method::POST,
                "auth/token/revoke",
                Some(body),
            )
            .map_err(gone)
        {
            Err(TokenError::Invalid) => Ok(()),
            other => other.map(drop),
        }
    }

    fn revoke_accessor(&self, accessor: &str) -> Result<(), TokenError> {
        let body = json!({ "accessor": accessor });
        match self
            .vault
            .send(
                "revoking a token by accessor",
                Method::POST,
                "auth/token/revoke-accessor",
                Some(body),
            )
            .map_err(gone)
        {
            Err(TokenError::Invalid) => Ok(()),
            other => other.map(drop),
        }
    }

    fn lookup(&self, token: &Secret) -> Result<TokenInfo, TokenError> {
        self.look(
            "looking up a token",
            "auth/token/lookup",
            Some(json!({ "token": token.expose() })),
        )
    }

    fn whoami(&self) -> Option<String> {
        self.look(
            "looking up agov's own token",
            "auth/token/lookup-self",
            None,
        )
        .ok()
        .map(|info| info.display_name)
        .filter(|n| !n.is_empty())
    }

    fn operator(&self, act: &str) -> Result<Option<String>, TokenError> {
        let check = self.vault.operator_check(act)?;
        if check.allowed {
            Ok(Some(check.name))
        } else {
            Err(TokenError::NotOperator {
                who: check.name,
                act: act.to_string(),
            })
        }
    }

    fn lookup_accessor(&self, accessor: &str) -> Result<TokenInfo, TokenError> {
        self.look(
            "looking up a token by accessor",
            LOOKUP_ACCESSOR,
            Some(json!({ "accessor": accessor })),
        )
    }
}
