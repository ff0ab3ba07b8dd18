//! Structured logs on stderr, with `tracing`.
//!
//! Human lines by default, one JSON object per line with `--log-format json`
//! (or `AGOV_LOG_FORMAT=json`). What is logged: agov's own targets at the
//! level `-v` asks for (warn by default, `-v` info, `-vv` debug, `-vvv`
//! trace; `-q` errors only), other crates at warn; or exactly what
//! `AGOV_LOG` says, in `target=level,…` form (`AGOV_LOG=debug`,
//! `AGOV_LOG=agov_pipeline=trace,warn`). Every line is scrubbed of the
//! secrets the process has seen ([`agov_core::secret::redact`]) before it is
//! written.

use std::io::Write;
use std::str::FromStr;

use agov_config::Env;
use clap::ValueEnum;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, fmt};

use crate::args::GlobalArgs;
use crate::error::CliError;

/// How log lines look.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// `LEVEL target: message key=value` lines for a person.
    #[default]
    Human,
    /// One JSON object per line: timestamp, level, target, message, fields.
    Json,
}

/// Stderr, one event per write, with secrets scrubbed.
#[derive(Clone, Copy)]
struct RedactedStderr;

impl Write for RedactedStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        std::io::stderr()
            .lock()
            .write_all(agov_core::secret::redact(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

impl<'a> MakeWriter<'a> for RedactedStderr {
    type Writer = RedactedStderr;

    fn make_writer(&'a self) -> Self::Writer {
        *self
    }
}

/// The filter `-q`/`-v` ask for, or the one `AGOV_LOG` spells out.
fn filter(global: &GlobalArgs, env: &Env) -> Result<Targets, CliError> {
    if let Some(spec) = env
        .get(agov_config::env::AGOV_LOG)
        .filter(|s| !s.trim().is_empty())
    {
        return Targets::from_str(spec.trim()).map_err(|e| {
            CliError::usage(format!("AGOV_LOG=`{spec}` is not a log filter: {e}"))
                .with_hint("write `LEVEL` or `TARGET=LEVEL,…`, e.g. AGOV_LOG=debug or AGOV_LOG=agov_pipeline=trace,warn")
        });
    }
    let ours = match (global.quiet, global.verbose) {
        (true, _) => LevelFilter::ERROR,
        (false, 0) => LevelFilter::WARN,
        (false, 1) => LevelFilter::INFO,
        (false, 2) => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    };
    Ok(Targets::new()
        .with_target("agov", ours)
        .with_default(ours.min(LevelFilter::WARN)))
}

/// The format from `--log-format`, else `AGOV_LOG_FORMAT`, else human.
fn format(global: &GlobalArgs, env: &Env) -> Result<LogFormat, CliError> {
    if let Some(f) = global.log_format {
        return Ok(f);
    }
    match env.get(agov_config::env::AGOV_LOG_FORMAT).map(str::trim) {
        None | Some("") => Ok(LogFormat::default()),
        Some(v) => LogFormat::from_str(v, true).map_err(|_| {
            CliError::usage(format!("AGOV_LOG_FORMAT=`{v}` is not a log format"))
                .with_hint("use `human` or `json`")
        }),
    }
}

/// Installs the process's log subscriber; a second call changes nothing.
pub(crate) fn init(global: &GlobalArgs, env: &Env, ansi: bool) -> Result<(), CliError> {
    let targets = filter(global, env)?;
    let layer = match format(global, env)? {
        LogFormat::Human => fmt::layer()
            .without_time()
            .with_ansi(ansi)
            .with_writer(RedactedStderr)
            .with_filter(targets)
            .boxed(),
        LogFormat::Json => fmt::layer()
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .with_writer(RedactedStderr)
            .with_filter(targets)
            .boxed(),
    };
    // Already set (a test harness running several commands): keep the first.
    let _ = tracing_subscriber::registry().with(layer).try_init();
    Ok(())
}
