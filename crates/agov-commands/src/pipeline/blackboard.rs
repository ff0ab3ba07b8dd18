//! `pipeline blackboard`: what the agents of a pipeline wrote.

use agov_cli::{CliError, Ctx};
use agov_pipeline::board::{Board, SECTIONS};
use agov_runtime::keys::Keyspace;
use serde_json::{Value, json};

use super::Backends;

/// Show a pipeline's blackboard: problem, solutions, progress, conflicts, consensus
///
/// Agents read it this way too: `pipeline blackboard "$AGOV_PIPELINE_ID"
/// --section solutions --json`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The pipeline
    id: String,

    /// Only this section
    #[arg(long, value_parser = ["problem", "solutions", "progress", "conflicts", "consensus"])]
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
    let wanted = |s: &str| args.section.as_deref().is_none_or(|w| w == s);
    let mut doc = serde_json::Map::new();
    doc.insert("pipeline".into(), json!(args.id));
    doc.insert("round".into(), json!(round));
    let mut lines = Vec::new();
    for s in SECTIONS {
        if !wanted(s) {
            continue;
        }
        let entries: Vec<_> = board
            .entries(s)?
            .into_iter()
            .filter(|e| e.round == round)
            .collect();
        for e in &entries {
            lines.push(format!("[{s}] {}: {}", e.by, text(&e.content)));
        }
        doc.insert(s.into(), serde_json::to_value(entries).unwrap_or_default());
    }
    if wanted("conflicts") {
        let c = board.conflicts(Some(round))?;
        for c in &c {
            let state = match &c.resolved_by {
                Some(r) => format!(
                    "resolved by {r}{}",
                    c.resolution
                        .as_deref()
                        .map(|n| format!(": {n}"))
                        .unwrap_or_default()
                ),
                None => "unresolved".into(),
            };
            lines.push(format!("[conflict {}] {} ({state})", c.id, c.about));
        }
        doc.insert(
            "conflicts".into(),
            serde_json::to_value(c).unwrap_or_default(),
        );
    }
    if wanted("consensus") {
        let votes: Vec<_> = board.votes(round)?.into_values().collect();
        for v in &votes {
            lines.push(format!(
                "[vote] {}: {} — {}",
                v.role,
                v.vote.as_str(),
                v.reasoning
            ));
        }
        doc.insert(
            "consensus".into(),
            serde_json::to_value(votes).unwrap_or_default(),
        );
    }
    if ctx.json() {
        return ctx.out.json(&Value::Object(doc));
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
