//! What a command gets to work with: the global flags, the environment,
//! stdout, and the stderr channel for notes, hints and errors.

use agov_config::{Env, Overrides, Settings};

use crate::args::GlobalArgs;
use crate::error::CliError;
use crate::output::Output;
use crate::style::Style;

/// A check of the resolved settings that must pass before any command sees
/// them (agov-commands installs the tenant's: who may act for it).
pub type SettingsCheck = fn(&Settings) -> Result<(), CliError>;

/// The context of one command invocation.
pub struct Ctx {
    /// The global flags.
    pub global: GlobalArgs,
    /// The environment snapshot.
    pub env: Env,
    /// Standard output, for data only.
    pub out: Output,
    style: Style,
    settings: Option<Settings>,
    check: Option<SettingsCheck>,
}

impl Ctx {
    /// A context for these flags and this environment.
    pub fn new(global: GlobalArgs, env: Env) -> Ctx {
        let style = Style::for_stderr(global.color, env.get(agov_config::env::NO_COLOR).is_some());
        let out = Output::stdout(global.json);
        Ctx {
            global,
            env,
            out,
            style,
            settings: None,
            check: None,
        }
    }

    /// Runs `check` on the settings when they are first resolved: a command
    /// that reads or writes anything resolves them first, so nothing is
    /// read or written unless it passes.
    pub fn check_settings_with(&mut self, check: SettingsCheck) {
        self.check = Some(check);
    }

    /// True with `--json`.
    pub fn json(&self) -> bool {
        self.global.json
    }

    /// The resolved settings (resolved and checked once; `-v` prints where
    /// each came from).
    pub fn settings(&mut self) -> Result<Settings, CliError> {
        self.settings_overlapping(|_| {})
    }

    /// [`Ctx::settings`], with `early` run on the resolved settings before
    /// the check, so that what the command will need from a server (a
    /// Vault read) is on its way while the check makes its round trip.
    /// `early` may only start reads whose answers are used after the check
    /// has passed; it is not run when the settings were resolved already.
    pub fn settings_overlapping(
        &mut self,
        early: impl FnOnce(&Settings),
    ) -> Result<Settings, CliError> {
        if let Some(s) = &self.settings {
            return Ok(s.clone());
        }
        let overrides = Overrides {
            config: self.global.config.clone(),
            tenant: self.global.tenant.clone(),
            project: self.global.project.clone(),
        };
        let s = Settings::resolve(&overrides, &self.env)?;
        for line in s.describe() {
            self.debug(1, &line);
        }
        early(&s);
        if let Some(check) = self.check {
            check(&s)?;
        }
        self.settings = Some(s.clone());
        Ok(s)
    }

    /// The data folder, if the command resolved its settings.
    pub(crate) fn data_dir(&self) -> Option<&std::path::Path> {
        self.settings.as_ref().map(|s| s.data_dir.value.as_path())
    }

    /// The stderr style.
    pub fn style(&self) -> Style {
        self.style
    }

    /// A `note:` on stderr, unless `-q`.
    pub fn note(&self, msg: &str) {
        if !self.global.quiet {
            self.stderr_line(&format!("note: {msg}"));
        }
    }

    /// A `hint:` on stderr, unless `-q`.
    pub fn hint(&self, msg: &str) {
        if !self.global.quiet {
            self.stderr_line(&format!("{} {msg}", self.style.hint("hint:")));
        }
    }

    /// A `warning:` on stderr (shown even with `-q`).
    pub fn warn(&self, msg: &str) {
        self.stderr_line(&format!("{} {msg}", self.style.warn("warning:")));
    }

    /// A log line for `-v` (level 1: info) or `-vv` (level 2: debug), through
    /// the process's log subscriber (so `--log-format json` and `AGOV_LOG`
    /// apply to it).
    pub fn debug(&self, level: u8, msg: &str) {
        match level {
            0 | 1 => tracing::info!(target: "agov", "{msg}"),
            2 => tracing::debug!(target: "agov", "{msg}"),
            _ => tracing::trace!(target: "agov", "{msg}"),
        }
    }

    /// Prints a failure: `error:`/`hint:` lines, or one JSON object with `--json`.
    pub fn report_error(&self, e: &CliError) {
        if self.global.json {
            self.stderr_line(&e.to_json());
            return;
        }
        self.stderr_line(&format!("{} {}", self.style.error("error:"), e.message()));
        if let Some(h) = e.hint() {
            self.stderr_line(&format!("{} {h}", self.style.hint("hint:")));
        }
    }

    fn stderr_line(&self, line: &str) {
        crate::output::stderr_line(line);
    }
}
