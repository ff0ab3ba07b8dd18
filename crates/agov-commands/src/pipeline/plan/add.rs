//! `pipeline plan add`: checks a plan file and stores it; prints its id.

use std::path::PathBuf;

use agov_cli::{CliError, Ctx};
use agov_pipeline::plans::Plans;

use crate::backends;

/// Check a plan file and store it; prints its id for `pipeline spawn --plan ID` (the same text twice is one plan)
#[derive(Debug, clap::Args)]
pub(in super::super) struct Args {
    /// The plan (YAML or JSON; schema/json/plan.schema.json)
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

pub(in super::super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let (label, text) = super::read_file(&args.file)?;
    // The whole check, templates included, before anything is stored.
    let plan = super::resolve(ctx, &label, &text, None, &[])?;
    let settings = ctx.settings()?;
    let mut ledger = backends::ledger_for_write(&settings)?;
    let mut plans = Plans::new(
        &mut ledger,
        settings.tenant.value.clone(),
        backends::actor(),
    );
    let (stored, created) = plans.add(&plan, &text, &args.file.display().to_string())?;
    if !created {
        ctx.note(&format!("this plan was already stored as {}", stored.id));
    }
    let value = Added {
        id: stored.id.clone(),
        name: stored.name.clone(),
        digest: stored.digest.clone(),
        created,
    };
    ctx.out.record(&value, |out| out.line(&stored.id))
}

/// `pipeline plan add --json`: `schema/json/plan-add.schema.json`.
#[derive(serde::Serialize, schemars::JsonSchema)]
#[schemars(title = "Plan stored", description = "`pipeline plan add --json`.")]
pub(crate) struct Added {
    /// pl<num>: what `pipeline spawn --plan` takes.
    id: String,
    /// The plan's name.
    name: String,
    /// SHA-256 of its text, hex.
    digest: String,
    /// false when the same text was already stored (id is that plan's).
    created: bool,
}
