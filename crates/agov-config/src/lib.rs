//! agov configuration.
//!
//! Values are resolved with one precedence everywhere: command-line flag >
//! environment variable > config file > default ([`Setting`] records which one
//! won, for `-v`). Every environment variable is named in [`env`]; paths follow
//! XDG, or live under `AGOV_HOME` ([`paths`]); the file is strict TOML
//! ([`file`]): an unknown key or a syntax error names the file, line and key.

pub mod env;
pub mod file;
pub mod paths;
pub mod settings;

pub use file::ConfigFile;
pub use paths::Paths;
pub use settings::{
    ConfigError, Env, Overrides, Quota, RuntimeTarget, SecretIdSource, Setting, Settings, Source,
    VaultAuth, VaultSettings, redact_url, validate_tenant,
};
