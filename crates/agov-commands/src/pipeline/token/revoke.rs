//! `pipeline token revoke`: revoke a token (and every token issued under it).

use agov_cli::{CliError, Ctx};
use agov_ledger::NewEvent;

use super::Tokens;
use crate::backends;

/// Revoke a token by accessor, with every token issued under it (idempotent)
#[derive(Debug, clap::Args)]
pub(in super::super) struct Args {
    /// The token's accessor
    #[arg(value_name = "ACCESSOR")]
    accessor: String,
}

pub(in super::super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let b = Tokens::open(ctx, true, Some(&args.accessor))?;
    let mut by = String::new();
    let (revoked, ledger) = b.call_and_open_ledger(|t| {
        by = backends::decider(t, backends::act::REVOKE)?;
        // A token that no longer looks up (revoked, expired) is revoked again
        // as before: revoking is idempotent. One that does must be ours.
        if let Ok(info) = t.lookup_accessor(&args.accessor) {
            b.of_this_tenant(&info)?;
        }
        Ok(t.revoke_accessor(&args.accessor)?)
    });
    revoked?;
    let mut ledger = ledger?;
    let event = NewEvent::new(&b.settings.tenant.value, by, "token.revoke")
        .with("accessor", args.accessor.as_str());
    ledger.append(&event)?;
    ctx.out.record(
        &Revoked {
            accessor: args.accessor.clone(),
            revoked: true,
        },
        |out| out.line(&format!("{} revoked", args.accessor)),
    )
}

/// `pipeline token revoke --json`: `schema/json/pipeline-token-revoked.schema.json`.
#[derive(serde::Serialize, schemars::JsonSchema)]
#[schemars(
    title = "A token revoked by hand",
    description = "`pipeline token revoke ACCESSOR --json`: revoking is idempotent, so `revoked` is always true."
)]
pub(crate) struct Revoked {
    /// The accessor.
    #[schemars(length(min = 1))]
    accessor: String,
    /// Always true.
    #[schemars(extend("const" = true))]
    revoked: bool,
}
