//! `pipeline approve`: a person decides a human gate of a staged pipeline.

use agov_cli::{CliError, Ctx};

use super::Backends;
use crate::backends;

/// Approve (or --reject) a human gate of a pipeline; recorded with who, when and the digest of what was approved
///
/// The digest covers the plan, the stage and the files of the stages the
/// gate requires: if they change before the pipeline takes the decision,
/// the decision is void and the gate waits for a new one. `pipeline status
/// ID` shows each waiting gate with its digest; pass it with --digest to
/// approve exactly what you reviewed. Who decides is verified: with Vault,
/// the identity of the token in VAULT_TOKEN, which needs the agov-operator
/// policy; without, the OS account (from the kernel, not $USER). A gate with
/// `approvers` accepts only them (exit 3 otherwise).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  pipeline status p-1a2b3c                                  # the waiting gate and its digest
  pipeline approve p-1a2b3c --stage deploy --digest 9f2c…   # exactly what you reviewed
  pipeline approve p-1a2b3c --stage deploy --reject --reason \"plan destroys the bucket\"")]
pub(super) struct Args {
    /// The pipeline
    id: String,

    /// The gate's stage
    #[arg(long, value_name = "STAGE")]
    stage: String,

    /// Reject instead: the stage fails (and so do the stages that require it)
    #[arg(long)]
    reject: bool,

    /// Why (recorded)
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,

    /// The digest you reviewed (from `pipeline status`): refused if what is to be approved changed since
    #[arg(long, value_name = "DIGEST")]
    digest: Option<String>,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let b = Backends::open(ctx)?;
    let d = decide(
        &b,
        &Gate {
            id: &args.id,
            stage: &args.stage,
            approved: !args.reject,
            reason: args.reason.as_deref(),
            reviewed: args.digest.as_deref(),
        },
    )?;
    let word = if d.approved { "approved" } else { "rejected" };
    let doc = Decided {
        pipeline: args.id.clone(),
        stage: args.stage.clone(),
        decision: word,
        by: d.by.clone(),
        at: agov_core::time::format_us(d.at_us),
        reason: d.reason.clone(),
        digest: d.digest.clone(),
    };
    ctx.out.record(&doc, |out| {
        out.line(&format!(
            "{word} gate {} of {} as {} (digest {}); its driver takes it within a second",
            args.stage, args.id, d.by, d.digest
        ))
    })
}

/// A decision on a human gate, as `pipeline approve` and the dashboard take it.
pub(super) struct Gate<'a> {
    pub id: &'a str,
    pub stage: &'a str,
    pub approved: bool,
    pub reason: Option<&'a str>,
    /// The digest the person reviewed: refused if what is to be approved changed since.
    pub reviewed: Option<&'a str>,
}

/// Decides a gate: who decides is verified (Vault identity or the OS
/// account, [`backends::act::DECIDE_GATE`]) and recorded with the decision.
pub(super) fn decide(
    b: &Backends,
    g: &Gate<'_>,
) -> Result<agov_pipeline::state::GateDecision, CliError> {
    let by = backends::decider(b.tokens.as_ref(), backends::act::DECIDE_GATE)?;
    let seal = b.seal_key()?;
    let containment = backends::containment(&b.settings)?;
    let mut env = b.pipeline_env(&seal, None, &containment);
    env.actor = by.clone();
    let mut ledger = backends::ledger_for_write(&b.settings)?;
    Ok(agov_pipeline::gates::decide(
        &env,
        &mut ledger,
        &agov_pipeline::gates::Decide {
            id: g.id,
            stage: g.stage,
            approved: g.approved,
            by: &by,
            reason: g.reason,
            reviewed: g.reviewed,
        },
    )?)
}

/// `pipeline approve --json`: `schema/json/pipeline-approve.schema.json`.
#[derive(serde::Serialize, schemars::JsonSchema)]
#[schemars(
    title = "A decision on a human gate",
    description = "`pipeline approve ID --stage S [--reject] --json`: what was decided, by whom, when, on exactly what (the digest). The pipeline's driver takes it within a second, if the digest still holds."
)]
pub(crate) struct Decided {
    /// The pipeline.
    pipeline: String,
    /// The gate's stage.
    stage: String,
    /// approved or rejected.
    #[schemars(extend("enum" = ["approved", "rejected"]))]
    decision: &'static str,
    /// Who decided (`vault:NAME` or `user:NAME`).
    by: String,
    /// When.
    #[schemars(extend("format" = "date-time"))]
    at: String,
    /// Why, if they said.
    reason: Option<String>,
    /// The digest of what they decided on.
    digest: String,
}
