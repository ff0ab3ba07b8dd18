//! `pipeline spawn`: create a pipeline from a plan and drive it to its end
//! (or, with --detach, in the background).

use std::path::PathBuf;
use std::time::Duration;

use agov_cli::{CliError, Ctx};
use agov_core::Tier;
use agov_pipeline::Plan;
use agov_pipeline::plan::Driver;

use super::{Backends, metrics, tier_arg, view};

/// Run a multi-agent pipeline from a plan (exit 0 consensus, 2 no consensus, 3 revoked, 1 error)
///
/// ALPHA and BETA run in parallel as governed agents, GAMMA when agents are
/// stuck, conflict or the task is complex; the pipeline completes only on a
/// recorded consensus. Progress goes to stderr (JSON Lines on stdout with
/// --json).
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The plan: a file (YAML or JSON; schema/json/plan.schema.json), or a stored plan's id (pl3) or name
    #[arg(long, value_name = "FILE|ID")]
    plan: String,

    /// The pipeline's tier; its agents run at it or below [default: the plan's, else 0]
    #[arg(long, value_name = "N", value_parser = tier_arg())]
    tier: Option<Tier>,

    /// Replace the plan's objective
    #[arg(long, value_name = "TEXT")]
    objective: Option<String>,

    /// A value for one of the plan's `variables`, as `${NAME}` in it (repeatable)
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = super::plan::var_arg)]
    vars: Vec<(String, String)>,

    /// Run in the background: print the id and return at once
    #[arg(long)]
    detach: bool,

    /// Fail the pipeline if it is not done within this long [default: the plan's timeout, else 30m]
    #[arg(long, value_name = "DURATION", value_parser = agov_core::time::parse_duration)]
    timeout: Option<Duration>,

    #[command(flatten)]
    metrics: metrics::FileArg,
}

/// The model settings when some agent of `plan` uses the llm driver.
pub(super) fn llm_for(
    ctx: &mut Ctx,
    b: &Backends,
    plan: &Plan,
) -> Result<Option<agov_llm::LlmSettings>, CliError> {
    let llm = |a: &agov_pipeline::plan::AgentSpec| a.driver() == Driver::Llm;
    if !plan.agents.values().any(llm) && !plan.stages.iter().any(|s| llm(&s.agent)) {
        return Ok(None);
    }
    let env = ctx.env.clone();
    Ok(Some(crate::backends::llm_settings(&b.settings, &env)?))
}

/// Starts `pipeline continue ID` in the background, logging to the runs
/// folder, with every global setting of this command (config, tenant,
/// project, log format and verbosity); the environment is inherited.
pub(super) fn detach(
    b: &Backends,
    global: &agov_cli::GlobalArgs,
    id: &str,
    metrics: &metrics::FileArg,
) -> Result<PathBuf, CliError> {
    use std::os::unix::process::CommandExt;
    let dir = super::runs_dir(&b.settings);
    agov_core::fsutil::create_private_dir(&dir)
        .map_err(|e| CliError::io(&format!("cannot create {}", dir.display()), e))?;
    let log_path = dir.join(format!("{id}.log"));
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .map_err(|e| CliError::io(&format!("cannot open {}", log_path.display()), e))?;
    let exe = std::env::current_exe()
        .map_err(|e| CliError::io("cannot find this program to run it in the background", e))?;
    let err = log
        .try_clone()
        .map_err(|e| CliError::io("cannot open the log twice", e))?;
    let mut continue_cmd = std::process::Command::new(exe);
    continue_cmd.args(["continue", id]);
    if let Some(config) = &global.config {
        let config =
            std::path::absolute(config).map_err(|e| CliError::io("cannot resolve --config", e))?;
        continue_cmd.arg("--config").arg(config);
    }
    for (flag, value) in [("--tenant", &global.tenant), ("--project", &global.project)] {
        if let Some(v) = value {
            continue_cmd.arg(flag).arg(v);
        }
    }
    if let Some(format) = global.log_format {
        continue_cmd.arg("--log-format").arg(match format {
            agov_cli::LogFormat::Human => "human",
            agov_cli::LogFormat::Json => "json",
        });
    }
    for _ in 0..global.verbose {
        continue_cmd.arg("-v");
    }
    if let Some(path) = &metrics.metrics_file {
        let path = std::path::absolute(path)
            .map_err(|e| CliError::io("cannot resolve --metrics-file", e))?;
        continue_cmd.arg("--metrics-file").arg(path);
    }
    // The background driver continues this process's trace.
    if let Some(parent) = agov_trace::current_traceparent() {
        continue_cmd.env("TRACEPARENT", parent);
    }
    continue_cmd
        .stdin(std::process::Stdio::null())
        .stdout(log)
        .stderr(err)
        .process_group(0)
        .spawn()
        .map_err(|e| CliError::io("cannot start the background driver", e))?;
    Ok(log_path)
}

/// What a command that left a pipeline to a background driver prints: its
/// id (and `hint`), or with `--json` its id, status and the driver's log
/// (schema/json/pipeline-detached.schema.json).
pub(super) fn detached(
    ctx: &mut Ctx,
    st: &agov_pipeline::PipelineState,
    log: &std::path::Path,
    hint: &str,
) -> Result<(), CliError> {
    if ctx.json() {
        return ctx.out.json(&Detached {
            id: st.id.clone(),
            status: st.status,
            round: st.round,
            log: log.display().to_string(),
        });
    }
    ctx.out.line(&st.id)?;
    ctx.hint(hint);
    Ok(())
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let (label, text) = super::plan::source(ctx, &args.plan)?;
    let plan = super::plan::resolve(ctx, &label, &text, args.tier, &args.vars)?;
    if let Some(o) = &args.objective
        && o.trim().is_empty()
    {
        return Err(CliError::usage("--objective is empty"));
    }
    let tier = match args.tier {
        Some(t) => t,
        None => Tier::from_number(plan.tier.unwrap_or(0)).unwrap_or(Tier::Observer),
    };
    // The pipeline's trace: its creation, its driver (here or in the
    // background) and its agents.
    let span = agov_trace::Span::start("pipeline");
    span.set_with("agov.plan", || plan.name.clone());
    span.set("agov.tier", i64::from(tier.number()));
    let _entered = span.enter();
    let b = Backends::open(ctx)?;
    crate::quota::tier(&b.settings, tier, "a pipeline")?;
    crate::quota::pipelines(&b.settings, b.store.as_ref())?;
    let llm = llm_for(ctx, &b, &plan)?;
    let work_dir =
        std::env::current_dir().map_err(|e| CliError::io("cannot tell the current folder", e))?;
    let seal = b.seal_key()?;
    let containment = crate::backends::containment(&b.settings)?;
    let env = b.pipeline_env(&seal, llm, &containment);
    let mut ledger = crate::backends::ledger_for_write(&b.settings)?;
    // Before anything is created, so that a bad path leaves no pipeline behind.
    let metrics_file = metrics::textfile(&b.settings, args.metrics.metrics_file.as_deref())?;
    let st = agov_pipeline::create(
        &env,
        &mut ledger,
        plan,
        tier,
        args.objective,
        args.timeout,
        work_dir,
    )?;
    drop(ledger);
    let id = st.id.clone();
    span.set_with("agov.pipeline.id", || id.clone());
    span.set_with("agov.tenant", || st.tenant.clone());
    if args.detach {
        drop(metrics_file);
        let log = detach(&b, &ctx.global, &id, &args.metrics)?;
        return detached(
            ctx,
            &st,
            &log,
            &format!(
                "running in the background (log {}); `pipeline watch {id}` follows it",
                log.display()
            ),
        );
    }
    if ctx.json() {
        ctx.out.json_line(&view::event_json(
            view::Subject::Id(id.clone()),
            view::Event::Spawned {
                plan: st.plan.name.clone(),
                tier: tier.number(),
            },
        ))?;
        ctx.out.flush()?;
    } else if !ctx.global.quiet {
        agov_cli::stderr_line(&format!(
            "pipeline {id} spawned (plan {}, tier {})",
            st.plan.name,
            tier.number()
        ));
    }
    let st = {
        let mut printer = view::progress_printer(ctx, &id);
        agov_pipeline::drive(&env, &id, &mut printer)?
    };
    view::finish(ctx, &st)
}

/// `--detach --json`: `schema/json/pipeline-detached.schema.json`.
#[derive(serde::Serialize, schemars::JsonSchema)]
#[schemars(
    title = "A pipeline left to a background driver",
    description = "`pipeline spawn --detach --json`, `pipeline continue --detach --json` and `pipeline consensus fallback --action rerun_* --detach --json`: the command returns at once; `pipeline watch ID` follows it."
)]
pub(crate) struct Detached {
    /// The pipeline.
    #[schemars(regex(pattern = "^p-[0-9a-f]+$"))]
    id: String,
    /// When it was handed over.
    status: agov_pipeline::Status,
    /// Its round, from 1.
    #[schemars(range(min = 1))]
    round: u32,
    /// The background driver's stdout and stderr.
    #[schemars(length(min = 1))]
    log: String,
}
