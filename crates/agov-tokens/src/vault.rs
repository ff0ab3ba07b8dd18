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

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use agov_core::{Secret, Tier};
use agov_vault::{Vault, VaultError, policies};
use vaultrs::api::token::requests::CreateRoleTokenRequestBuilder;
use vaultrs::api::token::responses::LookupTokenResponse;

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
}

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

fn to_info(r: LookupTokenResponse) -> TokenInfo {
    let display_name = r
        .display_name
        .strip_prefix("token-")
        .unwrap_or(&r.display_name)
        .to_string();
    let mut info = from_metadata(r.accessor, r.meta.unwrap_or_default(), r.ttl);
    info.display_name = display_name;
    info
}

/// A token's state from its accessor, metadata and TTL; the display name is
/// the one kept in the metadata at issue (`agov_name`), empty if none.
fn from_metadata(accessor: String, meta: HashMap<String, String>, ttl_secs: u64) -> TokenInfo {
    let mut metadata: BTreeMap<String, String> = meta.into_iter().collect();
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
        let mut meta: HashMap<String, String> = req.metadata.clone().into_iter().collect();
        meta.insert("agov_tier".into(), req.tier.number().to_string());
        meta.insert("agov_delegate".into(), req.delegate.to_string());
        // The renewal's answer carries metadata but not the display name.
        meta.insert("agov_name".into(), req.display_name.clone());
        let policy_names = vec![
            if req.delegate {
                policies::pipeline_policy(req.tier).name
            } else {
                policies::tier_policy(req.tier).name
            }
            .to_string(),
        ];
        let mut opts = CreateRoleTokenRequestBuilder::default();
        opts.policies(policy_names)
            .meta(meta)
            .ttl(format!("{}s", ttl.as_secs()))
            .display_name(req.display_name.clone())
            .renewable(true);
        let auth = match &req.parent {
            None => {
                let role = if req.delegate {
                    policies::pipeline_role(req.tier)
                } else {
                    policies::tier_role(req.tier)
                };
                self.vault
                    .call(&format!("issuing a {} token", req.tier), |c| async move {
                        vaultrs::token::new_role(c, &role, Some(&mut opts)).await
                    })?
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
                self.vault
                    .call_as(parent, &format!("issuing a child {} token", req.tier), |c| async move {
                        vaultrs::token::new_role(&c, &role, Some(&mut opts)).await
                    })
                    .map_err(gone)?
            }
        };
        Ok(IssuedToken {
            token: Secret::new(auth.client_token),
            accessor: auth.accessor,
            tier: req.tier,
            ttl: Duration::from_secs(auth.lease_duration),
        })
    }

    fn renew(&self, token: &Secret, increment: Duration) -> Result<TokenInfo, TokenError> {
        // No increment renews for the TTL the token was issued with.
        let inc = (!increment.is_zero()).then(|| format!("{}s", increment.as_secs()));
        let t = token.expose();
        let auth = self
            .vault
            .call("renewing a token", |c| async move {
                vaultrs::token::renew(c, t, inc.as_deref()).await
            })
            .map_err(gone)?;
        // The answer has what a lookup would say (one round trip fewer),
        // except for tokens issued before agov kept the name in metadata.
        let meta = auth.metadata.unwrap_or_default();
        if !meta.contains_key("agov_name") {
            return self.lookup(token);
        }
        Ok(from_metadata(auth.accessor, meta, auth.lease_duration))
    }

    fn revoke(&self, token: &Secret) -> Result<(), TokenError> {
        let t = token.expose();
        match self
            .vault
            .call("revoking a token", |c| async move {
                vaultrs::token::revoke(c, t).await
            })
            .map_err(gone)
        {
            Err(TokenError::Invalid) => Ok(()),
            other => other,
        }
    }

    fn revoke_accessor(&self, accessor: &str) -> Result<(), TokenError> {
        match self
            .vault
            .call("revoking a token by accessor", |c| async move {
                vaultrs::token::revoke_accessor(c, accessor).await
            })
            .map_err(gone)
        {
            Err(TokenError::Invalid) => Ok(()),
            other => other,
        }
    }

    fn lookup(&self, token: &Secret) -> Result<TokenInfo, TokenError> {
        let t = token.expose();
        self.vault
            .call("looking up a token", |c| async move {
                vaultrs::token::lookup(c, t).await
            })
            .map(to_info)
            .map_err(gone)
    }

    fn whoami(&self) -> Option<String> {
        self.vault
            .call("looking up agov's own token", |c| async move {
                vaultrs::token::lookup_self(c).await
            })
            .ok()
            .map(|r| to_info(r).display_name)
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
        self.vault
            .call("looking up a token by accessor", |c| async move {
                vaultrs::token::lookup_accessor(c, accessor).await
            })
            .map(to_info)
            .map_err(gone)
    }
}
