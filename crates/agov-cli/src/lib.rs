//! Command-line plumbing shared by every agov binary.
//!
//! A binary's `main` is one call to [`run`]: it parses the arguments (usage
//! errors exit 64, not clap's 2, which means consensus failure here), builds a
//! [`Ctx`] holding the [`GlobalArgs`], the environment and the output
//! streams, runs the command, and turns a [`CliError`] into `error: …` and
//! `hint: …` lines (one JSON object with `--json`) and its [`Exit`] code. A
//! closed stdout (`… | head`) ends the program quietly with success.

mod args;
mod ctx;
mod error;
mod exit;
pub mod latency;
mod logging;
mod output;
pub mod progress;
mod style;
mod values;

pub use args::{ColorChoice, GlobalArgs, HasGlobalArgs};
pub use ctx::{Ctx, SettingsCheck};
pub use error::{CliError, ErrorLine};
pub use exit::Exit;
pub use logging::LogFormat;
pub use output::{Output, Tabular, stderr_line};
pub use style::Style;
pub use values::{Offering, offering};

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

/// Parses the command line as `C` and runs `command`, returning the exit code.
pub fn run<C>(command: impl FnOnce(C, &mut Ctx) -> Result<(), CliError>) -> ExitCode
where
    C: Parser + HasGlobalArgs,
{
    let started = std::time::Instant::now();
    // The command tree (every subcommand's arguments) is built to parse and
    // then left for the process's exit to free: dropping it costs a short
    // command about a tenth of its instructions.
    let mut tree = std::mem::ManuallyDrop::new(C::command());
    let parsed = tree
        .try_get_matches_from_mut(std::env::args_os())
        .and_then(|m| Ok((C::from_arg_matches(&m)?, command_name(&m))));
    let (cli, name) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return Exit::Ok.into();
            }
            // Usage errors are clap's to find but ours to print: with
            // `--json` anywhere before `--`, as the one JSON object.
            if json_requested(std::env::args_os().skip(1)) {
                stderr_line(&CliError::from_clap(&e).to_json());
            } else {
                let _ = e.print();
            }
            return Exit::Usage.into();
        }
    };
    let mut ctx = Ctx::new(cli.global_args().clone(), agov_config::Env::from_process());
    let logging = logging::init(&ctx.global, &ctx.env, ctx.style().enabled());
    // Spans are exported only when OTEL_EXPORTER_OTLP_ENDPOINT is set;
    // otherwise this reads the variable and nothing more.
    let flush = agov_trace::init(binary_name).unwrap_or_else(|e| {
        tracing::warn!("tracing is off: {e}");
        agov_trace::Flush::default()
    });
    let span = agov_trace::Span::start_with(|| name.clone());
    let entered = span.enter();
    let result = logging
        .and_then(|()| command(cli, &mut ctx))
        .and_then(|()| ctx.out.flush());
    if let Err(e) = &result {
        span.fail(&e.message());
    }
    let exit = match result {
        Ok(()) => Exit::Ok,
        Err(e) if e.is_broken_pipe() => Exit::Ok,
        Err(e) => {
            let _ = ctx.out.flush();
            ctx.report_error(&e);
            e.exit()
        }
    };
    let took = started.elapsed();
    tracing::debug!(command = %name, exit = exit as u8, ms = took.as_secs_f64() * 1e3, "finished");
    if let Some(data_dir) = ctx.data_dir() {
        latency::record(data_dir, &name, exit as u8, took);
    }
    span.set("process.exit.code", exit as u8 as i64);
    drop(entered);
    drop(span);
    drop(flush);
    exit.into()
}

/// The program's name (`pipeline`), as the traces' `service.name`.
fn binary_name() -> String {
    std::env::args_os()
        .next()
        .map(std::path::PathBuf::from)
        .and_then(|p| p.file_name().map(|f| f.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "agov".into())
}

/// The binary and its subcommands, e.g. `pipeline token issue`.
fn command_name(matches: &clap::ArgMatches) -> String {
    let mut name = std::env::args_os()
        .next()
        .map(std::path::PathBuf::from)
        .and_then(|p| p.file_name().map(|f| f.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let mut m = matches;
    while let Some((sub, next)) = m.subcommand() {
        name.push(' ');
        name.push_str(sub);
        m = next;
    }
    name
}

/// True when `--json` is among the arguments before a `--` (after it,
/// arguments belong to a command agov runs): clap's own errors are found
/// before the flag is parsed, so they look at the raw arguments.
fn json_requested(args: impl Iterator<Item = std::ffi::OsString>) -> bool {
    args.take_while(|a| a != "--").any(|a| a == "--json")
}

#[cfg(test)]
mod tests {
    use super::json_requested;

    fn args(a: &[&str]) -> impl Iterator<Item = std::ffi::OsString> {
        a.iter()
            .map(std::ffi::OsString::from)
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn json_counts_only_before_the_separator() {
        assert!(json_requested(args(&["fetch", "m1", "--json"])));
        assert!(json_requested(args(&["--json", "spawn"])));
        assert!(!json_requested(args(&[
            "agent", "run", "--", "tool", "--json"
        ])));
        assert!(!json_requested(args(&["list", "--jsonl"])));
    }
}
