//! The token authority.
//!
//! Every agent runs with a short-lived token scoped to its tier. A
//! [`TokenAuthority`] issues, renews, looks up and revokes them; there are two:
//! [`VaultAuthority`] (Vault or OpenBao: token roles per tier, policies from
//! `policies/`) and [`EmbeddedAuthority`] (SQLite, tokens stored only as
//! hashes). Both behave the same, which `tests/conformance.rs` checks case by
//! case against each.
//!
//! Revoking a token revokes every token issued under it, so revoking a
//! pipeline's token revokes its agents' tokens.

mod embedded;
mod error;
mod vault;

pub use embedded::EmbeddedAuthority;
pub use error::TokenError;
pub use vault::VaultAuthority;

use std::collections::BTreeMap;
use std::time::Duration;

use agov_core::{Secret, Tier};
use serde::Serialize;

/// What to issue.
#[derive(Clone, Debug)]
pub struct IssueRequest {
    /// The tier the token is scoped to.
    pub tier: Tier,
    /// Lifetime; the tier's default when `None`.
    pub ttl: Option<Duration>,
    /// A name for people (`agent-alpha`, `pipeline-42`).
    pub display_name: String,
    /// Free metadata (agent id, pipeline id, tenant …), visible on lookup.
    pub metadata: BTreeMap<String, String>,
    /// Issue under this token, so revoking it revokes the new one too.
    pub parent: Option<Secret>,
    /// Whether the new token may itself issue child tokens (a pipeline's token).
    pub delegate: bool,
}

impl IssueRequest {
    /// A top-level token of `tier` with the tier's default TTL.
    pub fn new(tier: Tier, display_name: impl Into<String>) -> IssueRequest {
        IssueRequest {
            tier,
            ttl: None,
            display_name: display_name.into(),
            metadata: BTreeMap::new(),
            parent: None,
            delegate: false,
        }
    }
}

/// A freshly issued token.
#[derive(Clone, Debug)]
pub struct IssuedToken {
    /// The token itself: give it to the agent, never print it.
    pub token: Secret,
    /// Its accessor: safe to store and show, enough to look it up or revoke it.
    pub accessor: String,
    /// Its tier.
    pub tier: Tier,
    /// Its lifetime.
    pub ttl: Duration,
}

/// What a lookup tells.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct TokenInfo {
    /// Accessor.
    pub accessor: String,
    /// Tier.
    pub tier: Tier,
    /// Display name.
    pub display_name: String,
    /// Metadata given at issue.
    pub metadata: BTreeMap<String, String>,
    /// Time left, in whole seconds.
    pub ttl_secs: u64,
    /// Whether it may issue children.
    pub delegate: bool,
}

/// Metadata keys the authorities reserve for themselves.
pub const RESERVED_METADATA: [&str; 3] = ["agov_tier", "agov_delegate", "agov_name"];

/// Issues and controls tier tokens.
pub trait TokenAuthority: Send + Sync {
    /// `vault` or `embedded`.
    fn backend(&self) -> &'static str;

    /// Issues a token.
    fn issue(&self, req: &IssueRequest) -> Result<IssuedToken, TokenError>;

    /// Sets a token's remaining life to `increment` from now (zero: the TTL
    /// it was issued with; on Vault, the increment of its last renewal if it
    /// had one), never past its maximum: its tier's TTL after issue (a
    /// pipeline's delegating token: 24 h).
    /// Returns the state after renewal.
    fn renew(&self, token: &Secret, increment: Duration) -> Result<TokenInfo, TokenError>;

    /// Revokes a token and every token issued under it. Revoking a token that
    /// is already revoked, expired or unknown succeeds (as in Vault), so a
    /// retried revocation is harmless.
    fn revoke(&self, token: &Secret) -> Result<(), TokenError>;

    /// Like [`TokenAuthority::revoke`], by accessor (an unknown one succeeds too).
    fn revoke_accessor(&self, accessor: &str) -> Result<(), TokenError>;

    /// A live token's state; a revoked, expired or unknown token is
    /// [`TokenError::Invalid`].
    fn lookup(&self, token: &Secret) -> Result<TokenInfo, TokenError>;

    /// Like [`TokenAuthority::lookup`], by accessor.
    fn lookup_accessor(&self, accessor: &str) -> Result<TokenInfo, TokenError>;

    /// The identity this authority acts as (Vault: the display name of its
    /// own token, from lookup-self), if it has one.
    fn whoami(&self) -> Option<String> {
        None
    }

    /// Who performs the privileged act `act` (`promote`, `revoke` …, as in
    /// `policies/operator.hcl`), verified by the authority itself: on Vault,
    /// the display name of the token agov presents, which Vault must grant
    /// the act (the `agov-operator` policy), else
    /// [`TokenError::NotOperator`]; one round trip. `None` when the
    /// authority knows no identities (embedded): the caller names the OS
    /// account.
    fn operator(&self, act: &str) -> Result<Option<String>, TokenError> {
        let _ = act;
        Ok(None)
    }
}

fn validate(req: &IssueRequest) -> Result<Duration, TokenError> {
    if let Some(k) = req
        .metadata
        .keys()
        .find(|k| RESERVED_METADATA.contains(&k.as_str()))
    {
        return Err(TokenError::BadRequest(format!(
            "metadata key `{k}` is reserved"
        )));
    }
    if req.delegate && req.parent.is_some() {
        return Err(TokenError::BadRequest(
            "a child token cannot delegate further".into(),
        ));
    }
    let ttl = req.ttl.unwrap_or_else(|| req.tier.default_ttl());
    if ttl < Duration::from_secs(1) {
        return Err(TokenError::BadRequest(
            "a token's TTL must be at least 1s".into(),
        ));
    }
    Ok(ttl)
}
