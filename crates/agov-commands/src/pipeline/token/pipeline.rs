//! `pipeline token ID`: a pipeline's token: its TTL and renewals, and the
//! token itself only with --reveal (which is ledgered).

use agov_cli::{CliError, Ctx};
use agov_ledger::NewEvent;
use agov_runtime::keys::Keyspace;

use super::super::Backends;

#[derive(Debug, clap::Args)]
pub(super) struct ShowArgs {
    /// The pipeline whose token to show
    id: Option<String>,

    /// Also print the token itself (recorded in the ledger)
    #[arg(long, requires = "id")]
    reveal: bool,
}

pub(super) fn run(args: ShowArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let Some(id) = args.id else {
        return Err(CliError::usage("name a pipeline, or a subcommand (issue, renew, lookup, revoke)")
            .with_hint("`pipeline token p-1a2b3c4d5e` shows a pipeline's token; `pipeline token --help` the rest"));
    };
    let b = Backends::open(ctx)?;
    let keys = Keyspace::new(&b.settings.tenant.value);
    let st = agov_pipeline::state::load(b.store.as_ref(), &keys, &id)?;
    let live = b.tokens.lookup_accessor(&st.token.accessor);
    let (valid, ttl_secs) = match &live {
        Ok(info) => (true, Some(info.ttl_secs)),
        Err(_) => (false, None),
    };
    let mut doc = Token {
        pipeline: id.clone(),
        accessor: st.token.accessor.clone(),
        backend: st.token.backend.clone(),
        tier: st.tier,
        valid,
        ttl_secs,
        renewals: st.token.renewals,
        renewed: st.token.renewed_us.map(agov_core::time::format_us),
        revoked: st.token.revoked_us.map(agov_core::time::format_us),
        token: None,
    };
    if args.reveal {
        let by = crate::backends::decider(b.tokens.as_ref(), crate::backends::act::REVEAL)?;
        let seal = b.seal_key()?;
        let sealed = b
            .store
            .get(&keys.pipeline(&id, "vault_token"))?
            .ok_or_else(|| {
                if st.status.is_settled() {
                    CliError::failed(format!(
                        "pipeline {id} has ended ({}): its token was revoked and its sealed copy deleted",
                        st.status
                    ))
                } else {
                    CliError::failed(format!("pipeline {id} has no stored token"))
                }
            })?;
        let token = seal.open(&id, &sealed)?;
        let mut ledger = crate::backends::ledger_for_write(&b.settings)?;
        let mut e = NewEvent::new(&b.settings.tenant.value, by, "pipeline.token_reveal")
            .subject(&id)
            .with("token_accessor", st.token.accessor.as_str());
        e.pipeline = Some(id.clone());
        ledger.append(&e)?;
        doc.token = Some(token.expose().to_string());
    }
    if ctx.json() {
        return ctx.out.json(&doc);
    }
    ctx.out.line(&format!(
        "pipeline {id} token {} ({})",
        st.token.accessor, st.token.backend
    ))?;
    match ttl_secs {
        Some(t) => ctx.out.line(&format!(
            "  valid, {t} s left, renewed {} time(s)",
            st.token.renewals
        ))?,
        None => ctx.out.line("  not valid (revoked or expired)")?,
    }
    if let Some(t) = doc.token.as_deref() {
        ctx.out.line(&format!("  token: {t}"))?;
    }
    Ok(())
}

/// `pipeline token ID --json`: `schema/json/pipeline-token.schema.json`.
#[derive(serde::Serialize, schemars::JsonSchema)]
#[schemars(
    title = "A pipeline's token",
    description = "`pipeline token ID [--reveal] --json`. The token itself only with --reveal, which is ledgered."
)]
pub(crate) struct Token {
    /// The pipeline.
    pipeline: String,
    /// Its token's accessor.
    accessor: String,
    /// Who issued it.
    #[schemars(extend("enum" = ["vault", "embedded"]))]
    backend: String,
    /// The pipeline's tier.
    #[schemars(range(max = 4))]
    tier: u8,
    /// True while the token authority knows it.
    valid: bool,
    /// Seconds it has left; null when not valid.
    ttl_secs: Option<u64>,
    /// Times it was renewed.
    renewals: u32,
    /// When it was last renewed.
    #[schemars(extend("format" = "date-time"))]
    renewed: Option<String>,
    /// When it was revoked.
    #[schemars(extend("format" = "date-time"))]
    revoked: Option<String>,
    /// Only with --reveal.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    token: Option<String>,
}
