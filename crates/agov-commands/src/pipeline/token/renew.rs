//! `pipeline token renew`: extend the token in AGOV_TOKEN.

use agov_cli::{CliError, Ctx};
use agov_ledger::NewEvent;

use super::{Info, Tokens, own_token};
use crate::backends;

/// Renew the token in AGOV_TOKEN for another full TTL (the one it was issued with)
#[derive(Debug, clap::Args)]
pub(in super::super) struct Args {}

pub(in super::super) fn run(_args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let token = own_token(ctx)?;
    let b = Tokens::open(ctx, true, None)?;
    // Zero: for the TTL it was issued with (its tier's), one call fewer.
    let (info, ledger) =
        b.call_and_open_ledger(|t| Ok(t.renew(&token, std::time::Duration::ZERO)?));
    let info = info?;
    let mut ledger = ledger?;
    let event = NewEvent::new(&b.settings.tenant.value, backends::actor(), "token.renew")
        .with("accessor", info.accessor.as_str())
        .with("ttl_secs", info.ttl_secs);
    ledger.append(&event)?;
    let info = Info::from(info);
    ctx.out.record(&info, |out| {
        out.line(&format!(
            "{} renewed for {} s",
            info.accessor, info.ttl_secs
        ))
    })
}
