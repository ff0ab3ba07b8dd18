//! `pipeline agents reinstate`: take an agent off the revocation list.

use agov_cli::{CliError, Ctx};
use agov_ledger::NewEvent;
use agov_runtime::keys::Keyspace;

use super::super::Backends;
use super::agent_arg;
use crate::backends;

/// Let a revoked agent run again (at the tier it was demoted to)
#[derive(Debug, clap::Args)]
pub(in super::super) struct Args {
    /// The agent's id
    #[arg(value_name = "AGENT", value_parser = agent_arg)]
    agent: String,
}

pub(in super::super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let mut b = Backends::open(ctx)?;
    let actor = backends::decider(b.tokens.as_ref(), backends::act::REINSTATE)?;
    let tenant = b.settings.tenant.value.clone();
    let keys = Keyspace::new(&tenant);
    if !b.store.hdel(&keys.revocations(), &args.agent)? {
        return Err(CliError::new(
            agov_core::FailureClass::NotFound,
            format!("{} is not on the revocation list", args.agent),
        )
        .with_hint("`pipeline revocations` lists it"));
    }
    let mut event = NewEvent::new(&tenant, actor, "agent.reinstate");
    event.agent = Some(args.agent.clone());
    b.ledger.append(&event)?;
    ctx.out.record(
        &super::revoke::Changed {
            agent: args.agent.clone(),
            revoked: None,
            token_revoked: None,
            reinstated: Some(true),
        },
        |out| out.line(&format!("{} may run again", args.agent)),
    )
}
