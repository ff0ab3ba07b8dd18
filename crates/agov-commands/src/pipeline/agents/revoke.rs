//! `pipeline agents revoke`: stop an agent and keep it from running again.

use agov_cli::{CliError, Ctx};
use agov_ledger::NewEvent;
use agov_runtime::keys::Keyspace;
use serde_json::json;

use super::super::Backends;
use super::agent_arg;
use crate::backends;

/// Revoke an agent: its current token is revoked, its run stops within seconds, and it cannot start again until reinstated
#[derive(Debug, clap::Args)]
pub(in super::super) struct Args {
    /// The agent's id
    #[arg(value_name = "AGENT", value_parser = agent_arg)]
    agent: String,

    /// Why (recorded, and shown to whoever looks at it next)
    #[arg(long, value_name = "TEXT")]
    reason: String,
}

pub(in super::super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let mut b = Backends::open(ctx)?;
    let actor = backends::decider(b.tokens.as_ref(), backends::act::REVOKE)?;
    let tenant = b.settings.tenant.value.clone();
    let keys = Keyspace::new(&tenant);
    let entry = json!({
        "reason": args.reason,
        "by": actor,
        "at": agov_core::time::format_us(agov_core::time::now_us()),
    });
    // The list first: from now on the agent cannot bootstrap, and a running
    // governor stops it at its next check.
    b.store.hset(
        &keys.revocations(),
        &args.agent,
        entry.to_string().as_bytes(),
    )?;
    let accessor = b
        .store
        .hget(&keys.agent(&args.agent, "state"), "token_accessor")?
        .map(|v| String::from_utf8_lossy(&v).into_owned())
        .filter(|a| !a.is_empty());
    if let Some(a) = &accessor {
        b.tokens.revoke_accessor(a)?;
    }
    let mut event = NewEvent::new(&tenant, actor.as_str(), "agent.revoke")
        .with("reason", args.reason.as_str())
        .with("by_hand", true)
        .with("token_accessor", accessor.clone().unwrap_or_default());
    event.agent = Some(args.agent.clone());
    b.ledger.append(&event)?;
    let doc = json!({ "agent": args.agent, "revoked": entry, "token_revoked": accessor.is_some() });
    ctx.out.record(&doc, |out| {
        out.line(&format!(
            "{} revoked{}",
            args.agent,
            if accessor.is_some() {
                "; its last token is revoked"
            } else {
                ""
            }
        ))
    })
}
