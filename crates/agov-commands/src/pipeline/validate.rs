//! `pipeline validate`: every problem of a plan at once, with line and column.

use agov_cli::{CliError, Ctx};
use agov_core::Tier;

use super::tier_arg;

/// Check a plan without running it: every problem at once, each as FILE:LINE:COLUMN (exit 0 valid, 64 not)
///
/// Checks the YAML (one document, no duplicate keys, no anchors or aliases,
/// at most 32 levels deep), every key and value against
/// schema/json/plan.schema.json, and what the plan means: alpha and beta
/// present (or stages: unique names, known requirements, no cycle),
/// templates known to this tenant and of the right role, agent tiers not
/// above the tier the pipeline would run at, voters that exist, every
/// `${VARIABLE}` declared.
/// `pipeline spawn` and `pipeline plan add` run the same checks first.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The plan: a file, or a stored plan's id (pl3) or name
    #[arg(value_name = "FILE|ID")]
    plan: String,

    /// The tier the pipeline would be spawned at [default: the plan's, else 0]
    #[arg(long, value_name = "N", value_parser = tier_arg())]
    tier: Option<Tier>,

    /// A value for one of the plan's `variables` (repeatable)
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = super::plan::var_arg)]
    vars: Vec<(String, String)>,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let (label, text) = super::plan::source(ctx, &args.plan)?;
    let problems = match super::plan::check(ctx, &text, args.tier, &args.vars)? {
        Ok(_) => Vec::new(),
        Err(p) => p,
    };
    let value = Checked {
        plan: label.clone(),
        valid: problems.is_empty(),
        problems,
    };
    let (label, problems) = (&value.plan, &value.problems);
    ctx.out.record(&value, |out| {
        if problems.is_empty() {
            return out.line(&format!("{label}: valid"));
        }
        for p in problems {
            out.line(&super::plan::problem_line(label, p))?;
        }
        Ok(())
    })?;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CliError::usage(format!(
            "{label}: {} problem{}",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        ))
        .with_hint(
            "schema/json/plan.schema.json describes plans; examples/plans/ has working ones",
        ))
    }
}

/// `pipeline validate --json`: `schema/json/plan-validate.schema.json`.
#[derive(serde::Serialize, schemars::JsonSchema)]
#[schemars(
    title = "Plan check",
    description = "`pipeline validate FILE|ID --json`: every problem of the plan, in the order they appear (exit 0 when valid, 64 when not)."
)]
pub(crate) struct Checked {
    /// The file, or the stored plan's id.
    plan: String,
    /// True when there is no problem.
    valid: bool,
    /// Every problem, where it is.
    problems: Vec<agov_pipeline::validate::Problem>,
}
