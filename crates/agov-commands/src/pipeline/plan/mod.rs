//! `pipeline plan`: stored plans (add, list, show, rm), and how a plan
//! argument (a file, a stored plan's id or name) becomes a checked plan with
//! its templates filled in.

pub(crate) mod add;
mod list;
pub(crate) mod rm;
mod show;

use std::path::Path;

use agov_cli::{CliError, Ctx};
use agov_core::Tier;
use agov_pipeline::plan::MAX_PLAN_BYTES;
use agov_pipeline::plans::{Plans, parse_id};
use agov_pipeline::validate::{Context, Problem, validate};
use agov_pipeline::{PipelineError, Plan};
use agov_plan::PlanError;

use crate::backends;

/// The `plan` subcommands.
#[derive(Debug, clap::Subcommand)]
pub(super) enum Command {
    Add(add::Args),
    List(list::Args),
    Show(show::Args),
    Rm(rm::Args),
}

pub(super) fn run(c: Command, ctx: &mut Ctx) -> Result<(), CliError> {
    match c {
        Command::Add(a) => add::run(a, ctx),
        Command::List(a) => list::run(a, ctx),
        Command::Show(a) => show::run(a, ctx),
        Command::Rm(a) => rm::run(a, ctx),
    }
}

/// Reads a plan file; returns how to name it in messages (its path) and its text.
pub(super) fn read_file(path: &Path) -> Result<(String, String), CliError> {
    let label = path.display().to_string();
    let text = crate::args::read_document(path, MAX_PLAN_BYTES, &format!("plan {label}"))
        .map_err(|e| e.with_hint("examples/plans/ has plans to start from"))?;
    Ok((label, text))
}

/// What `--plan ARG` names: a plan file, else a stored plan (`pl3` or a
/// plan's name). Returns how to name it in messages and its text.
pub(super) fn source(ctx: &mut Ctx, arg: &str) -> Result<(String, String), CliError> {
    let path = Path::new(arg);
    if path.exists() {
        return read_file(path);
    }
    let looks_like_a_file =
        arg.contains('/') || [".yaml", ".yml", ".json"].iter().any(|x| arg.ends_with(x));
    if looks_like_a_file || (parse_id(arg).is_none() && !agov_governance::packet::valid_id(arg)) {
        return Err(
            CliError::usage(format!("there is no plan file `{arg}`")).with_hint(
                "give a plan file, or the id (pl3) or name of a stored plan: `pipeline plan list`",
            ),
        );
    }
    let settings = ctx.settings()?;
    // Exit 64 like a missing plan file: either way the argument names nothing.
    let not_found = || {
        CliError::usage(PipelineError::PlanNotFound(arg.to_string()).to_string())
            .with_hint(format!("`{arg}` is neither a plan file nor a stored plan: `pipeline plan list` shows the stored ones"))
    };
    let Some(mut ledger) = backends::existing_ledger(&settings)? else {
        return Err(not_found());
    };
    let plans = Plans::new(
        &mut ledger,
        settings.tenant.value.clone(),
        backends::actor(),
    );
    let stored = match plans.get(arg) {
        Ok(p) => p,
        Err(PipelineError::PlanNotFound(_)) => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };
    Ok((stored.id, stored.text.unwrap_or_default()))
}

/// Every problem of a plan (see `agov_pipeline::validate`), its templates
/// looked up in the tenant's marketplace; `Ok` holds the plan with them
/// filled in. `tier` is the tier the pipeline would run at (`--tier`).
pub(super) fn check(
    ctx: &mut Ctx,
    text: &str,
    tier: Option<Tier>,
    vars: &[(String, String)],
) -> Result<Result<Plan, Vec<Problem>>, CliError> {
    let settings = ctx.settings()?;
    // Templates are named by `template:` (the DSL's `agent:`); a plan
    // without either needs no ledger.
    let ledger = if text.contains("template") || text.contains("agent:") {
        backends::existing_ledger(&settings)?
    } else {
        None
    };
    let tenant = settings.tenant.value.clone();
    let mut lookup = |r: &str| -> Result<Option<agov_templates::Template>, PlanError> {
        match &ledger {
            Some(l) => Ok(agov_templates::store::find(l, &tenant, r)?),
            None => Ok(None),
        }
    };
    Ok(validate(
        text,
        &mut Context {
            tier,
            lookup: &mut lookup,
            vars,
        },
    )?)
}

/// Reads `--var NAME=VALUE`.
pub(super) fn var_arg(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("`{s}` is not NAME=VALUE")),
    }
}

/// One problem as `LABEL:LINE:COLUMN: PATH: MESSAGE`.
pub(super) fn problem_line(label: &str, p: &Problem) -> String {
    if p.path.is_empty() {
        format!("{label}:{}:{}: {}", p.line, p.column, p.message)
    } else {
        format!("{label}:{}:{}: {}: {}", p.line, p.column, p.path, p.message)
    }
}

/// The plan, checked and with its templates filled in, or a usage error
/// listing every problem.
pub(super) fn resolve(
    ctx: &mut Ctx,
    label: &str,
    text: &str,
    tier: Option<Tier>,
    vars: &[(String, String)],
) -> Result<Plan, CliError> {
    match check(ctx, text, tier, vars)? {
        Ok(plan) => Ok(plan),
        Err(problems) => {
            let lines: Vec<String> = problems.iter().map(|p| problem_line(label, p)).collect();
            Err(CliError::usage(format!(
                "the plan is invalid ({} problem{}):\n{}",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" },
                lines.join("\n")
            ))
            .with_hint("`pipeline validate FILE` checks a plan; schema/json/plan.schema.json describes plans, examples/plans/ has working ones"))
        }
    }
}
