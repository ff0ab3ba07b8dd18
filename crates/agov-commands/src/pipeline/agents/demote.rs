//! `pipeline agents demote`: lower an agent's tier by hand.

use agov_agent::records::Writer;
use agov_cli::{CliError, Ctx};
use agov_core::Tier;

use super::super::{Backends, tier_arg};
use super::agent_arg;
use crate::backends;

/// Lower an agent's tier (its compliant streak starts again)
#[derive(Debug, clap::Args)]
pub(in super::super) struct Args {
    /// The agent's id
    #[arg(value_name = "AGENT", value_parser = agent_arg)]
    agent: String,

    /// The tier to give it [default: the one below]
    #[arg(long, value_name = "N", value_parser = tier_arg())]
    to: Option<Tier>,
}

pub(in super::super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let mut b = Backends::open(ctx)?;
    let tenant = b.settings.tenant.value.clone();
    let actor = backends::decider(b.tokens.as_ref(), backends::act::DEMOTE)?;
    let w = Writer {
        tenant: &tenant,
        actor: &actor,
        promotion: &b.rules.promotion,
    };
    let current = w.earned_tier(&mut b.ledger, &args.agent)?;
    let to = match args.to {
        Some(t) => t,
        None => current
            .number()
            .checked_sub(1)
            .and_then(Tier::from_number)
            .ok_or_else(|| CliError::usage(format!("{} is already at tier 0", args.agent)))?,
    };
    if to > current {
        return Err(CliError::usage(format!(
            "{} is at tier {}; use `pipeline agents promote`",
            args.agent,
            current.number()
        )));
    }
    let m = w.set_tier_by_hand(&mut b.ledger, &args.agent, to, false)?;
    ctx.out.record(&m, |out| {
        out.line(&format!(
            "{} is now tier {} ({})",
            m.agent_id,
            m.tier.number(),
            m.tier.role()
        ))
    })
}
