//! agov's Vault (or OpenBao) client.
//!
//! [`Vault`] speaks Vault's HTTP API with reqwest behind a blocking
//! interface (one single-threaded tokio runtime per process), so the rest of
//! agov stays synchronous; calls a command will need can start early and
//! overlap ([`Vault::read_ahead`]). It logs in with `VAULT_TOKEN` or
//! AppRole, checks health with `GET /v1/sys/health`, reads and writes KV v2
//! with check-and-set, and [`provision`] writes the tier
//! policies from `policies/` and the token roles idempotently. Errors are
//! classified: unreachable or sealed is "unavailable" (exit 69), a refused
//! token is "denied" (exit 3).

mod client;
mod error;
pub mod identity;
pub mod policies;
pub mod provision;

pub use client::{Auth, Health, KvEntry, KvReadAhead, Method, Vault, strings};
pub use error::VaultError;
pub use identity::{CapabilityCheck, OperatorCheck, operator_path, tenant_path};
