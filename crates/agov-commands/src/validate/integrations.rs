//! Phase 9, Integrations: each external service agov can use is checked
//! when it is configured, and reported as not configured (not as failed)
//! when it is not: the Redis runtime store, Vault, the LLM provider.

use std::net::ToSocketAddrs;
use std::time::Duration;

use agov_config::{Env, RuntimeTarget, Settings};

use super::Phase;
use crate::backends;

pub(super) fn check(settings: &Settings, env: &Env, phase: &mut Phase) {
    match &settings.runtime.value {
        RuntimeTarget::Redis(_) => phase.check(
            "Redis runtime store answers",
            backends::runtime_store(settings)
                .map(|_| ())
                .map_err(|e| e.message().to_string()),
        ),
        RuntimeTarget::Embedded => phase.not_checked(
            "Redis runtime store answers",
            "not configured (embedded runtime store; AGOV_RUNTIME_URL=redis://… uses Redis)",
        ),
    }
    match backends::vault(settings) {
        Ok(Some(v)) => phase.check(
            "Vault answers, unsealed",
            v.health().map(|_| ()).map_err(|e| e.to_string()),
        ),
        Ok(None) => phase.not_checked(
            "Vault answers, unsealed",
            "not configured (VAULT_ADDR is not set)",
        ),
        Err(e) => phase.check("Vault answers, unsealed", Err(e.message().to_string())),
    }
    let configured = env
        .get(agov_config::env::AGOV_LLM_API_KEY)
        .is_some_and(|k| !k.is_empty())
        || settings.vault.is_some();
    if !configured {
        phase.not_checked(
            "LLM provider reachable",
            "not configured (AGOV_LLM_API_KEY, or the key in Vault KV agov/llm)",
        );
        return;
    }
    match backends::llm_settings(settings, env) {
        Ok(llm) => phase.check("LLM provider reachable", reachable(&llm.base_url)),
        Err(e) if e.class() == agov_core::FailureClass::Usage => phase.not_checked(
            "LLM provider reachable",
            &format!("not configured ({})", e.message()),
        ),
        Err(e) => phase.check("LLM provider reachable", Err(e.message().to_string())),
    }
}

/// Whether a TCP connection to the URL's host and port opens within 3 s
/// (no request is made: nothing is spent, no key is sent).
fn reachable(base_url: &str) -> Result<(), String> {
    let (scheme, rest) = base_url
        .split_once("://")
        .ok_or_else(|| format!("`{base_url}` is not a URL"))?;
    let authority = rest.split('/').next().unwrap_or(rest);
    let hostport = if authority
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        authority.to_string()
    } else {
        format!("{authority}:{}", if scheme == "https" { 443 } else { 80 })
    };
    let addr = hostport
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {hostport}: {e}"))?
        .next()
        .ok_or_else(|| format!("{hostport} has no address"))?;
    std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(3))
        .map(|_| ())
        .map_err(|e| format!("cannot connect to {hostport}: {e}"))
}
