//! `pipeline agents approve`: a person approves exactly one T3/T4 action.

use agov_agent::records::{self, Writer};
use agov_cli::{CliError, Ctx};
use agov_core::FailureClass;

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
    let doc = Approved {
        agent: args.agent.clone(),
        digest: args.digest.clone(),
        action: action.clone(),
        approved_by: actor.clone(),
    };
    ctx.out.record(&doc, |out| {
        out.line(&format!(
            "approved for {}: `{action}` (once; its next request of exactly this goes ahead)",
            args.agent
        ))
    })
}

/// `pipeline agents approve --json`: `schema/json/agent-approve.schema.json`.
#[derive(serde::Serialize, schemars::JsonSchema)]
#[schemars(
    title = "An approved agent action",
    description = "`pipeline agents approve AGENT DIGEST --json`: the one T3/T4 action a person approved; the agent's next request of exactly this goes ahead."
)]
pub(crate) struct Approved {
    /// The agent.
    #[schemars(length(min = 1))]
    agent: String,
    /// From the agent's needs_approval answer.
    #[schemars(length(min = 1))]
    digest: String,
    /// What it asked for, e.g. cmd:terraform apply.
    #[schemars(length(min = 1))]
    action: String,
    /// The verified identity that approved (ledgered).
    #[schemars(length(min = 1))]
    approved_by: String,
}
