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
    #[arg(long, value_name = "TEXT", value_parser = super::super::reason_arg)]
    reason: String,
}

pub(in super::super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let mut b = Backends::open(ctx)?;
    let r = revoke(&mut b, &args.agent, &args.reason)?;
    let doc = Changed {
        agent: args.agent.clone(),
        revoked: Some(r.entry.clone()),
        token_revoked: Some(r.accessor.is_some()),
        reinstated: None,
    };
    ctx.out.record(&doc, |out| {
        out.line(&format!(
            "{} revoked{}",
            args.agent,
            if r.accessor.is_some() {
                "; its last token is revoked"
            } else {
                ""
            }
        ))
    })
}

/// What revoking an agent did.
pub(in super::super) struct Revoked {
    /// Its entry on the revocation list (reason, by, at).
    pub entry: serde_json::Value,
    /// Its last token's accessor, revoked, when it had one.
    pub accessor: Option<String>,
}

/// Revokes `agent`, as `pipeline agents revoke` and the dashboard do: who
/// revokes is verified ([`backends::act::REVOKE`]) and recorded.
pub(in super::super) fn revoke(
    b: &mut Backends,
    agent: &str,
    reason: &str,
) -> Result<Revoked, CliError> {
    if reason.trim().is_empty() {
        return Err(CliError::usage("--reason is empty"));
    }
    let actor = backends::decider(b.tokens.as_ref(), backends::act::REVOKE)?;
    let tenant = b.settings.tenant.value.clone();
    let keys = Keyspace::new(&tenant);
    let entry = json!({
        "reason": reason,
        "by": actor,
        "at": agov_core::time::format_us(agov_core::time::now_us()),
    });
    // The list first: from now on the agent cannot bootstrap, and a running
    // governor stops it at its next check.
    b.store
        .hset(&keys.revocations(), agent, entry.to_string().as_bytes())?;
    let accessor = b
        .store
        .hget(&keys.agent(agent, "state"), "token_accessor")?
        .map(|v| String::from_utf8_lossy(&v).into_owned())
        .filter(|a| !a.is_empty());
    if let Some(a) = &accessor {
        b.tokens.revoke_accessor(a)?;
    }
    let mut event = NewEvent::new(&tenant, actor.as_str(), "agent.revoke")
        .with("reason", reason)
        .with("by_hand", true)
        .with("token_accessor", accessor.clone().unwrap_or_default());
    event.agent = Some(agent.to_string());
    b.ledger.append(&event)?;
    Ok(Revoked { entry, accessor })
}

/// `pipeline agents revoke|reinstate --json`:
/// `schema/json/agent-revoke.schema.json`.
#[derive(serde::Serialize, schemars::JsonSchema)]
#[schemars(
    title = "An agent revoked or reinstated by hand",
    description = "`pipeline agents revoke --json` (agent, revoked, token_revoked) and `pipeline agents reinstate --json` (agent, reinstated)."
)]
pub(crate) struct Changed {
    /// The agent.
    pub agent: String,
    /// The revocation-list entry: reason, by, at.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    pub revoked: Option<serde_json::Value>,
    /// Its last token was found and revoked.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "bool")]
    pub token_revoked: Option<bool>,
    /// Always true when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "bool")]
    pub reinstated: Option<bool>,
}
