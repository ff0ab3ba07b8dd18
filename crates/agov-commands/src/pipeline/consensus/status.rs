//! `pipeline consensus status`: the votes and the tally.

use agov_cli::{CliError, Ctx};
use agov_pipeline::board::Board;
use agov_pipeline::consensus::tally;
use agov_runtime::keys::Keyspace;
use serde_json::json;

use super::super::Backends;

/// Show the votes of the current round and the tally they make
#[derive(Debug, clap::Args)]
pub(in super::super) struct Args {
    /// The pipeline
    id: String,
}

pub(in super::super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let b = Backends::open(ctx)?;
    let keys = Keyspace::new(&b.settings.tenant.value);
    let st = agov_pipeline::state::load(b.store.as_ref(), &keys, &args.id)?;
    let board = Board::new(b.store.as_ref(), keys, &args.id);
    let votes = board.votes(st.round)?;
    let t = tally(st.round, &st.required_voters(), &votes);
    if ctx.json() {
        let votes: Vec<_> = votes.into_values().collect();
        return ctx.out.json(&json!({
            "pipeline": st.id,
            "status": st.status.as_str(),
            "round": st.round,
            "votes": votes,
            "tally": t,
        }));
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
