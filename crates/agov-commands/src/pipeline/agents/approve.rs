//! `pipeline agents approve`: a person approves exactly one T3/T4 action.

use agov_agent::records::{self, Writer};
use agov_cli::{CliError, Ctx};
use agov_core::FailureClass;
use serde_json::json;

use super::super::Backends;
use super::agent_arg;
use crate::backends;

/// Approve the action an agent asked for (by the digest it was answered with); recorded with who approved
#[derive(Debug, clap::Args)]
pub(in super::super) struct Args {
    /// The agent's id
    #[arg(value_name = "AGENT", value_parser = agent_arg)]
    agent: String,

    /// The digest from the `needs_approval` answer (also in `ledger query --action agent.action`)
    #[arg(value_name = "DIGEST")]
    digest: String,

    /// Why (recorded)
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,
}

pub(in super::super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let mut b = Backends::open(ctx)?;
    let actor = backends::decider(b.tokens.as_ref(), backends::act::APPROVE_ACTION)?;
    let tenant = b.settings.tenant.value.clone();
    let Some(action) = records::pending_action(&b.ledger, &tenant, &args.agent, &args.digest)?
    else {
        return Err(CliError::new(
            FailureClass::NotFound,
            format!(
                "{} asked for no action with digest {}",
                args.agent, args.digest
            ),
        )
        .with_hint(
            "`ledger query --action agent.action --json` shows its requests and their digests",
        ));
    };
    let w = Writer {
        tenant: &tenant,
        actor: &actor,
        promotion: &b.rules.promotion,
    };
    w.approve(
        &mut b.ledger,
        &args.agent,
        &args.digest,
        &action,
        args.reason.as_deref(),
    )?;
    let doc = json!({ "agent": args.agent, "digest": args.digest, "action": action, "approved_by": actor });
    ctx.out.record(&doc, |out| {
        out.line(&format!(
            "approved for {}: `{action}` (once; its next request of exactly this goes ahead)",
            args.agent
        ))
    })
}
