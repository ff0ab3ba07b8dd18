//! The flags every agov binary accepts.

use std::path::PathBuf;

use clap::{ArgAction, Args, ValueEnum};

/// When to colour output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when the stream is a terminal and NO_COLOR is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Flags shared by every binary; flatten it into each `Cli`.
#[derive(Clone, Debug, Default, Args)]
pub struct GlobalArgs {
    /// Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/
    #[arg(long, global = true)]
    pub json: bool,

    /// Colour: auto, always or never [default: auto; NO_COLOR turns auto off]
    #[arg(long, global = true, value_enum, value_name = "WHEN")]
    pub color: Option<ColorChoice>,

    /// Print only data and errors: no hints, notes or progress
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,

    /// Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    pub log_format: Option<crate::logging::LogFormat>,

    /// Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Tenant to act for [env: AGOV_TENANT; default: default]
    #[arg(long, global = true, value_name = "NAME")]
    pub tenant: Option<String>,

    /// Project inside the tenant: its own records, events and keys; the tenant's quotas [env: AGOV_PROJECT]
    #[arg(long, global = true, value_name = "NAME")]
    pub project: Option<String>,
}

/// Implemented by each binary's `Cli` so [`crate::run`] can reach the global flags.
pub trait HasGlobalArgs {
    /// The flattened [`GlobalArgs`].
    fn global_args(&self) -> &GlobalArgs;
}
