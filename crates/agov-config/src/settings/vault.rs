//! Vault's settings: its address, TLS, and how agov logs in (a token, or
//! its AppRole with the secret id from a file, the environment or a prompt).

use super::*;

/// How agov authenticates to Vault.
#[derive(Clone, Debug)]
pub enum VaultAuth {
    /// A token given by `VAULT_TOKEN`.
    Token(Secret),
    /// AppRole login.
    AppRole {
        /// Auth mount, default `approle`.
        mount: String,
        /// Role id.
        role_id: String,
        /// Where the secret id comes from.
        secret_id: SecretIdSource,
    },
    /// Nothing configured: Vault calls will fail with a hint.
    Missing,
}

/// Where an AppRole secret id comes from.
#[derive(Clone, Debug)]
pub enum SecretIdSource {
    /// `AGOV_VAULT_SECRET_ID`.
    Value(Secret),
    /// `vault.secret_id_file`, read when needed.
    File(PathBuf),
}

/// Vault connection settings; present only when an address is configured.
#[derive(Clone, Debug)]
pub struct VaultSettings {
    /// The address (`http(s)://host:port`).
    pub addr: Setting<String>,
    /// Authentication.
    pub auth: VaultAuth,
    /// `VAULT_TOKEN` when agov itself logs in with AppRole: the token of the
    /// person running the command, whose Vault identity decides privileged
    /// acts (approvals, promotions, revocations, reveals). `None` when
    /// `VAULT_TOKEN` is agov's own token (`auth` is [`VaultAuth::Token`]).
    pub operator_token: Option<Secret>,
    /// CA certificate for TLS.
    pub cacert: Option<PathBuf>,
    /// Namespace.
    pub namespace: Option<String>,
    /// KV v2 mount for agov's own secrets.
    pub kv_mount: String,
    /// Request timeout.
    pub timeout: Duration,
    /// CIDR blocks agov's AppRole secret ids and login tokens are bound to
    /// by `validate-phases --apply` (`vault.bound_cidrs`; empty: any).
    pub bound_cidrs: Vec<String>,
}

impl VaultSettings {
    /// Settings for `addr` with a token and every other value at its default
    /// (KV mount `secret`, 10 s timeout): for tools and tests that are handed a
    /// token rather than reading the configuration.
    pub fn with_token(addr: impl Into<String>, token: Secret) -> VaultSettings {
        VaultSettings {
            addr: Setting::new(addr.into(), Source::Default),
            auth: VaultAuth::Token(token),
            operator_token: None,
            cacert: None,
            namespace: None,
            kv_mount: "secret".into(),
            timeout: Duration::from_secs(10),
            bound_cidrs: Vec::new(),
        }
    }
}

pub(super) fn resolve_vault(
    env: &Env,
    file: &ConfigFile,
    fpath: &Path,
) -> Result<Option<VaultSettings>, ConfigError> {
    let addr = match (env.get(env::VAULT_ADDR), &file.vault.addr) {
        // The installation's Vault is the one its config file names: the
        // environment may repeat it, not replace it (a Vault of someone
        // else's would answer every identity check as they like).
        (Some(a), Some(f)) if a.trim_end_matches('/') != f.trim_end_matches('/') => {
            return Err(ConfigError::Invalid {
                key: "vault.addr",
                source_desc: Source::Env(env::VAULT_ADDR).to_string(),
                message: format!(
                    "VAULT_ADDR ({a}) is not the Vault {} names ({f}); agov talks only to the installation's Vault (unset VAULT_ADDR)",
                    fpath.display()
                ),
            });
        }
        (Some(a), _) => Setting::new(a.to_string(), Source::Env(env::VAULT_ADDR)),
        (None, Some(a)) => Setting::new(a.clone(), Source::File(fpath.to_path_buf())),
        (None, None) => return Ok(None),
    };
    if !(addr.value.starts_with("http://") || addr.value.starts_with("https://")) {
        return Err(ConfigError::Invalid {
            key: "vault.addr",
            source_desc: addr.source.to_string(),
            message: format!("`{}` must start with http:// or https://", addr.value),
        });
    }
    let mount = file
        .vault
        .approle_mount
        .clone()
        .unwrap_or_else(|| "approle".into());
    let role_id = env
        .get(env::AGOV_VAULT_ROLE_ID)
        .map(str::to_string)
        .or_else(|| file.vault.role_id.clone());
    let token = env.get(env::VAULT_TOKEN).map(Secret::new);
    let secret_id_given =
        env.get(env::AGOV_VAULT_SECRET_ID).is_some() || file.vault.secret_id_file.is_some();
    // With AppRole credentials agov acts as its own identity, and VAULT_TOKEN
    // (if any) is the person's: it only decides privileged acts.
    let (auth, operator_token) = if let Some(token) = token
        .clone()
        .filter(|_| role_id.is_none() || !secret_id_given)
    {
        (VaultAuth::Token(token), None)
    } else if let Some(role_id) = role_id {
        let secret_id = match (env.get(env::AGOV_VAULT_SECRET_ID), &file.vault.secret_id_file) {
            (Some(s), _) => SecretIdSource::Value(Secret::new(s)),
            (None, Some(p)) => SecretIdSource::File(p.clone()),
            (None, None) => {
                return Err(ConfigError::Invalid {
                    key: "vault.secret_id_file",
                    source_desc: "AppRole login".into(),
                    message: "a role id is set but no secret id: set AGOV_VAULT_SECRET_ID or vault.secret_id_file".into(),
                })
            }
        };
        (
            VaultAuth::AppRole {
                mount,
                role_id,
                secret_id,
            },
            token,
        )
    } else {
        (VaultAuth::Missing, None)
    };
    let timeout = match &file.vault.timeout {
        Some(t) => agov_core::time::parse_duration(t).map_err(|message| ConfigError::Invalid {
            key: "vault.timeout",
            source_desc: format!("config file {}", fpath.display()),
            message,
        })?,
        None => Duration::from_secs(10),
    };
    Ok(Some(VaultSettings {
        addr,
        auth,
        operator_token,
        cacert: env
            .get(env::VAULT_CACERT)
            .map(PathBuf::from)
            .or_else(|| file.vault.cacert.clone()),
        namespace: env
            .get(env::VAULT_NAMESPACE)
            .map(str::to_string)
            .or_else(|| file.vault.namespace.clone()),
        kv_mount: file
            .vault
            .kv_mount
            .clone()
            .unwrap_or_else(|| "secret".into()),
        timeout,
        bound_cidrs: file.vault.bound_cidrs.clone().unwrap_or_default(),
    }))
}

#[cfg(test)]
mod tests {
    use super::super::tests::env_with_home;
    use super::*;

    #[test]
    fn vault_addr_may_repeat_the_files_vault_not_replace_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config.toml"),
            "[vault]\naddr = \"https://vault.example:8200\"\n",
        )
        .unwrap();
        let same = env_with_home(dir.path(), &[("VAULT_ADDR", "https://vault.example:8200/")]);
        let s = Settings::resolve(&Overrides::default(), &same).unwrap();
        assert!(s.vault.is_some());
        let other = env_with_home(dir.path(), &[("VAULT_ADDR", "http://127.0.0.1:8200")]);
        let err = Settings::resolve(&Overrides::default(), &other)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("not the Vault") && err.contains("vault.example"),
            "{err}"
        );
    }

    #[test]
    fn vault_needs_an_address_and_takes_token_from_env() {
        let dir = tempfile::tempdir().unwrap();
        let s = Settings::resolve(&Overrides::default(), &env_with_home(dir.path(), &[])).unwrap();
        assert!(s.vault.is_none());
        let e = env_with_home(
            dir.path(),
            &[
                ("VAULT_ADDR", "http://127.0.0.1:8200"),
                ("VAULT_TOKEN", "root"),
            ],
        );
        let s = Settings::resolve(&Overrides::default(), &e).unwrap();
        let v = s.vault.unwrap();
        assert!(matches!(v.auth, VaultAuth::Token(_)));
        assert!(v.operator_token.is_none());
        assert_eq!(v.kv_mount, "secret");
    }

    #[test]
    fn with_approle_vault_token_is_only_the_persons_identity() {
        let dir = tempfile::tempdir().unwrap();
        let e = env_with_home(
            dir.path(),
            &[
                ("VAULT_ADDR", "http://127.0.0.1:8200"),
                ("VAULT_TOKEN", "person"),
                ("AGOV_VAULT_ROLE_ID", "role"),
                ("AGOV_VAULT_SECRET_ID", "secret"),
            ],
        );
        let v = Settings::resolve(&Overrides::default(), &e)
            .unwrap()
            .vault
            .unwrap();
        assert!(matches!(v.auth, VaultAuth::AppRole { .. }));
        assert_eq!(
            v.operator_token.map(|t| t.expose().to_string()).as_deref(),
            Some("person")
        );
        // A role id without a secret id: the token is agov's own, as before.
        let e = env_with_home(
            dir.path(),
            &[
                ("VAULT_ADDR", "http://127.0.0.1:8200"),
                ("VAULT_TOKEN", "person"),
                ("AGOV_VAULT_ROLE_ID", "role"),
            ],
        );
        let v = Settings::resolve(&Overrides::default(), &e)
            .unwrap()
            .vault
            .unwrap();
        assert!(matches!(v.auth, VaultAuth::Token(_)) && v.operator_token.is_none());
    }
}
