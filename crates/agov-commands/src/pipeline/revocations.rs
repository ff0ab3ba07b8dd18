//! `pipeline revocations`: the revocation list.

use agov_cli::{CliError, Ctx, Tabular};
use agov_runtime::keys::Keyspace;
use serde::Serialize;
use serde_json::Value;

use super::Backends;

/// List revoked agents and why
#[derive(Debug, clap::Args)]
pub(super) struct Args {}

/// One entry of the revocation list.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct Row {
    /// The agent.
    agent: String,
    /// Why it was revoked.
    reason: String,
    /// When, RFC 3339.
    #[schemars(extend("format" = "date-time"))]
    at: String,
    /// The task it was on.
    task: Option<String>,
}

impl Tabular for Row {
    fn headers() -> &'static [&'static str] {
        &["agent", "at", "task", "reason"]
    }

    fn row(&self) -> Vec<String> {
        vec![
            self.agent.clone(),
            self.at.clone(),
            self.task.clone().unwrap_or_default(),
            self.reason.clone(),
        ]
    }
}

pub(super) fn run(_args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let b = Backends::open(ctx)?;
    let keys = Keyspace::new(&b.settings.tenant.value);
    let rows: Vec<Row> = b
        .store
        .hgetall(&keys.revocations())?
        .into_iter()
        .map(|(agent, v)| {
            let v: Value = serde_json::from_slice(&v).unwrap_or(Value::Null);
            let text = |k: &str| v[k].as_str().unwrap_or_default().to_string();
            Row {
                agent,
                reason: text("reason"),
                at: text("at"),
                task: v["task"].as_str().map(str::to_string),
            }
        })
        .collect();
    ctx.out.list(&rows, "no agent is revoked")
}
