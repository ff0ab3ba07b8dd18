//! `pipeline plan`: stored plans (add, list, show, rm), and how a plan
//! argument (a file, a stored plan's id or name) becomes a checked plan with
//! its templates filled in.

mod add;
mod list;
mod rm;
mod show;

use std::path::Path;

use agov_cli::{CliError, Ctx};
use agov_config::Settings;
use agov_ledger::Ledger;
use agov_pipeline::Plan;
use agov_pipeline::plan::MAX_PLAN_BYTES;
use agov_pipeline::plans::{Plans, parse_id};
use agov_templates::Reference;

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

/// The governance database when it exists (reading never creates it).
fn existing_ledger(settings: &Settings) -> Result<Option<Ledger>, CliError> {
    let path = &settings.ledger_path.value;
    if !path.exists() {
        return Ok(None);
    }
    Ok(Some(Ledger::open(path, false)?))
}

/// Reads a plan file; the error names it.
pub(super) fn read_file(path: &Path) -> Result<(String, String), CliError> {
    let what = format!("plan {}", path.display());
    let text = crate::args::read_document(path, MAX_PLAN_BYTES, &what)
        .map_err(|e| e.with_hint("examples/plans/ has plans to start from"))?;
    Ok((what, text))
}

/// What `--plan ARG` names: a plan file, else a stored plan (`pl3` or a
/// plan's name). Returns what to call it in errors and its text.
pub(super) fn source(ctx: &mut Ctx, arg: &str) -> Result<(String, String), CliError> {
    let path = Path::new(arg);
    if path.exists() {
        return read_file(path);
    }
    if parse_id(arg).is_none() && !agov_governance::packet::valid_id(arg) {
        return Err(
            CliError::usage(format!("there is no plan file `{arg}`")).with_hint(
                "give a plan file, or the id (pl3) or name of a stored plan: `pipeline plan list`",
            ),
        );
    }
    let settings = ctx.settings()?;
    let not_found = || {
        CliError::from(agov_pipeline::PipelineError::PlanNotFound(arg.to_string()))
            .with_hint(format!("`{arg}` is neither a plan file nor a stored plan: `pipeline plan list` shows the stored ones"))
    };
    let Some(mut ledger) = existing_ledger(&settings)? else {
        return Err(not_found());
    };
    let plans = Plans::new(
        &mut ledger,
        settings.tenant.value.clone(),
        backends::actor(),
    );
    let stored = match plans.get(arg) {
        Ok(p) => p,
        Err(agov_pipeline::PipelineError::PlanNotFound(_)) => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };
    Ok((
        format!("plan {} ({})", stored.id, stored.name),
        stored.text.unwrap_or_default(),
    ))
}

/// Parses and checks a plan and fills in the templates its agents name from
/// the tenant's marketplace (pinning each to NAME@VERSION).
pub(super) fn resolve(ctx: &mut Ctx, what: &str, text: &str) -> Result<Plan, CliError> {
    let mut plan = Plan::parse(what, text)?;
    if plan.template_refs().is_empty() {
        return Ok(plan);
    }
    let settings = ctx.settings()?;
    let ledger = existing_ledger(&settings)?;
    let tenant = settings.tenant.value.clone();
    let mut lookup =
        |r: &str| -> Result<Option<agov_templates::Template>, agov_pipeline::PipelineError> {
            let reference: Reference =
                r.parse()
                    .map_err(|e: String| agov_pipeline::PipelineError::BadPlan {
                        what: what.to_string(),
                        detail: e,
                    })?;
            let Some(ledger) = &ledger else {
                return Ok(None);
            };
            agov_templates::store::get_in(ledger.conn(), &tenant, &reference)
                .map(|s| s.map(|s| s.template))
                .map_err(|e| {
                    agov_pipeline::PipelineError::Ledger(agov_ledger::LedgerError::Db(
                        agov_sqlite::DbError::sqlite(ledger.path(), e),
                    ))
                })
        };
    plan.apply_templates(what, &mut lookup)?;
    Ok(plan)
}
