//! `pipeline token issue`: a token for a tier.

use agov_cli::{CliError, Ctx};
use agov_core::Tier;
use agov_ledger::NewEvent;
use agov_tokens::IssueRequest;

use super::super::tier_arg;
use super::Tokens;
use crate::backends;

/// Issue a token for a tier (its TTL from policies/tiers.toml); prints its accessor, and the token only with --reveal
#[derive(Debug, clap::Args)]
pub(in super::super) struct Args {
    /// The tier
    #[arg(long, value_name = "N", value_parser = tier_arg())]
    tier: Tier,

    /// A name shown in lookups and Vault's audit log
    #[arg(long, value_name = "NAME", default_value = "manual")]
    name: String,

    /// Print the token itself (it is a secret: keep it out of logs)
    #[arg(long)]
    reveal: bool,
}

pub(in super::super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let b = Tokens::open(ctx, true, None)?;
    crate::quota::tier(&b.settings, args.tier, "a token")?;
    // Printing a token is a privileged act: checked before anything is issued.
    let actor = if args.reveal {
        backends::decider(b.tokens.as_ref(), backends::act::REVEAL)?
    } else {
        backends::actor()
    };
    let mut req = IssueRequest::new(args.tier, args.name.clone());
    req.ttl = Some(b.rules.tier(args.tier).token_ttl);
    req.metadata
        .insert("tenant".into(), b.settings.tenant.value.clone());
    let (issued, ledger) = b.call_and_open_ledger(|t| Ok(t.issue(&req)?));
    let issued = issued?;
    let mut ledger = ledger.inspect_err(|_| {
        // No token without its ledger record: take it back.
        let _ = b.tokens.revoke_accessor(&issued.accessor);
    })?;
    let event = NewEvent::new(&b.settings.tenant.value, actor, "token.issue")
        .with("accessor", issued.accessor.as_str())
        .with("tier", args.tier.number())
        .with("name", args.name.as_str())
        .with("ttl_secs", issued.ttl.as_secs());
    if let Err(e) = ledger.append(&event) {
        let _ = b.tokens.revoke_accessor(&issued.accessor);
        return Err(e.into());
    }
    let doc = Issued {
        accessor: issued.accessor.clone(),
        tier: args.tier,
        ttl_secs: issued.ttl.as_secs(),
        token: args.reveal.then(|| issued.token.expose().to_string()),
    };
    ctx.out.record(&doc, |out| {
        if args.reveal {
            out.line(issued.token.expose())
        } else {
            out.line(&issued.accessor)
        }
    })
}

/// `pipeline token issue --json`: `schema/json/pipeline-token-issued.schema.json`.
#[derive(serde::Serialize, schemars::JsonSchema)]
#[schemars(
    title = "A token issued by hand",
    description = "`pipeline token issue --tier N [--reveal] --json`. The token itself only with --reveal."
)]
pub(crate) struct Issued {
    /// Its accessor.
    #[schemars(length(min = 1))]
    accessor: String,
    /// Its tier.
    tier: Tier,
    /// Its life, from its tier (policies/tiers.toml).
    #[schemars(range(min = 1))]
    ttl_secs: u64,
    /// Only with --reveal: a secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", length(min = 1))]
    token: Option<String>,
}
