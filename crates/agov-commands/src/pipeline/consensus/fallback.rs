//! `pipeline consensus fallback`: what to do after a consensus failure.

use std::path::{Path, PathBuf};

use agov_cli::{CliError, Ctx};
use agov_pipeline::PipelineState;
use agov_pipeline::control::Fallback;

use super::super::{Backends, metrics, spawn, view};

/// Choose a fallback after a consensus failure
///
/// rerun_same, rerun_gamma (GAMMA from the start) and escalate_tier (one
/// tier up) run the pipeline again in a new round, here (or with
/// --detach); accept_partial completes it as it is and needs --yes;
/// download_log writes its whole context to --output.
#[derive(Debug, clap::Args)]
pub(in super::super) struct Args {
    /// The pipeline
    id: String,

    /// What to do
    #[arg(long, value_parser = ["rerun_same", "rerun_gamma", "escalate_tier", "accept_partial", "download_log"])]
    action: String,

    /// Confirms accept_partial (your name is recorded as having accepted)
    #[arg(long)]
    yes: bool,

    /// Where download_log writes (JSON)
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Rerun in the background
    #[arg(long)]
    detach: bool,

    #[command(flatten)]
    metrics: metrics::FileArg,
}

pub(in super::super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let action: Fallback = args.action.parse().map_err(CliError::usage)?;
    if action == Fallback::AcceptPartial && !args.yes {
        return Err(
            CliError::usage("accept_partial completes the pipeline without consensus")
                .with_hint("add --yes to accept it; your name is recorded"),
        );
    }
    let b = Backends::open(ctx)?;
    if action == Fallback::DownloadLog {
        let Some(out) = args.output else {
            return Err(CliError::usage("download_log needs --output FILE"));
        };
        let bytes = download_log(ctx, &b, &args.id, &out)?;
        let written = Written {
            pipeline: args.id.clone(),
            path: out.display().to_string(),
            bytes,
        };
        return ctx.out.record(&written, |o| {
            o.line(&format!(
                "wrote the context of {} to {} ({} bytes)",
                args.id,
                out.display(),
                bytes
            ))
        });
    }
    let (st, by) = choose(&b, &args.id, action)?;
    if !action.reruns() {
        return view::finish(ctx, &st);
    }
    if args.detach {
        let log = spawn::detach(&b, &ctx.global, &args.id, &args.metrics)?;
        let hint = format!(
            "round {} runs in the background (log {})",
            st.round,
            log.display()
        );
        return spawn::detached(ctx, &st, &log, &hint);
    }
    let seal = b.seal_key()?;
    let llm = spawn::llm_for(ctx, &b, &st.plan)?;
    let containment = crate::backends::containment(&b.settings)?;
    let mut env = b.pipeline_env(&seal, llm, &containment);
    env.actor = by;
    if !ctx.json() && !ctx.global.quiet {
        agov_cli::stderr_line(&format!(
            "pipeline {}: {} — round {}",
            st.id,
            action.as_str(),
            st.round
        ));
    }
    let _metrics = metrics::textfile(&b.settings, args.metrics.metrics_file.as_deref())?;
    let st = {
        let mut printer = view::progress_printer(ctx, &args.id);
        agov_pipeline::drive(&env, &args.id, &mut printer)?
    };
    view::finish(ctx, &st)
}

/// Writes pipeline `id`'s whole context (JSON) to `out` (`download_log`,
/// not a decision: nobody is asked who they are); returns its size.
pub(in super::super) fn download_log(
    ctx: &Ctx,
    b: &Backends,
    id: &str,
    out: &Path,
) -> Result<usize, CliError> {
    let seal = b.seal_key()?;
    let containment = crate::backends::containment(&b.settings)?;
    let env = b.pipeline_env(&seal, None, &containment);
    let ledger = crate::backends::ledger_for_read(ctx, &b.settings)?;
    let doc = agov_pipeline::control::context(&env, ledger.as_ref(), id)?;
    let bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    agov_core::fsutil::write_atomic(out, &bytes, 0o600)
        .map_err(|e| CliError::io(&format!("cannot write {}", out.display()), e))?;
    Ok(bytes.len())
}

/// Chooses fallback `action` (a decision: not `download_log`) for
/// pipeline `id`, as `pipeline consensus fallback` and the dashboard do:
/// who decides is verified ([`crate::backends::act::FALLBACK`]) and
/// recorded, a rerun counts against the tenant's quota like a spawn.
/// Returns the pipeline as it now is and who decided; a rerun is left
/// for the caller to drive (here or in the background).
pub(in super::super) fn choose(
    b: &Backends,
    id: &str,
    action: Fallback,
) -> Result<(PipelineState, String), CliError> {
    if action == Fallback::DownloadLog {
        return Err(CliError::usage("download_log is not a decision"));
    }
    let by = crate::backends::decider(b.tokens.as_ref(), crate::backends::act::FALLBACK)?;
    if action.reruns() {
        // A rerun makes a settled pipeline run again: it counts like a spawn.
        crate::quota::pipelines(&b.settings, b.store.as_ref())?;
    }
    if action == Fallback::EscalateTier {
        // One tier up stays within the tenant's quota, like a spawn.
        let keys = agov_runtime::keys::Keyspace::new(&b.settings.tenant.value);
        let st = agov_pipeline::state::load(b.store.as_ref(), &keys, id)?;
        if let Some(next) = agov_core::Tier::from_number(st.tier + 1) {
            crate::quota::tier(&b.settings, next, &format!("escalating pipeline {}", st.id))?;
        }
    }
    let seal = b.seal_key()?;
    let containment = crate::backends::containment(&b.settings)?;
    let mut env = b.pipeline_env(&seal, None, &containment);
    env.actor = by.clone();
    let mut ledger = crate::backends::ledger_for_write(&b.settings)?;
    let st = agov_pipeline::control::fallback(&env, &mut ledger, id, action)?;
    Ok((st, by))
}

/// `--action download_log --json`: `schema/json/pipeline-download-log.schema.json`.
#[derive(serde::Serialize, schemars::JsonSchema)]
#[schemars(
    title = "A pipeline's context written to a file",
    description = "`pipeline consensus fallback ID --action download_log --output FILE --json`."
)]
pub(crate) struct Written {
    /// The pipeline.
    pipeline: String,
    /// FILE, as given.
    #[schemars(length(min = 1))]
    path: String,
    /// Bytes written.
    #[schemars(range(min = 1))]
    bytes: usize,
}
