//! `pipeline handoff`: what the last revoked or failed agent left on a task.

use agov_agent::records;
use agov_cli::{CliError, Ctx};
use serde_json::Value;

use super::Backends;

/// Show the newest handoff on a task: why the agent stopped, where, what it tried, what to do next
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The task's id
    #[arg(value_name = "TASK")]
    task: String,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let b = Backends::open(ctx)?;
    let Some(h) = records::latest_handoff(&b.ledger, &b.settings.tenant.value, &args.task)? else {
        return Err(CliError::new(
            agov_core::FailureClass::NotFound,
            format!("no handoff on task {}", args.task),
        )
        .with_hint("handoffs are left by agents that were revoked or failed"));
    };
    ctx.out.record(&h, |out| {
        let s = |k: &str| h[k].as_str().unwrap_or("").to_string();
        out.line(&format!(
            "task {}: left by {} in {}",
            s("task_id"),
            s("previous_agent_id"),
            h["last_known_state"]["phase"].as_str().unwrap_or("")
        ))?;
        let why = &h["revocation_reason"];
        if let Some(r) = why["details"].as_str() {
            let how = if h["revoked"] == true {
                "revoked"
            } else {
                "stopped"
            };
            out.line(&format!(
                "why: {how} ({}): {r}",
                why["type"].as_str().unwrap_or("")
            ))?;
        }
        if let Some(step) = h["last_known_state"]["step"].as_str() {
            out.line(&format!("last step: {step}"))?;
        }
        let list = |out: &mut agov_cli::Output, label: &str, key: &str| -> Result<(), CliError> {
            let items: Vec<&str> = h[key]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if !items.is_empty() {
                out.line(&format!("{label}:"))?;
                for i in items {
                    out.line(&format!("  - {i}"))?;
                }
            }
            Ok(())
        };
        list(out, "tried", "what_was_tried")?;
        list(out, "next", "required_next_actions")?;
        list(out, "keep to", "constraints_reminder")?;
        list(out, "artifacts", "artifacts")
    })
}
