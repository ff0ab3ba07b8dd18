//! `pipeline messages`: the direct messages between a pipeline's agents.

use agov_cli::{CliError, Ctx};
use agov_pipeline::Role;
use agov_pipeline::board::Board;
use agov_runtime::keys::Keyspace;
use serde_json::Value;

use super::Backends;

/// Show the direct messages (PROPOSAL, FEEDBACK, HANDOFF) of a pipeline
///
/// Agents read their own through the protocol
/// (`{"type":"read","id":"m1","what":"messages"}`); a `send` to `all`
/// reaches every other agent of the pipeline.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The pipeline
    id: String,

    /// Only messages to this role
    #[arg(long, value_parser = ["alpha", "beta", "gamma"])]
    to: Option<String>,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let b = Backends::open(ctx)?;
    let keys = Keyspace::new(&b.settings.tenant.value);
    agov_pipeline::state::load(b.store.as_ref(), &keys, &args.id)?;
    let board = Board::new(b.store.as_ref(), keys, &args.id);
    let mail = board.messages(args.to.as_deref().and_then(Role::parse))?;
    if ctx.json() {
        return ctx.out.json(&mail);
    }
    if mail.is_empty() {
        ctx.hint("no messages");
    }
    for m in mail {
        let body = match &m.body {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        ctx.out.line(&format!(
            "round {} {} -> {} {}: {body}",
            m.round,
            m.from,
            m.to,
            m.kind.as_str()
        ))?;
    }
    Ok(())
}
