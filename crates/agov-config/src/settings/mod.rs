//! Resolving the effective settings: flag > environment > config file > default.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use agov_core::{Classify, FailureClass, Secret};

use crate::env;
use crate::file::{ConfigFile, FileError};
use crate::paths::Paths;
use vault::resolve_vault;

mod runtime;
mod vault;

pub use runtime::{RuntimeTarget, redact_url};
pub use vault::{SecretIdSource, VaultAuth, VaultSettings};

/// A snapshot of the environment. Empty values count as unset, as in most
/// tools, so `VAULT_ADDR=` switches Vault off.
#[derive(Clone, Debug, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
}

impl Env {
    /// The current process's environment (variables that are not UTF-8 are ignored).
    pub fn from_process() -> Env {
        Env {
            vars: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
        }
    }

    /// An environment made of the given pairs (for tests).
    pub fn from_pairs<I, K, V>(pairs: I) -> Env
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Env {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// The variable's value, if set and not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// Values given on the command line, which win over everything else.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// `--config PATH`.
    pub config: Option<PathBuf>,
    /// `--tenant NAME`.
    pub tenant: Option<String>,
    /// `--project NAME`.
    pub project: Option<String>,
}

/// Where a setting's value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag.
    Flag(&'static str),
    /// An environment variable.
    Env(&'static str),
    /// The config file.
    File(PathBuf),
    /// Built-in default.
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(flag) => write!(f, "flag {flag}"),
            Source::Env(name) => write!(f, "environment {name}"),
            Source::File(path) => write!(f, "config file {}", path.display()),
            Source::Default => f.write_str("default"),
        }
    }
}

/// A resolved value and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting<T> {
    /// The value.
    pub value: T,
    /// Which layer supplied it.
    pub source: Source,
}

impl<T> Setting<T> {
    fn new(value: T, source: Source) -> Self {
        Setting { value, source }
    }
}

/// Picks the first layer that has a value.
fn layered<T>(
    flag: Option<(T, &'static str)>,
    env: Option<(T, &'static str)>,
    file: Option<(T, &PathBuf)>,
    default: impl FnOnce() -> T,
) -> Setting<T> {
    if let Some((v, name)) = flag {
        return Setting::new(v, Source::Flag(name));
    }
    if let Some((v, name)) = env {
        return Setting::new(v, Source::Env(name));
    }
    if let Some((v, path)) = file {
        return Setting::new(v, Source::File(path.clone()));
    }
    Setting::new(default(), Source::Default)
}

/// `sandbox_best_effort`: tiers 0-4, from `AGOV_SANDBOX_BEST_EFFORT=3,4` or
/// the config file.
fn resolve_best_effort(
    env: &Env,
    file: &ConfigFile,
    fpath: &PathBuf,
) -> Result<Setting<Vec<u8>>, ConfigError> {
    let from_env = env.get(env::AGOV_SANDBOX_BEST_EFFORT).map(|list| {
        let tiers = list
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| {
                t.trim_start_matches(['T', 't'])
                    .parse::<u8>()
                    .unwrap_or(u8::MAX)
            })
            .collect::<Vec<_>>();
        (tiers, env::AGOV_SANDBOX_BEST_EFFORT)
    });
    let mut setting = layered(
        None,
        from_env,
        file.sandbox_best_effort.clone().map(|t| (t, fpath)),
        Vec::new,
    );
    if let Some(bad) = setting.value.iter().find(|&&t| t > 4) {
        return Err(ConfigError::Invalid {
            key: "sandbox_best_effort",
            source_desc: setting.source.to_string(),
            message: if *bad == u8::MAX {
                "give tiers as numbers 0-4, e.g. 3,4".to_string()
            } else {
                format!("{bad} is not a tier (0-4)")
            },
        });
    }
    setting.value.sort_unstable();
    setting.value.dedup();
    Ok(setting)
}

/// Everything a command needs to know about where things are.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The config file consulted (it may not exist).
    pub config_file: Setting<PathBuf>,
    /// Whether the config file existed and was read.
    pub config_loaded: bool,
    /// The scope commands act in, which every record, ledger event and
    /// runtime key carries: the tenant, or `TENANT.PROJECT` with a project.
    pub tenant: Setting<String>,
    /// The tenant alone (quotas are the tenant's, across its projects).
    pub tenant_name: String,
    /// The installation's own tenant: the config file's `tenant =`, else
    /// `default` (never `--tenant` or `AGOV_TENANT`). With Vault, agov acts
    /// for it on its own identity; any other tenant needs a token granted it.
    pub home_tenant: String,
    /// Every tenant the config file names (`tenant =`, each `[tenants.NAME]`)
    /// and the installation's own, sorted: `validate-phases --apply` installs
    /// a policy `agov-tenant-NAME` for each.
    pub tenants: Vec<String>,
    /// The project inside the tenant (`--project`, `AGOV_PROJECT`), if any.
    pub project: Option<Setting<String>>,
    /// The data folder.
    pub data_dir: Setting<PathBuf>,
    /// The ledger database.
    pub ledger_path: Setting<PathBuf>,
    /// The runtime store.
    pub runtime: Setting<RuntimeTarget>,
    /// The agents' kernel sandbox: `enforce`, `best-effort` or `off`.
    pub sandbox: Setting<String>,
    /// Tiers run with best effort when the sandbox is enforced.
    pub sandbox_best_effort: Setting<Vec<u8>>,
    /// Prefix of every runtime key.
    pub runtime_namespace: String,
    /// How long what has ended is kept: a finished pipeline's and agent's
    /// runtime keys, a revoked or expired token's record (`AGOV_RETENTION`,
    /// default [`agov_core::time::RETENTION`]).
    pub retention: Duration,
    /// Vault KV path holding the runtime store's password.
    pub runtime_password_secret: Option<String>,
    /// Vault, when configured.
    pub vault: Option<VaultSettings>,
    /// The tenant's quotas (`[tenants.NAME]` in the config file).
    pub quota: Quota,
}

/// What one tenant may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quota {
    /// Pipelines running at once; `None`: no limit.
    pub max_pipelines: Option<u32>,
    /// The highest tier it may request.
    pub max_tier: agov_core::Tier,
}

impl Default for Quota {
    fn default() -> Quota {
        Quota {
            max_pipelines: None,
            max_tier: agov_core::Tier::Architect,
        }
    }
}

/// Why settings could not be resolved. Always the user's to fix.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The config file is unreadable or invalid.
    #[error(transparent)]
    File(#[from] FileError),
    /// A value is invalid.
    #[error("invalid {key} ({source_desc}): {message}")]
    Invalid {
        /// The setting's key.
        key: &'static str,
        /// Where the bad value came from.
        source_desc: String,
        /// What is wrong with it.
        message: String,
    },
    /// No home directory to put files in.
    #[error("{0}")]
    NoHome(String),
}

impl Classify for ConfigError {
    fn class(&self) -> FailureClass {
        FailureClass::Usage
    }
    fn hint(&self) -> Option<String> {
        Some(match self {
            ConfigError::File(FileError::Parse { .. }) => {
                "fix that line; the keys agov accepts are listed in docs/configuration.md and examples/config.toml"
                    .into()
            }
            ConfigError::File(FileError::Read { .. }) => {
                "check the path given by --config or AGOV_CONFIG".into()
            }
            ConfigError::Invalid { .. } => {
                "correct the value where it was set, as named above".into()
            }
            ConfigError::NoHome(_) => "set AGOV_HOME to the folder agov should use".into(),
        })
    }
}

impl Settings {
    /// Resolves every setting from the flags, the environment and the config file.
    pub fn resolve(overrides: &Overrides, env: &Env) -> Result<Settings, ConfigError> {
        let paths = Paths::resolve(env).map_err(ConfigError::NoHome)?;
        let config_file = layered(
            overrides.config.clone().map(|p| (p, "--config")),
            env.get(env::AGOV_CONFIG)
                .map(|p| (PathBuf::from(p), env::AGOV_CONFIG)),
            None,
            || paths.config_file.clone(),
        );
        let explicit = config_file.source != Source::Default;
        let config_loaded = explicit || config_file.value.exists();
        let file = ConfigFile::load(&config_file.value, explicit)?;
        let fpath = &config_file.value;

        let tenant = layered(
            overrides.tenant.clone().map(|t| (t, "--tenant")),
            env.get(env::AGOV_TENANT)
                .map(|t| (t.to_string(), env::AGOV_TENANT)),
            file.tenant.clone().map(|t| (t, fpath)),
            || "default".to_string(),
        );
        validate_tenant(&tenant.value).map_err(|message| ConfigError::Invalid {
            key: "tenant",
            source_desc: tenant.source.to_string(),
            message,
        })?;
        let project = match (
            overrides.project.clone(),
            env.get(env::AGOV_PROJECT).filter(|p| !p.is_empty()),
            file.project.clone(),
        ) {
            (Some(p), _, _) => Some(Setting::new(p, Source::Flag("--project"))),
            (None, Some(p), _) => Some(Setting::new(p.to_string(), Source::Env(env::AGOV_PROJECT))),
            (None, None, Some(p)) => Some(Setting::new(p, Source::File(fpath.clone()))),
            _ => None,
        };
        if let Some(p) = &project {
            validate_tenant(&p.value).map_err(|message| ConfigError::Invalid {
                key: "project",
                source_desc: p.source.to_string(),
                message: message.replace("tenant name", "project name"),
            })?;
        }
        let tenant_name = tenant.value.clone();
        let home_tenant = file.tenant.clone().unwrap_or_else(|| "default".into());
        let tenants: Vec<String> = std::iter::once(home_tenant.clone())
            .chain(file.tenants.keys().cloned())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let tenant = match &project {
            Some(p) => Setting::new(
                format!("{}.{}", tenant.value, p.value),
                tenant.source.clone(),
            ),
            None => tenant,
        };

        let data_dir = layered(
            None,
            env.get(env::AGOV_DATA_DIR)
                .map(|p| (PathBuf::from(p), env::AGOV_DATA_DIR)),
            file.data_dir.clone().map(|p| (p, fpath)),
            || paths.data_dir.clone(),
        );
        let ledger_path = layered(
            None,
            env.get(env::AGOV_LEDGER_PATH)
                .map(|p| (PathBuf::from(p), env::AGOV_LEDGER_PATH)),
            file.ledger.path.clone().map(|p| (p, fpath)),
            || data_dir.value.join("agov.db"),
        );

        let runtime_raw = layered(
            None,
            env.get(env::AGOV_RUNTIME_URL)
                .map(|u| (u.to_string(), env::AGOV_RUNTIME_URL)),
            file.runtime.url.clone().map(|u| (u, fpath)),
            || "embedded".to_string(),
        );
        let runtime_value =
            RuntimeTarget::parse(&runtime_raw.value).map_err(|message| ConfigError::Invalid {
                key: "runtime.url",
                source_desc: runtime_raw.source.to_string(),
                message,
            })?;
        let runtime = Setting::new(runtime_value, runtime_raw.source);

        let sandbox = layered(
            None,
            env.get(env::AGOV_SANDBOX)
                .map(|m| (m.to_string(), env::AGOV_SANDBOX)),
            file.sandbox.clone().map(|m| (m, fpath)),
            || "enforce".to_string(),
        );
        if !matches!(sandbox.value.as_str(), "enforce" | "best-effort" | "off") {
            return Err(ConfigError::Invalid {
                key: "sandbox",
                source_desc: sandbox.source.to_string(),
                message: format!("`{}` is not enforce, best-effort or off", sandbox.value),
            });
        }

        let sandbox_best_effort = resolve_best_effort(env, &file, fpath)?;
        let retention = match env.get(env::AGOV_RETENTION) {
            None | Some("") => agov_core::time::RETENTION,
            Some(v) => {
                agov_core::time::parse_duration(v).map_err(|message| ConfigError::Invalid {
                    key: "retention",
                    source_desc: Source::Env(env::AGOV_RETENTION).to_string(),
                    message,
                })?
            }
        };

        let vault = resolve_vault(env, &file, fpath)?;
        let quota = resolve_quota(&file, &tenant_name, fpath)?;

        Ok(Settings {
            config_file,
            config_loaded,
            tenant,
            tenant_name,
            home_tenant,
            tenants,
            project,
            data_dir,
            ledger_path,
            runtime,
            sandbox,
            sandbox_best_effort,
            runtime_namespace: file
                .runtime
                .namespace
                .clone()
                .unwrap_or_else(|| "agov:".into()),
            runtime_password_secret: file.runtime.password_secret.clone(),
            retention,
            vault,
            quota,
        })
    }

    /// One line per setting and its source, for `-v`. Never shows a secret.
    pub fn describe(&self) -> Vec<String> {
        let mut lines = vec![
            format!(
                "config file: {} ({}{})",
                self.config_file.value.display(),
                self.config_file.source,
                if self.config_loaded {
                    ""
                } else {
                    ", not present"
                }
            ),
            match &self.project {
                Some(p) => format!(
                    "tenant: {} ({}), project {} ({})",
                    self.tenant_name, self.tenant.source, p.value, p.source
                ),
                None => format!("tenant: {} ({})", self.tenant.value, self.tenant.source),
            },
            format!(
                "data dir: {} ({})",
                self.data_dir.value.display(),
                self.data_dir.source
            ),
            format!(
                "ledger: {} ({})",
                self.ledger_path.value.display(),
                self.ledger_path.source
            ),
            format!("runtime: {} ({})", self.runtime.value, self.runtime.source),
        ];
        match &self.vault {
            Some(v) => lines.push(format!("vault: {} ({})", v.addr.value, v.addr.source)),
            None => lines.push("vault: not configured (embedded token authority)".into()),
        }
        lines
    }
}

/// The quotas of `tenant`, checking every `[tenants.NAME]` section.
fn resolve_quota(file: &ConfigFile, tenant: &str, fpath: &Path) -> Result<Quota, ConfigError> {
    for (name, section) in &file.tenants {
        let invalid = |key: &'static str, message: String| ConfigError::Invalid {
            key,
            source_desc: format!("config file {}", fpath.display()),
            message,
        };
        validate_tenant(name).map_err(|m| invalid("tenants", m))?;
        if let Some(t) = section.max_tier
            && agov_core::Tier::from_number(t).is_none()
        {
            return Err(invalid(
                "tenants.*.max_tier",
                format!("[tenants.{name}] max_tier = {t} is not a tier (0-4)"),
            ));
        }
    }
    Ok(match file.tenants.get(tenant) {
        None => Quota::default(),
        Some(s) => Quota {
            max_pipelines: s.max_pipelines,
            max_tier: s
                .max_tier
                .and_then(agov_core::Tier::from_number)
                .unwrap_or(agov_core::Tier::Architect),
        },
    })
}

/// Tenant names end up in keys and file names: 1-64 of `a-z 0-9 - _`.
pub fn validate_tenant(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a tenant name: use 1-64 characters of a-z, 0-9, - and _"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    pub(super) fn env_with_home(dir: &Path, extra: &[(&str, &str)]) -> Env {
        let mut pairs = vec![("AGOV_HOME".to_string(), dir.display().to_string())];
        pairs.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        Env::from_pairs(pairs)
    }

    #[test]
    fn precedence_is_flag_env_file_default() {
        let dir = tempfile::tempdir().unwrap();
        let mut f = std::fs::File::create(dir.path().join("config.toml")).unwrap();
        writeln!(
            f,
            "tenant = \"fromfile\"\n[runtime]\nurl = \"redis://file:1\""
        )
        .unwrap();

        let s = Settings::resolve(&Overrides::default(), &env_with_home(dir.path(), &[])).unwrap();
        assert_eq!(s.tenant.value, "fromfile");
        assert!(matches!(s.tenant.source, Source::File(_)));
        assert_eq!(
            s.runtime.value,
            RuntimeTarget::Redis("redis://file:1".into())
        );

        let e = env_with_home(
            dir.path(),
            &[("AGOV_TENANT", "fromenv"), ("AGOV_RUNTIME_URL", "embedded")],
        );
        let s = Settings::resolve(&Overrides::default(), &e).unwrap();
        assert_eq!(s.tenant.value, "fromenv");
        assert_eq!(s.runtime.value, RuntimeTarget::Embedded);

        let o = Overrides {
            tenant: Some("fromflag".into()),
            ..Default::default()
        };
        let s = Settings::resolve(&o, &e).unwrap();
        assert_eq!(s.tenant.value, "fromflag");
        assert_eq!(s.tenant.source, Source::Flag("--tenant"));
        // The installation's own tenant is the file's, whatever is asserted.
        assert_eq!(s.home_tenant, "fromfile");
        assert_eq!(s.tenants, ["fromfile"]);
        assert_eq!(s.ledger_path.value, dir.path().join("data/agov.db"));
    }

    #[test]
    fn explicit_missing_config_is_an_error_default_missing_is_not() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Settings::resolve(&Overrides::default(), &env_with_home(dir.path(), &[])).is_ok());
        let o = Overrides {
            config: Some(dir.path().join("nope.toml")),
            ..Default::default()
        };
        let err = Settings::resolve(&o, &env_with_home(dir.path(), &[])).unwrap_err();
        assert!(err.to_string().contains("nope.toml"), "{err}");
    }

    #[test]
    fn bad_values_are_rejected_with_their_source() {
        let dir = tempfile::tempdir().unwrap();
        let e = env_with_home(dir.path(), &[("AGOV_RUNTIME_URL", "mysql://x")]);
        let err = Settings::resolve(&Overrides::default(), &e)
            .unwrap_err()
            .to_string();
        assert!(err.contains("AGOV_RUNTIME_URL"), "{err}");
        let o = Overrides {
            tenant: Some("Bad Name".into()),
            ..Default::default()
        };
        let err = Settings::resolve(&o, &env_with_home(dir.path(), &[]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("--tenant"), "{err}");
    }

    #[test]
    fn redaction_hides_passwords() {
        assert_eq!(redact_url("redis://:pw@h:1/0"), "redis://:***@h:1/0");
        assert_eq!(redact_url("redis://u:pw@h:1"), "redis://u:***@h:1");
        assert_eq!(redact_url("redis://h:1/0"), "redis://h:1/0");
    }
}
