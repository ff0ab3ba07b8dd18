//! `pipeline agents promote`: raise an agent's tier by hand.

use agov_agent::records::Writer;
use agov_cli::{CliError, Ctx};
use agov_core::Tier;

use super::super::{Backends, tier_arg};
use super::agent_arg;
use crate::backends;

/// Raise an agent's tier (T3 and T4 need --approve, recorded with who approved)
#[derive(Debug, clap::Args)]
pub(in super::super) struct Args {
    /// The agent's id
    #[arg(value_name = "AGENT", value_parser = agent_arg)]
    agent: String,

    /// The tier to give it [default: the next one]
    #[arg(long, value_name = "N", value_parser = tier_arg())]
    to: Option<Tier>,

    /// Record your approval (needed for tier 3 and 4)
    #[arg(long)]
    approve: bool,
}

pub(in super::super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let mut b = Backends::open(ctx)?;
    let tenant = b.settings.tenant.value.clone();
    let actor = backends::decider(b.tokens.as_ref(), backends::act::PROMOTE)?;
    let w = Writer {
        tenant: &tenant,
        actor: &actor,
        promotion: &b.rules.promotion,
    };
    let current = w.earned_tier(&mut b.ledger, &args.agent)?;
    let to = match args.to {
        Some(t) => t,
        None => Tier::from_number(current.number() + 1)
            .ok_or_else(|| CliError::usage(format!("{} is already at tier 4", args.agent)))?,
    };
    crate::quota::tier(&b.settings, to, &format!("promoting {}", args.agent))?;
    if to < current {
        return Err(CliError::usage(format!(
            "{} is at tier {}; use `pipeline agents demote`",
            args.agent,
            current.number()
        )));
    }
    let m = w.set_tier_by_hand(&mut b.ledger, &args.agent, to, args.approve)?;
    ctx.out.record(&m, |out| {
        out.line(&format!(
            "{} is now tier {} ({})",
            m.agent_id,
            m.tier.number(),
            m.tier.role()
        ))
    })
}
