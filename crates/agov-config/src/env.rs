//! Every environment variable agov reads, in one place.
//!
//! Vault's standard variables keep their names so that an operator's existing
//! shell set-up works unchanged; agov's own start with `AGOV_`.

/// Puts the config file and the data folder under one directory
/// (`$AGOV_HOME/config.toml`, `$AGOV_HOME/data/`).
pub const AGOV_HOME: &str = "AGOV_HOME";
/// The config file to read instead of the default one (same as `--config`).
pub const AGOV_CONFIG: &str = "AGOV_CONFIG";
/// The data folder (databases, keys, seals) instead of the default one.
pub const AGOV_DATA_DIR: &str = "AGOV_DATA_DIR";
/// The tenant every command acts for (same as `--tenant`).
pub const AGOV_TENANT: &str = "AGOV_TENANT";
/// The project inside the tenant (same as `--project`).
pub const AGOV_PROJECT: &str = "AGOV_PROJECT";
/// What to log on stderr, as `LEVEL` or `TARGET=LEVEL,…` (e.g. `debug`,
/// `agov_pipeline=trace,warn`); overrides `-v`/`-q`.
pub const AGOV_LOG: &str = "AGOV_LOG";
/// Log line format: `human` (default) or `json` (same as `--log-format`).
pub const AGOV_LOG_FORMAT: &str = "AGOV_LOG_FORMAT";
/// The runtime store: `embedded` (default), `redis://…` or `rediss://…`.
pub const AGOV_RUNTIME_URL: &str = "AGOV_RUNTIME_URL";
/// The ledger database file instead of `<data>/agov.db`.
pub const AGOV_LEDGER_PATH: &str = "AGOV_LEDGER_PATH";
/// When `memory log` fills the search index: `auto` (default: at once up to
/// 1 MiB, else in a background `memory index`), `inline`, `background`, `off`.
pub const AGOV_MEMORY_INDEX: &str = "AGOV_MEMORY_INDEX";
/// Life of a governed agent's execution lock between transitions (default
/// `30s`): a killed agent's lock frees this long after its last transition.
pub const AGOV_LOCK_TTL: &str = "AGOV_LOCK_TTL";
/// Life of a pipeline's lease unless its driver extends it (default `15s`):
/// `pipeline continue` can take over this long after a driver died.
pub const AGOV_LEASE_TTL: &str = "AGOV_LEASE_TTL";
/// How long a finished pipeline's state, board and messages and an ended
/// agent's packet and state stay in the runtime store, and a revoked or
/// expired token in the embedded `tokens.db` (default `7d`).
pub const AGOV_RETENTION: &str = "AGOV_RETENTION";
/// How often a running pipeline renews its 2 h token (default `30m`).
pub const AGOV_PIPELINE_RENEW_EVERY: &str = "AGOV_PIPELINE_RENEW_EVERY";
/// Base URL of the OpenAI-compatible API the `llm` driver calls (default
/// OpenRouter, `https://openrouter.ai/api/v1`).
pub const AGOV_LLM_BASE_URL: &str = "AGOV_LLM_BASE_URL";
/// The model the `llm` driver asks (default `openai/gpt-4o-mini`).
pub const AGOV_LLM_MODEL: &str = "AGOV_LLM_MODEL";
/// The API key for the `llm` driver; without it, Vault KV is read.
pub const AGOV_LLM_API_KEY: &str = "AGOV_LLM_API_KEY";
/// Vault KV path holding the key (field `api_key`; default `agov/llm`).
pub const AGOV_LLM_KEY_PATH: &str = "AGOV_LLM_KEY_PATH";
/// AppRole role id agov logs in to Vault with (its own identity).
pub const AGOV_VAULT_ROLE_ID: &str = "AGOV_VAULT_ROLE_ID";
/// AppRole secret id that goes with `AGOV_VAULT_ROLE_ID`.
pub const AGOV_VAULT_SECRET_ID: &str = "AGOV_VAULT_SECRET_ID";
/// Vault's address; setting it switches tokens, the HMAC key and seals to Vault.
pub const VAULT_ADDR: &str = "VAULT_ADDR";
/// The person's Vault token: its identity decides privileged acts; agov also
/// acts with it when no AppRole credentials are configured.
pub const VAULT_TOKEN: &str = "VAULT_TOKEN";
/// A PEM file with the CA that signed Vault's TLS certificate.
pub const VAULT_CACERT: &str = "VAULT_CACERT";
/// The Vault Enterprise / OpenBao namespace, if any.
pub const VAULT_NAMESPACE: &str = "VAULT_NAMESPACE";
/// Disables colour when set to anything (`--color` wins over it).
pub const NO_COLOR: &str = "NO_COLOR";
/// More variables an agent gets from the governor's environment, by name
/// (comma-separated; `AGOV_*` and `VAULT_*` never pass).
pub const AGOV_AGENT_ENV: &str = "AGOV_AGENT_ENV";
/// An agent's tier token, which agov gives each agent it runs;
/// `pipeline token lookup` and `renew` and `pipeline agent exec` act on it.
pub const AGOV_TOKEN: &str = "AGOV_TOKEN";
/// The agents' kernel sandbox: enforce (default) | best-effort | off.
pub const AGOV_SANDBOX: &str = "AGOV_SANDBOX";
/// Tiers whose agents run with best effort under an enforced sandbox: `3,4`.
pub const AGOV_SANDBOX_BEST_EFFORT: &str = "AGOV_SANDBOX_BEST_EFFORT";
/// XDG base directory for configuration (default `~/.config`).
pub const XDG_CONFIG_HOME: &str = "XDG_CONFIG_HOME";
/// XDG base directory for data (default `~/.local/share`).
pub const XDG_DATA_HOME: &str = "XDG_DATA_HOME";
/// The home directory, for the XDG defaults.
pub const HOME: &str = "HOME";

/// Every variable with a one-line description, for `--help` and docs/configuration.md.
pub const ALL: &[(&str, &str)] = &[
    (AGOV_HOME, "put config.toml and data/ under this one folder"),
    (AGOV_CONFIG, "config file to read (same as --config)"),
    (AGOV_DATA_DIR, "data folder: databases, HMAC key, seals"),
    (
        AGOV_TENANT,
        "tenant to act for (same as --tenant; default `default`)",
    ),
    (
        AGOV_PROJECT,
        "project inside the tenant (same as --project; default none)",
    ),
    (
        AGOV_LOG,
        "what to log on stderr: LEVEL or TARGET=LEVEL,… (overrides -v/-q)",
    ),
    (AGOV_LOG_FORMAT, "log lines: human (default) | json"),
    (
        AGOV_AGENT_ENV,
        "more variables agents get, by name: NAME,NAME (AGOV_* and VAULT_* never pass)",
    ),
    (
        AGOV_TOKEN,
        "an agent's tier token (agov sets it for each agent): pipeline token lookup/renew, pipeline agent exec",
    ),
    (
        AGOV_SANDBOX,
        "agents' kernel sandbox: enforce (default) | best-effort | off (both recorded on every run)",
    ),
    (
        AGOV_SANDBOX_BEST_EFFORT,
        "tiers whose agents run with best effort under an enforced sandbox: 3,4 (recorded on every run)",
    ),
    (
        AGOV_RUNTIME_URL,
        "runtime store: embedded | redis://… | rediss://…",
    ),
    (
        AGOV_LEDGER_PATH,
        "ledger database file (default <data>/agov.db)",
    ),
    (
        AGOV_MEMORY_INDEX,
        "when `memory log` indexes for search: auto | inline | background | off",
    ),
    (
        AGOV_LOCK_TTL,
        "life of an agent's execution lock between transitions (default 30s)",
    ),
    (
        AGOV_LEASE_TTL,
        "life of a pipeline's lease unless its driver extends it (default 15s)",
    ),
    (
        AGOV_RETENTION,
        "how long a finished pipeline's and agent's runtime keys are kept (default 7d)",
    ),
    (
        AGOV_PIPELINE_RENEW_EVERY,
        "how often a running pipeline renews its token (default 30m)",
    ),
    (
        AGOV_LLM_BASE_URL,
        "OpenAI-compatible API for the llm driver (default OpenRouter)",
    ),
    (AGOV_LLM_MODEL, "model for the llm driver"),
    (
        AGOV_LLM_API_KEY,
        "API key for the llm driver (else read from Vault KV)",
    ),
    (
        AGOV_LLM_KEY_PATH,
        "Vault KV path of the llm API key, field api_key (default agov/llm)",
    ),
    (
        AGOV_VAULT_ROLE_ID,
        "AppRole role id for agov's own Vault login",
    ),
    (
        AGOV_VAULT_SECRET_ID,
        "AppRole secret id for agov's own Vault login",
    ),
    (
        VAULT_ADDR,
        "Vault/OpenBao address; setting it switches tokens, HMAC key and seals to Vault",
    ),
    (
        VAULT_TOKEN,
        "Vault token for agov itself (else AppRole login)",
    ),
    (VAULT_CACERT, "CA certificate (PEM) for Vault's TLS"),
    (VAULT_NAMESPACE, "Vault namespace"),
    (NO_COLOR, "disable colour (--color wins)"),
    (XDG_CONFIG_HOME, "config base folder (default ~/.config)"),
    (XDG_DATA_HOME, "data base folder (default ~/.local/share)"),
];
