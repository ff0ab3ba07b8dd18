//! The config file: strict TOML, every key documented here.
//!
//! ```toml
//! tenant = "default"
//! data_dir = "/var/lib/agov"
//! sandbox = "enforce"         # agents' kernel sandbox: enforce | best-effort | off
//! sandbox_best_effort = [4]   # tiers run with what this kernel can enforce
//!
//! [ledger]
//! path = "/var/lib/agov/agov.db"
//!
//! [runtime]
//! url = "redis://127.0.0.1:6379/0"   # or "embedded"
//! namespace = "agov:"                 # prefix of every key agov writes
//! password_secret = "services/dragonfly"  # KV v2 path holding `password`
//!
//! [vault]
//! addr = "https://vault.example:8200"
//! cacert = "/etc/agov/vault-ca.pem"
//! kv_mount = "secret"
//! approle_mount = "approle"
//! role_id = "…"
//! secret_id_file = "/etc/agov/secret-id"   # mode 0600
//! timeout = "5s"
//! bound_cidrs = ["10.0.0.0/24"]            # where agov's AppRole may log in from
//!
//! [tenants.acme]              # quotas of one tenant (default: none)
//! max_pipelines = 4           # pipelines running at once
//! max_tier = 2                # the highest tier it may request
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The whole config file. Unknown keys are errors.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Tenant to act for.
    pub tenant: Option<String>,
    /// Project inside the tenant.
    pub project: Option<String>,
    /// Data folder.
    pub data_dir: Option<PathBuf>,
    /// The agents' kernel sandbox: enforce | best-effort | off.
    pub sandbox: Option<String>,
    /// Tiers whose agents run with what this kernel can enforce of their
    /// profile when `sandbox` is `enforce` (every such run is ledgered).
    pub sandbox_best_effort: Option<Vec<u8>>,
    /// `[ledger]`.
    #[serde(default)]
    pub ledger: LedgerSection,
    /// `[runtime]`.
    #[serde(default)]
    pub runtime: RuntimeSection,
    /// `[vault]`.
    #[serde(default)]
    pub vault: VaultSection,
    /// Quotas by tenant: `[tenants.NAME]`.
    #[serde(default)]
    pub tenants: std::collections::BTreeMap<String, TenantSection>,
}

/// Quotas of one tenant.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TenantSection {
    /// Pipelines running at once.
    pub max_pipelines: Option<u32>,
    /// The highest tier it may request (0-4).
    pub max_tier: Option<u8>,
}

/// `[ledger]` keys.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LedgerSection {
    /// Ledger database file.
    pub path: Option<PathBuf>,
}

/// `[runtime]` keys.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RuntimeSection {
    /// `embedded`, `redis://…` or `rediss://…`.
    pub url: Option<String>,
    /// Prefix of every key agov writes.
    pub namespace: Option<String>,
    /// Vault KV v2 path (under the KV mount) whose `password` field is the store's password.
    pub password_secret: Option<String>,
}

/// `[vault]` keys.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct VaultSection {
    /// Vault address.
    pub addr: Option<String>,
    /// CA certificate file (PEM).
    pub cacert: Option<PathBuf>,
    /// Namespace.
    pub namespace: Option<String>,
    /// KV v2 mount (default `secret`).
    pub kv_mount: Option<String>,
    /// AppRole mount (default `approle`).
    pub approle_mount: Option<String>,
    /// AppRole role id.
    pub role_id: Option<String>,
    /// File holding the AppRole secret id.
    pub secret_id_file: Option<PathBuf>,
    /// Request timeout, e.g. `5s`.
    pub timeout: Option<String>,
    /// CIDR blocks `validate-phases --apply` binds agov's AppRole secret ids
    /// and login tokens to (default: none, any address).
    pub bound_cidrs: Option<Vec<String>>,
}

/// Why a config file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file exists but could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has an unknown or mistyped key.
    #[error("invalid config file {path}:{line}:{column}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What is wrong, naming the key.
        message: String,
    },
}

impl ConfigFile {
    /// Reads `path`; a missing file is an empty config when `required` is false.
    pub fn load(path: &Path, required: bool) -> Result<ConfigFile, FileError> {
        match std::fs::read_to_string(path) {
            Ok(text) => ConfigFile::parse(path, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                Ok(ConfigFile::default())
            }
            Err(source) => Err(FileError::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Parses config text; errors carry `path`, line and column.
    pub fn parse(path: &Path, text: &str) -> Result<ConfigFile, FileError> {
        toml::from_str(text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|span| line_column(text, span.start))
                .unwrap_or((1, 1));
            FileError::Parse {
                path: path.to_path_buf(),
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })
    }
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_names_file_line_and_key() {
        let text = "tenant = \"a\"\n[runtime]\nurl = \"embedded\"\nurll = \"x\"\n";
        let err = ConfigFile::parse(Path::new("/c.toml"), text).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("invalid config file /c.toml:4:1:"), "{msg}");
        assert!(msg.contains("urll"), "{msg}");
    }

    #[test]
    fn syntax_error_names_the_line() {
        let err = ConfigFile::parse(Path::new("c.toml"), "tenant = \"a\"\n[vault\n").unwrap_err();
        assert!(err.to_string().contains("c.toml:2:"), "{err}");
    }

    #[test]
    fn full_file_parses() {
        let text = r#"
tenant = "acme"
[ledger]
path = "/l.db"
[runtime]
url = "redis://127.0.0.1:1/0"
namespace = "x:"
[vault]
addr = "http://127.0.0.1:8200"
kv_mount = "kv"
"#;
        let c = ConfigFile::parse(Path::new("c"), text).unwrap();
        assert_eq!(c.tenant.as_deref(), Some("acme"));
        assert_eq!(c.vault.kv_mount.as_deref(), Some("kv"));
        assert_eq!(c.ledger.path, Some(PathBuf::from("/l.db")));
    }
}
