//! `bugs log`: report a bug.

use std::io::Read;

use agov_bugs::{NewBug, Severity};
use agov_cli::{CliError, Ctx, offering};
use clap::builder::TypedValueParser;

use super::with_bugs;

/// Report a bug and print its id
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// One line saying what is wrong (required)
    #[arg(short, long, value_name = "TEXT", required_unless_present = "stray")]
    message: Option<String>,

    /// Words given without -m: refused, with the command that takes them
    #[arg(hide = true, value_name = "TITLE")]
    stray: Vec<String>,

    /// How bad it is
    #[arg(long, default_value = "medium", value_parser = severity_arg())]
    severity: Severity,

    /// The component it is in
    #[arg(long, value_name = "NAME")]
    component: Option<String>,

    /// The directory it concerns
    #[arg(long, value_name = "PATH")]
    dir: Option<String>,

    /// A tag (repeat for more)
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,

    /// Read a longer description from standard input
    #[arg(long)]
    stdin: bool,
}

/// A severity argument, the severities offered to completions.
pub(super) fn severity_arg() -> impl TypedValueParser<Value = Severity> {
    offering(
        |s: &str| s.parse::<Severity>(),
        Severity::ALL.map(Severity::as_str),
    )
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let message = match (args.message, args.stray.is_empty()) {
        (Some(m), true) => m,
        (None, true) => return Err(CliError::usage("-m TEXT is required")),
        (_, false) => {
            let title = args.stray.join(" ");
            return Err(CliError::usage(format!(
                "unexpected argument `{title}`: `bugs log` takes the title with -m"
            ))
            .with_hint(format!("bugs log -m '{}'", title.replace('\'', "'\\''"))));
        }
    };
    let mut new = NewBug::new(message);
    if args.stdin {
        let mut buf = String::new();
        std::io::stdin()
            .take((1 << 20) + 1)
            .read_to_string(&mut buf)
            .map_err(|e| {
                CliError::usage(format!(
                    "cannot read the description from standard input: {e}"
                ))
            })?;
        new.description = buf.trim_end().to_string();
    }
    new.severity = args.severity;
    new.component = args.component;
    new.dir = args.dir;
    new.tags = args.tags;
    let (bug, _) = with_bugs(ctx, None, |bugs| Ok(bugs.log(&new)?))?;
    ctx.out.record(&bug, |out| out.line(&bug.id))
}
