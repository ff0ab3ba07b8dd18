//! `pipeline templates rm`: removes one version, or every version of a name.

use agov_cli::{CliError, Ctx};
use agov_templates::Reference;

use super::{reference, writing};

/// Remove a template: NAME@VERSION removes that version, NAME every version (ledgered)
#[derive(Debug, clap::Args)]
pub(in super::super) struct Args {
    /// NAME or NAME@VERSION
    #[arg(value_parser = reference, value_name = "TEMPLATE")]
    template: Reference,
}

pub(in super::super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let removed = writing(ctx, |reg| Ok(reg.remove(&args.template)?))?;
    let value = Removed { removed };
    let removed = &value.removed;
    ctx.out.record(&value, |out| {
        for r in removed {
            out.line(&format!("removed {r}"))?;
        }
        Ok(())
    })
}

/// `pipeline templates rm --json`: `schema/json/template-rm.schema.json`.
#[derive(serde::Serialize, schemars::JsonSchema)]
#[schemars(
    title = "Templates removed",
    description = "`pipeline templates rm --json`."
)]
pub(crate) struct Removed {
    /// NAME@VERSION of each version removed.
    removed: Vec<String>,
}
