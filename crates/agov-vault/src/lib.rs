//! agov's Vault (or OpenBao) client.
//!
//! [`Vault`] wraps vaultrs behind a blocking interface (a private
//! single-threaded tokio runtime), so the rest of agov stays synchronous. It
//! logs in with `VAULT_TOKEN` or AppRole, checks health with a plain
//! `GET /v1/sys/health` (vaultrs's own health call fails on OpenBao), reads
//! and writes KV v2 with check-and-set, and [`provision`] writes the tier
//! policies from `policies/` and the token roles idempotently. Errors are
//! classified: unreachable or sealed is "unavailable" (exit 69), a refused
//! token is "denied" (exit 3).

mod client;
mod error;
pub mod identity;
pub mod policies;
pub mod provision;

pub use client::{Health, KvEntry, KvReadAhead, Vault};
pub use error::VaultError;
pub use identity::{CapabilityCheck, OperatorCheck, operator_path, tenant_path};
