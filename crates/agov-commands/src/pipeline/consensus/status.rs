//! `pipeline consensus status`: the votes and the tally.

use agov_cli::{CliError, Ctx};
use agov_pipeline::board::Board;
use agov_pipeline::consensus::tally;
use agov_pipeline::consensus::{Tally, Vote};
use agov_runtime::keys::Keyspace;
use serde::Serialize;

use super::super::Backends;

/// Show the votes of the current round and the tally they make
#[derive(Debug, clap::Args)]
pub(in super::super) struct Args {
    /// The pipeline
    id: String,
}

/// `pipeline consensus status --json`.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(
    title = "The votes of a pipeline and their tally",
    description = "`pipeline consensus status ID --json`. Consensus: every required agent voted, accepts > rejects, no required agent rejected."
)]
pub(crate) struct Votes {
    /// The pipeline.
    pipeline: String,
    /// Where it is.
    status: agov_pipeline::Status,
    /// The current round.
    #[schemars(range(min = 1))]
    round: u32,
    /// The round's votes, one per role.
    votes: Vec<Vote>,
    /// What they make.
    tally: Tally,
}

pub(in super::super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let b = Backends::open(ctx)?;
    let keys = Keyspace::new(&b.settings.tenant.value);
    let st = agov_pipeline::state::load(b.store.as_ref(), &keys, &args.id)?;
    let board = Board::new(b.store.as_ref(), keys, &args.id);
    let votes = board.votes(st.round)?;
    let t = tally(st.round, &st.required_voters(), &votes);
    if ctx.json() {
        let doc = Votes {
            pipeline: st.id,
            status: st.status,
            round: st.round,
            votes: votes.into_values().collect(),
            tally: t,
        };
        // Through a `Value`: its keys in order, as before.
        return ctx
            .out
            .json(&serde_json::to_value(&doc).unwrap_or_default());
    }
    ctx.out
        .line(&format!("{} {} round {}", st.id, st.status, st.round))?;
    for v in votes.values() {
        ctx.out.line(&format!(
            "  {:<5} {:<7} {} (token {})",
            v.role,
            v.vote.as_str(),
            v.reasoning,
            v.token_accessor
        ))?;
    }
    ctx.out.line(&format!(
        "  {} accept, {} reject, {} abstain — {}",
        t.accepts,
        t.rejects,
        t.abstains,
        if t.reached {
            "consensus"
        } else {
            t.reason.as_str()
        }
    ))
}
