//! `pipeline blackboard`: what the agents of a pipeline wrote.

use agov_cli::{CliError, Ctx};
use agov_pipeline::board::{Board, SECTIONS};
use agov_runtime::keys::Keyspace;
use serde_json::Value;

use super::Backends;

/// Show a pipeline's blackboard: problem, solutions, progress, conflicts, consensus
///
/// Agents read it through their protocol instead (`{"type":"read",
/// "what":"blackboard"}`), in the same shape as --json.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The pipeline
    id: String,

    /// Only this section
    #[arg(long, value_parser = ["problem", "solutions", "progress", "final", "conflicts", "consensus"])]
    section: Option<String>,

    /// Only this round [default: the current one]
    #[arg(long, value_name = "N")]
    round: Option<u32>,
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let b = Backends::open(ctx)?;
    let keys = Keyspace::new(&b.settings.tenant.value);
    let st = agov_pipeline::state::load(b.store.as_ref(), &keys, &args.id)?;
    let round = args.round.unwrap_or(st.round);
    let board = Board::new(b.store.as_ref(), keys, &args.id);
    let doc = board.snapshot(round, args.section.as_deref())?;
    if ctx.json() {
        return ctx.out.json(&doc);
    }
    let mut lines = Vec::new();
    for s in SECTIONS {
        for e in doc[s].as_array().into_iter().flatten() {
            lines.push(format!("[{s}] {}: {}", text(&e["by"]), text(&e["content"])));
        }
    }
    for c in doc["conflicts"].as_array().into_iter().flatten() {
        let state = match c["resolved_by"].as_str() {
            Some(r) => format!(
                "resolved by {r}{}",
                c["resolution"]
                    .as_str()
                    .map(|n| format!(": {n}"))
                    .unwrap_or_default()
            ),
            None => "unresolved".into(),
        };
        lines.push(format!(
            "[conflict {}] {} ({state})",
            text(&c["id"]),
            text(&c["about"])
        ));
    }
    for v in doc["consensus"].as_array().into_iter().flatten() {
        lines.push(format!(
            "[vote] {}: {} — {}",
            text(&v["role"]),
            text(&v["vote"]),
            text(&v["reasoning"])
        ));
    }
    if lines.is_empty() {
        ctx.hint(&format!(
            "the blackboard of {} is empty in round {round}",
            args.id
        ));
    }
    for l in lines {
        ctx.out.line(&l)?;
    }
    Ok(())
}
