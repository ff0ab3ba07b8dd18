//! `pipeline revoke`: revoke a pipeline and every agent token under it.

use agov_cli::{CliError, Ctx};

use super::{Backends, view};

/// Revoke a pipeline: its token and every agent token issued under it
///
/// Its driver stops its agents within a second and it ends FAILED (exit 3
/// for whoever waits on it).
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The pipeline
    id: String,

    /// Why (recorded in the ledger)
    #[arg(long, value_name = "TEXT", value_parser = super::reason_arg)]
    reason: String,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let b = Backends::open(ctx)?;
    let st = revoke(&b, &args.id, &args.reason)?;
    if ctx.json() {
        ctx.out
            .json(&view::summary(&st, None, &super::runs_dir(&b.settings)))
    } else {
        ctx.out.line(&format!(
            "revoked pipeline {} (token {} and its agents' tokens)",
            st.id, st.token.accessor
        ))
    }
}

/// Revokes pipeline `id`, as `pipeline revoke` and the dashboard do: who
/// revokes is verified ([`crate::backends::act::REVOKE`]) and recorded.
pub(super) fn revoke(
    b: &Backends,
    id: &str,
    reason: &str,
) -> Result<agov_pipeline::PipelineState, CliError> {
    if reason.trim().is_empty() {
        return Err(CliError::usage("--reason is empty"));
    }
    let by = crate::backends::decider(b.tokens.as_ref(), crate::backends::act::REVOKE)?;
    let seal = b.seal_key()?;
    let containment = crate::backends::containment(&b.settings)?;
    let mut env = b.pipeline_env(&seal, None, &containment);
    env.actor = by;
    let mut ledger = crate::backends::ledger_for_write(&b.settings)?;
    Ok(agov_pipeline::control::revoke(
        &env,
        &mut ledger,
        id,
        reason,
    )?)
}
