//! Tenant quotas (`[tenants.NAME]` in the config file): the highest tier a
//! tenant may request and how many of its pipelines may run at once, across
//! all its projects. Refusals are exit 3 (denied) and change nothing.

use agov_cli::CliError;
use agov_config::Settings;
use agov_core::{FailureClass, Tier};
use agov_runtime::RuntimeStore;
use agov_runtime::keys::Keyspace;

fn hint(settings: &Settings) -> String {
    format!(
        "quotas are `max_tier` and `max_pipelines` under [tenants.{}] in {}",
        settings.tenant_name,
        settings.config_file.value.display()
    )
}

/// Refuses a tier above the tenant's `max_tier`.
pub fn tier(settings: &Settings, asked: Tier, what: &str) -> Result<(), CliError> {
    let max = settings.quota.max_tier;
    if asked <= max {
        return Ok(());
    }
    Err(CliError::new(
        FailureClass::Denied,
        format!(
            "{what} at tier {}: tenant {} may request tier {} at most",
            asked.number(),
            settings.tenant_name,
            max.number()
        ),
    )
    .with_hint(hint(settings)))
}

/// Refuses another pipeline when the tenant already runs `max_pipelines`.
pub fn pipelines(settings: &Settings, store: &dyn RuntimeStore) -> Result<(), CliError> {
    let Some(max) = settings.quota.max_pipelines else {
        return Ok(());
    };
    // The tenant's own scope and each of its projects' (`t:TENANT.PROJECT:`).
    let mut scopes = vec![settings.tenant_name.clone()];
    for key in store.scan(&format!("t:{}.", settings.tenant_name))? {
        if let Some((scope, rest)) = key.strip_prefix("t:").and_then(|k| k.split_once(':'))
            && rest.starts_with("pipeline:")
            && rest.ends_with(":state")
            && !scopes.iter().any(|s| s == scope)
        {
            scopes.push(scope.to_string());
        }
    }
    let mut running = 0usize;
    for scope in &scopes {
        running += agov_pipeline::state::list(store, &Keyspace::new(scope))?
            .iter()
            .filter(|p| !p.status.is_settled())
            .count();
    }
    if (running as u64) < u64::from(max) {
        return Ok(());
    }
    Err(CliError::new(
        FailureClass::Denied,
        format!(
            "tenant {} already runs {running} pipeline(s), its quota is {max}",
            settings.tenant_name
        ),
    )
    .with_hint(format!(
        "`pipeline list` shows them; wait for one to finish or `pipeline revoke` one ({})",
        hint(settings)
    )))
}
