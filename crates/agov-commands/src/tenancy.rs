//! Who may act for a tenant.
//!
//! With Vault configured, a tenant is bound to identity. With its own
//! AppRole credentials agov acts for the installation's own tenant (the
//! config file's `tenant =`, else `default`) as it always does, without
//! asking Vault (so commands that need no Vault keep working while it is
//! down). Any other tenant, and with no AppRole credentials (agov acting
//! with a person's token) every tenant, needs the token
//! presented in `VAULT_TOKEN` (a person's beside agov's AppRole, or the one
//! agov acts with) to hold `update` on `agov/tenant/<tenant>` (policy
//! `agov-tenant-<tenant>`, `policies/tenant.hcl`; a root token passes),
//! which Vault answers in one round trip; agov's own AppRole identity alone
//! acts for no other tenant. `--tenant` and `AGOV_TENANT` name a tenant but
//! grant nothing, so naming another tenant cannot escape a tenant's quotas.
//! The check runs when a command first resolves its settings (every main
//! installs it through [`crate::run`]), before anything is read or written;
//! a refusal is exit 3.
//!
//! On the embedded default (no Vault) a tenant is a scope, not a boundary
//! between the local users who share a data folder.

use std::sync::OnceLock;

use agov_cli::CliError;
use agov_config::{Settings, VaultAuth};
use agov_core::FailureClass;

/// The Vault identity granted the tenant this process acts for, when it was
/// checked (`vault:NAME`).
static GRANTED: OnceLock<String> = OnceLock::new();

/// The Vault identity that was granted the tenant this process acts for
/// (`vault:NAME`), if [`verify`] asked Vault; the ledger records it as the
/// actor.
pub fn granted() -> Option<&'static str> {
    GRANTED.get().map(String::as_str)
}

/// Refuses, with exit 3, to act for a tenant the presented identity is not
/// granted (see the module's documentation). No Vault call without Vault,
/// for the installation's own tenant, or without a presented token.
pub fn verify(settings: &Settings) -> Result<(), CliError> {
    let Some(vs) = &settings.vault else {
        return Ok(());
    };
    let tenant = &settings.tenant_name;
    // Only agov's own credentials make a process the installation: a
    // person who holds nothing but a token of their own (and may write
    // any config file, naming any tenant its `tenant =`) needs the grant
    // for the installation's tenant too.
    if *tenant == settings.home_tenant && !matches!(vs.auth, VaultAuth::Token(_)) {
        return Ok(());
    }
    let presented = vs.operator_token.is_some() || matches!(vs.auth, VaultAuth::Token(_));
    let check = if presented {
        agov_vault::Vault::new(vs)?.tenant_check(tenant)?
    } else {
        None
    };
    match check {
        Some(c) if c.allowed => {
            let _ = GRANTED.set(format!("vault:{}", c.name));
            Ok(())
        }
        Some(c) => Err(CliError::new(
            FailureClass::Denied,
            format!(
                "the Vault identity `{}` may not act for tenant {tenant}: its token lacks the agov-tenant-{tenant} policy (Vault grants no `update` on agov/tenant/{tenant})",
                c.name
            ),
        )
        .with_hint(grant_hint(settings))),
        None => Err(CliError::new(
            FailureClass::Denied,
            format!(
                "acting for tenant {tenant} needs a Vault token granted it: without VAULT_TOKEN agov's own identity acts only for the installation's tenant, {}",
                settings.home_tenant
            ),
        )
        .with_hint(grant_hint(settings))),
    }
}

/// For `validate-phases`, which checks the installation: with Vault, only
/// the installation's own tenant (exit 3 for another); no Vault call.
pub fn installation_only(settings: &Settings) -> Result<(), CliError> {
    if settings.vault.is_none() || settings.tenant_name == settings.home_tenant {
        return Ok(());
    }
    Err(CliError::new(
        FailureClass::Denied,
        format!(
            "validate-phases checks the installation, for its own tenant {}, not tenant {}",
            settings.home_tenant, settings.tenant_name
        ),
    )
    .with_hint("run it without --tenant and AGOV_TENANT"))
}

fn grant_hint(settings: &Settings) -> String {
    let tenant = &settings.tenant_name;
    format!(
        "present a token granted tenant {tenant} in VAULT_TOKEN (`bao token create -policy=agov-tenant-{tenant} -display-name=NAME`); `validate-phases --apply` installs the policy for every tenant {} names",
        settings.config_file.value.display()
    )
}
