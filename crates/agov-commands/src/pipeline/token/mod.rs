//! `pipeline token`: tier tokens by hand (issue, renew, lookup, revoke).
//! Every change is ledgered by accessor; a token itself is printed only
//! with `--reveal`.

pub(crate) mod issue;
mod lookup;
pub(crate) mod pipeline;
mod renew;
pub(crate) mod revoke;

use agov_cli::{CliError, Ctx};
use agov_core::Secret;
use agov_tokens::TokenInfo;
use serde::Serialize;

/// A pipeline's token (`pipeline token ID`), or tier tokens by hand
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(super) struct Args {
    #[command(flatten)]
    pipeline: pipeline::ShowArgs,

    #[command(subcommand)]
    command: Option<Command>,
}

/// The `token` subcommands.
#[derive(Debug, clap::Subcommand)]
enum Command {
    Issue(issue::Args),
    Renew(renew::Args),
    Lookup(lookup::Args),
    Revoke(revoke::Args),
}

pub(super) fn run(a: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    match a.command {
        None => pipeline::run(a.pipeline, ctx),
        Some(Command::Issue(a)) => issue::run(a, ctx),
        Some(Command::Renew(a)) => renew::run(a, ctx),
        Some(Command::Lookup(a)) => lookup::run(a, ctx),
        Some(Command::Revoke(a)) => revoke::run(a, ctx),
    }
}

/// What the token commands need: no runtime store, so that a token
/// operation is its Vault call, the tenant check's round trip (with the
/// reads it needs alongside) and one ledger commit.
struct Tokens {
    settings: agov_config::Settings,
    tokens: Box<dyn agov_tokens::TokenAuthority>,
    rules: agov_governance::rules::TierRules,
}

impl Tokens {
    /// The token authority and what goes with it; the Vault reads the
    /// command will make (the HMAC key when it `ledgers`, the lookup of
    /// `accessor`) start while the tenant is checked.
    fn open(ctx: &mut Ctx, ledgers: bool, accessor: Option<&str>) -> Result<Tokens, CliError> {
        let settings =
            ctx.settings_overlapping(|s| crate::backends::read_ahead(s, ledgers, accessor))?;
        Ok(Tokens {
            tokens: crate::backends::token_authority(&settings)?,
            rules: agov_governance::rules::TierRules::built_in(),
            settings,
        })
    }

    /// Runs `call` against the token authority while the ledger opens (and
    /// loads its HMAC key) on a thread of its own: the two are independent,
    /// and overlapping them takes the ledger's open (~0.7 ms) off a command
    /// that lasts ~5 ms. Both
    /// outcomes come back, so that the caller can undo a call it cannot record.
    fn call_and_open_ledger<T>(
        &self,
        call: impl FnOnce(&dyn agov_tokens::TokenAuthority) -> Result<T, CliError>,
    ) -> (Result<T, CliError>, Result<agov_ledger::Ledger, CliError>) {
        std::thread::scope(|s| {
            let ledger = s.spawn(|| {
                let mut ledger = crate::backends::ledger_for_write(&self.settings)?;
                // Its event holds the accessor's HMAC: load the key meanwhile.
                ledger.hmac_key()?;
                Ok(ledger)
            });
            let done = call(self.tokens.as_ref());
            let ledger = ledger
                .join()
                .unwrap_or_else(|_| Err(CliError::failed("opening the ledger panicked")));
            (done, ledger)
        })
    }
}

/// The token in `AGOV_TOKEN`, for commands that act on "my token".
impl Tokens {
    /// Refuses (exit 3) a token another tenant issued; tokens issued
    /// without a tenant belong to `default`.
    fn of_this_tenant(&self, info: &TokenInfo) -> Result<(), CliError> {
        let owner = info
            .metadata
            .get("tenant")
            .map_or("default", String::as_str);
        if owner == self.settings.tenant.value {
            return Ok(());
        }
        Err(CliError::new(
            agov_core::FailureClass::Denied,
            format!(
                "token {} belongs to another tenant or project",
                info.accessor
            ),
        )
        .with_hint("act as its tenant (--tenant) to look it up or revoke it"))
    }
}

fn own_token(ctx: &Ctx) -> Result<Secret, CliError> {
    match ctx.env.get("AGOV_TOKEN") {
        Some(t) if !t.is_empty() => Ok(Secret::new(t)),
        _ => Err(CliError::usage(
            "no token: set AGOV_TOKEN (a governed agent has it), or name an accessor",
        )),
    }
}

/// A token's public facts, for output
/// (`schema/json/pipeline-token-info.schema.json`).
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(
    title = "A token's public facts",
    description = "`pipeline token lookup [ACCESSOR] --json` and `pipeline token renew --json` (after the renewal)."
)]
pub(crate) struct Info {
    /// Its accessor.
    #[schemars(length(min = 1))]
    accessor: String,
    /// Its tier.
    #[schemars(range(max = 4))]
    tier: u8,
    /// The name it was issued with (--name).
    display_name: String,
    /// Seconds it has left.
    ttl_secs: u64,
}

impl From<TokenInfo> for Info {
    fn from(t: TokenInfo) -> Info {
        Info {
            accessor: t.accessor,
            tier: t.tier.number(),
            display_name: t.display_name,
            ttl_secs: t.ttl_secs,
        }
    }
}
