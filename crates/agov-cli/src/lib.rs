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
mod output;
pub mod progress;
mod style;

pub use args::{ColorChoice, GlobalArgs, HasGlobalArgs};
pub use ctx::Ctx;
pub use error::CliError;
pub use exit::Exit;
pub use output::{Output, Tabular};
pub use style::Style;

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

/// Parses the command line as `C` and runs `command`, returning the exit code.
pub fn run<C>(command: impl FnOnce(C, &mut Ctx) -> Result<(), CliError>) -> ExitCode
where
    C: Parser + HasGlobalArgs,
{
    let cli = match C::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => Exit::Ok,
                ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => Exit::Usage,
                _ => Exit::Usage,
            };
            let _ = e.print();
            return code.into();
        }
    };
    let mut ctx = Ctx::new(cli.global_args().clone(), agov_config::Env::from_process());
    let result = command(cli, &mut ctx).and_then(|()| ctx.out.flush());
    match result {
        Ok(()) => Exit::Ok.into(),
        Err(e) if e.is_broken_pipe() => Exit::Ok.into(),
        Err(e) => {
            let _ = ctx.out.flush();
            ctx.report_error(&e);
            e.exit().into()
        }
    }
}
