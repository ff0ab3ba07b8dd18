//! `pipeline token renew`: extend the token in AGOV_TOKEN.

use agov_cli::{CliError, Ctx};
use agov_ledger::NewEvent;

use super::{Info, Tokens, own_token};
use crate::backends;

/// Renew the token in AGOV_TOKEN for another full TTL of its tier
#[derive(Debug, clap::Args)]
pub(in super::super) struct Args {}

pub(in super::super) fn run(_args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let token = own_token(ctx)?;
    let mut b = Tokens::open(ctx)?;
    let tier = b.tokens.lookup(&token)?.tier;
    let info = b.tokens.renew(&token, b.rules.tier(tier).token_ttl)?;
    let event = NewEvent::new(&b.settings.tenant.value, backends::actor(), "token.renew")
        .with("accessor", info.accessor.as_str())
        .with("ttl_secs", info.ttl_secs);
    b.ledger.append(&event)?;
    let info = Info::from(info);
    ctx.out.record(&info, |out| {
        out.line(&format!(
            "{} renewed for {} s",
            info.accessor, info.ttl_secs
        ))
    })
}
