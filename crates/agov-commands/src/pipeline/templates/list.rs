//! `pipeline templates list`: the stored templates, newest version of each.

use agov_cli::{CliError, Ctx};

use super::{Row, reading};

/// List the stored agent templates (the newest version of each; --all-versions for every one)
#[derive(Debug, clap::Args)]
pub(in super::super) struct Args {
    /// Every version, not only the newest
    #[arg(long)]
    all_versions: bool,
}

pub(in super::super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let rows: Vec<Row> = reading(ctx, |reg| Ok(reg.list(args.all_versions)?))?
        .unwrap_or_default()
        .into_iter()
        .map(Row)
        .collect();
    ctx.out.list(
        &rows,
        "no template yet: `pipeline templates add examples/templates` installs the examples",
    )
}
