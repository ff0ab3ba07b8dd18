//! Opening the backends the configuration selects.
//!
//! Nothing else chooses a backend: a Vault address switches tokens, the
//! ledger's HMAC key and its seals to Vault; a `redis://` runtime URL switches
//! runtime state to Redis/Dragonfly. Without either, everything is embedded
//! in the data folder.

use std::path::PathBuf;

use agov_cli::{CliError, Ctx};
use agov_config::{RuntimeTarget, Settings};
use agov_core::Secret;
use agov_ledger::{HmacKey, Ledger};
use agov_runtime::{EmbeddedStore, RedisStore, RuntimeStore};
use agov_tokens::{EmbeddedAuthority, TokenAuthority, VaultAuthority};
use agov_vault::Vault;
use serde_json::json;

pub use crate::ledger::seals::SealStore;

/// KV path (under the mount) of the ledger's HMAC key.
pub const HMAC_KEY_PATH: &str = "agov/ledger/hmac-key";

/// The actor recorded for commands run by a person: the Vault identity
/// granted the tenant (`vault:NAME`) when acting for another tenant than
/// the installation's ([`crate::tenancy`]), else `user:NAME`, NAME the OS
/// account of the process's uid (never `$USER`).
pub fn actor() -> String {
    match crate::tenancy::granted() {
        Some(id) => id.to_string(),
        None => format!("user:{}", agov_core::ids::os_user()),
    }
}

/// The privileged acts, named as in `policies/operator.hcl`
/// (`agov/operator/<act>`).
pub mod act {
    /// `pipeline agents promote`.
    pub const PROMOTE: &str = "promote";
    /// `pipeline agents demote`.
    pub const DEMOTE: &str = "demote";
    /// `pipeline agents reinstate`.
    pub const REINSTATE: &str = "reinstate";
    /// `pipeline agents approve`: one agent action.
    pub const APPROVE_ACTION: &str = "approve-action";
    /// `pipeline approve`: approving or rejecting a gate.
    pub const DECIDE_GATE: &str = "decide-gate";
    /// `pipeline consensus fallback`.
    pub const FALLBACK: &str = "fallback";
    /// `pipeline revoke`, `pipeline agents revoke`, `pipeline token revoke`.
    pub const REVOKE: &str = "revoke";
    /// `--reveal`: printing a token.
    pub const REVEAL: &str = "reveal";
}

/// Who performs a privileged act ([`act`]), verified: with Vault, `vault:NAME`
/// for the token agov presents (`VAULT_TOKEN`), which Vault itself must grant
/// the act (policy `agov-operator`; otherwise exit 3 and nothing is done);
/// without Vault, `user:NAME` for the OS account of the process's uid. No
/// environment variable changes the answer, and with Vault configured
/// (environment or config file) there is no fallback to the OS account.
pub fn decider(tokens: &dyn TokenAuthority, act: &str) -> Result<String, CliError> {
    Ok(match tokens.operator(act)? {
        Some(name) => format!("vault:{name}"),
        None => actor(),
    })
}

/// How agents started by this process are confined: the `sandbox` setting,
/// and agov's own folders and files, which no agent may reach.
pub fn containment(settings: &Settings) -> Result<agov_agent::contain::Containment, CliError> {
    let mode = agov_sandbox::Mode::parse(&settings.sandbox.value).unwrap_or_default();
    let mut agov = vec![
        settings.data_dir.value.clone(),
        settings.ledger_path.value.clone(),
        settings.config_file.value.clone(),
    ];
    if let Some(dir) = settings
        .config_file
        .value
        .parent()
        .filter(|d| d.ends_with("agov"))
    {
        agov.push(dir.to_path_buf());
    }
    if let Some(home) = std::env::var_os(agov_config::env::AGOV_HOME) {
        agov.push(PathBuf::from(home));
    }
    Ok(agov_agent::contain::Containment::new(mode, agov)
        .map_err(agov_agent::AgentError::from)?
        .with_best_effort(&settings.sandbox_best_effort.value))
}

/// Starts the Vault reads a token command will need, so that their round
/// trips overlap its tenant check ([`Ctx::settings_overlapping`]): with
/// `hmac_key`, the ledger's HMAC key (for a command that ledgers an
/// accessor) and, when it acts on one, the lookup of `accessor`. Nothing
/// without Vault, or when agov would first have to log in.
pub fn read_ahead(settings: &Settings, hmac_key: bool, accessor: Option<&str>) {
    let Ok(Some(v)) = vault(settings) else {
        return;
    };
    if hmac_key {
        v.read_ahead(
            agov_vault::Method::GET,
            &format!("{}/data/{HMAC_KEY_PATH}", v.kv_mount()),
            None,
        );
    }
    if let Some(a) = accessor {
        VaultAuthority::read_ahead_accessor(&v, a);
    }
}

/// Opens the ledger for writing, creating it if needed. Its HMAC key (for
/// token accessors) is [`hmac_key`], loaded only when an event needs it.
pub fn ledger_for_write(settings: &Settings) -> Result<Ledger, CliError> {
    Ok(with_hmac_key(
        Ledger::open(&settings.ledger_path.value, true)?,
        settings,
        true,
    ))
}

/// `ledger` with [`hmac_key`] as its HMAC key, loaded on first use. For a
/// writer with a Vault token at hand (`read_ahead`), the key's read starts
/// now and proceeds while the command makes its other Vault calls (issuing
/// a token, say), so that appending the event seldom waits for a round
/// trip of its own (it is sent only while the command waits on Vault
/// anyway).
fn with_hmac_key(ledger: Ledger, settings: &Settings, read_ahead: bool) -> Ledger {
    let settings = settings.clone();
    let ahead = match read_ahead.then(|| vault(&settings)) {
        Some(Ok(Some(v))) if v.session_is_free() => {
            v.kv_read_ahead(HMAC_KEY_PATH).ok().map(|read| (v, read))
        }
        _ => None,
    };
    ledger.with_hmac_key(move || {
        let key = match ahead {
            Some((v, read)) => match read.wait() {
                Ok(Some(entry)) => key_from_entry(&entry),
                // None yet, or the read failed: the whole way, which
                // creates it or says what is wrong.
                _ => hmac_key(&settings, Some(&v)),
            },
            None => vault(&settings).and_then(|v| hmac_key(&settings, v.as_ref())),
        };
        key.map_err(|e| agov_ledger::LedgerError::Key {
            message: format!("cannot load the ledger's HMAC key: {}", e.message()),
            class: e.class(),
            hint: e.hint().map(str::to_string),
        })
    })
}

/// Opens the ledger when it exists, else `None`; never creates it.
pub fn existing_ledger(settings: &Settings) -> Result<Option<Ledger>, CliError> {
    let path = &settings.ledger_path.value;
    if !path.exists() {
        return Ok(None);
    }
    Ok(Some(with_hmac_key(
        Ledger::open(path, false)?,
        settings,
        false,
    )))
}

/// Opens the ledger for reading, or `None` (with a hint) when none exists yet.
pub fn ledger_for_read(ctx: &Ctx, settings: &Settings) -> Result<Option<Ledger>, CliError> {
    let ledger = existing_ledger(settings)?;
    if ledger.is_none() {
        ctx.hint(&format!(
            "there is no ledger at {} yet: `ledger note -m TEXT` creates it",
            settings.ledger_path.value.display()
        ));
    }
    Ok(ledger)
}

/// Where agov keeps its AppRole login token for the next command (0600).
pub const VAULT_LOGIN_CACHE: &str = "vault-login.json";

/// Vault, when an address is configured. AppRole logs in on the first call
/// that needs a token, so commands that never call Vault (`pipeline list`)
/// work while it is sealed or down; the login token is kept in the data
/// folder and reused by the next command while valid, so commands in a row
/// keep one live governor token.
pub fn vault(settings: &Settings) -> Result<Option<Vault>, CliError> {
    settings
        .vault
        .as_ref()
        .map(|v| {
            Vault::new(v)
                .map(|v| v.with_login_cache(settings.data_dir.value.join(VAULT_LOGIN_CACHE)))
                .map_err(CliError::from)
        })
        .transpose()
}

/// The ledger's HMAC key: in Vault KV when Vault is configured (created there
/// with check-and-set, so concurrent first uses agree), else in a 0600 file in
/// the data folder.
pub fn hmac_key(settings: &Settings, vault: Option<&Vault>) -> Result<HmacKey, CliError> {
    let Some(v) = vault else {
        return Ok(HmacKey::load_or_create_file(
            &settings.data_dir.value.join("ledger-hmac.key"),
        )?);
    };
    for _ in 0..3 {
        if let Some(entry) = v.kv_read(HMAC_KEY_PATH)? {
            return key_from_entry(&entry);
        }
        let fresh = HmacKey::generate();
        match v.kv_write(
            HMAC_KEY_PATH,
            &json!({ "key": fresh.to_hex().expose() }),
            Some(0),
        ) {
            Ok(_) => return Ok(fresh),
            // Another process created it first: read theirs.
            Err(agov_vault::VaultError::Api { detail, .. }) if detail.contains("check-and-set") => {
                continue;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(CliError::failed("could not agree on the ledger's HMAC key in Vault").with_hint("retry"))
}

/// The HMAC key held in Vault's entry at [`HMAC_KEY_PATH`].
fn key_from_entry(entry: &agov_vault::KvEntry) -> Result<HmacKey, CliError> {
    let hex = entry
        .data
        .get("key")
        .and_then(|k| k.as_str())
        .unwrap_or_default();
    HmacKey::from_hex(hex).map_err(|e| {
        CliError::failed(format!(
            "the HMAC key in Vault at {HMAC_KEY_PATH} is unusable: {e}"
        ))
    })
}

/// The token authority: Vault when configured, else the embedded one.
pub fn token_authority(settings: &Settings) -> Result<Box<dyn TokenAuthority>, CliError> {
    Ok(match vault(settings)? {
        Some(v) => Box::new(VaultAuthority::new(v)),
        None => Box::new(
            EmbeddedAuthority::open(&settings.data_dir.value.join("tokens.db"))?
                .forgetting_after(settings.retention),
        ),
    })
}

/// The runtime store: Redis/Dragonfly for a `redis://` URL (its password from
/// Vault KV `runtime.password_secret` when set), else the embedded one.
pub fn runtime_store(settings: &Settings) -> Result<Box<dyn RuntimeStore>, CliError> {
    let ns = &settings.runtime_namespace;
    // With tracing on, each call of the store is a span.
    Ok(agov_runtime::traced(match &settings.runtime.value {
        RuntimeTarget::Embedded => Box::new(EmbeddedStore::open(
            &settings.data_dir.value.join("runtime.db"),
            ns,
        )?),
        RuntimeTarget::Redis(url) => {
            // Vault is asked only for a password kept there: a Redis that
            // needs none works (and fails) on its own, whatever Vault does.
            let password = match &settings.runtime_password_secret {
                None => None,
                Some(path) => match vault(settings).map_err(|e| password_from_vault(path, e))? {
                    Some(v) => {
                        Some(runtime_password(&v, path).map_err(|e| password_from_vault(path, e))?)
                    }
                    None => {
                        return Err(CliError::usage(format!(
                            "runtime.password_secret is `{path}` but Vault is not configured"
                        ))
                        .with_hint("set VAULT_ADDR, or put the password in AGOV_RUNTIME_URL"));
                    }
                },
            };
            Box::new(RedisStore::connect(url, password, ns)?)
        }
    }))
}

/// A failure reading the Redis password, said to be Vault's.
fn password_from_vault(path: &str, e: CliError) -> CliError {
    let hint = e.hint().map(str::to_string);
    let out = CliError::new(
        e.class(),
        format!(
            "the Redis password (runtime.password_secret `{path}`) could not be read from Vault: {}",
            e.message()
        ),
    );
    match hint {
        Some(h) => out.with_hint(h),
        None => out,
    }
}

fn runtime_password(v: &Vault, path: &str) -> Result<Secret, CliError> {
    let entry = v.kv_read(path)?.ok_or_else(|| {
        CliError::usage(format!("Vault has no secret at {}/{path}", v.kv_mount()))
            .with_hint("write it with `bao kv put secret/services/dragonfly password=…`")
    })?;
    entry
        .data
        .get("password")
        .and_then(|p| p.as_str())
        .map(Secret::new)
        .ok_or_else(|| {
            CliError::usage(format!(
                "the secret {}/{path} has no `password` field",
                v.kv_mount()
            ))
        })
}

/// The `llm` driver's settings: base URL and model from the environment, the
/// key from `AGOV_LLM_API_KEY` or else Vault KV (`AGOV_LLM_KEY_PATH`, field
/// `api_key`).
pub fn llm_settings(
    settings: &Settings,
    env: &agov_config::Env,
) -> Result<agov_llm::LlmSettings, CliError> {
    use agov_config::env as vars;
    let key = match env.get(vars::AGOV_LLM_API_KEY).filter(|k| !k.is_empty()) {
        Some(k) => Secret::new(k),
        None => {
            let Some(v) = vault(settings)? else {
                return Err(CliError::usage("the llm driver needs an API key")
                    .with_hint("set AGOV_LLM_API_KEY, or configure Vault and store it at agov/llm (field api_key)"));
            };
            let path = env.get(vars::AGOV_LLM_KEY_PATH).unwrap_or("agov/llm");
            let entry = v.kv_read(path)?.ok_or_else(|| {
                CliError::usage(format!("there is no LLM API key in Vault KV at {path}")).with_hint(
                    format!("`bao kv put <mount>/{path} api_key=…`, or set AGOV_LLM_API_KEY"),
                )
            })?;
            let k = entry
                .data
                .get("api_key")
                .and_then(|k| k.as_str())
                .unwrap_or_default();
            if k.is_empty() {
                return Err(CliError::usage(format!(
                    "Vault KV {path} has no `api_key` field"
                )));
            }
            Secret::new(k)
        }
    };
    let mut s = agov_llm::LlmSettings::new(key);
    if let Some(url) = env.get(vars::AGOV_LLM_BASE_URL).filter(|u| !u.is_empty()) {
        s.base_url = url.to_string();
    }
    if let Some(m) = env.get(vars::AGOV_LLM_MODEL).filter(|m| !m.is_empty()) {
        s.model = m.to_string();
    }
    Ok(s)
}

#[cfg(test)]
mod acts_tests {
    use super::act;

    /// Vault is asked about every act at once: a new act must be in that list.
    #[test]
    fn every_act_is_asked_about_with_the_others() {
        for a in [
            act::PROMOTE,
            act::DEMOTE,
            act::REINSTATE,
            act::APPROVE_ACTION,
            act::DECIDE_GATE,
            act::FALLBACK,
            act::REVOKE,
            act::REVEAL,
        ] {
            assert!(agov_vault::identity::OPERATOR_ACTS.contains(&a), "{a}");
        }
    }
}
