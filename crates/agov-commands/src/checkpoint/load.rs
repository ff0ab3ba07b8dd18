//! `checkpoint load`: the briefing after a reset.

use agov_checkpoint::{BugsPart, Checkpoint, Since};
use agov_cli::{CliError, Ctx};
use serde::Serialize;

use super::attention::{self, Attention};
use super::collect::PendingGate;
use super::{checkpoint_id, collect, render, with_checkpoints};

/// The last checkpoint (or ID) and everything that changed since: the briefing after a reset
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Which checkpoint [default: the newest]
    id: Option<String>,

    /// Items to show per group of changes
    #[arg(long, default_value_t = 10, value_name = "N")]
    per_group: usize,
}

/// The recovery briefing (`checkpoint load --json`).
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(
    title = "The recovery briefing",
    description = "`checkpoint load --json`: what waits for a person (always in full), STATUS.md files edited by hand since the checkpoint, the checkpoint (null when none exists yet), what the ledger recorded after it, the bug log now, and the human gates of the tenant's pipelines that wait for a person."
)]
pub(crate) struct Briefing {
    /// Everything that waits for a person, whatever --per-group says:
    /// pipelines waiting for a fallback or a gate, pipelines nobody drives,
    /// revoked agents, open critical bugs.
    needs_you: Vec<Attention>,
    /// Why pipelines and revocations could not be read (the runtime store
    /// is down); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    needs_you_error: Option<String>,
    /// STATUS.md files changed since the checkpoint other than through
    /// `status update`.
    edited_status: Vec<String>,
    /// The checkpoint (null when none exists yet).
    checkpoint: Option<Checkpoint>,
    /// What the ledger recorded after it.
    since: Since,
    /// The bug log now.
    now: BugsPart,
    /// Gates waiting for `pipeline approve` in unsettled pipelines (read
    /// from the runtime store).
    pending_gates: Vec<PendingGate>,
    /// Why the gates could not be read (the runtime store is down); absent
    /// otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pending_gates_error: Option<String>,
    /// What weakens governance right now, e.g. agents running with sandbox
    /// = "off" or "best-effort".
    warnings: Vec<String>,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let id = args.id.as_deref().map(checkpoint_id).transpose()?;
    let briefing = with_checkpoints(ctx, |cps| {
        let checkpoint = match id {
            Some(id) => Some(cps.get(id)?),
            None => cps.latest()?,
        };
        let after = checkpoint.as_ref().map_or_else(
            || cps.ledger().count().map(|n| n.saturating_sub(20)),
            |c| Ok(c.summary.head_seq),
        )?;
        let since = agov_checkpoint::since(cps.ledger(), cps.tenant(), after, args.per_group)?;
        Ok((checkpoint, since))
    })?;
    let (checkpoint, since) = briefing;
    let settings = ctx.settings()?;
    let mut ledger = crate::backends::ledger_for_write(&settings)?;
    let now = collect::bugs_part(&mut agov_bugs::Bugs::new(
        &mut ledger,
        settings.tenant.value.clone(),
        "reader",
    ))?;
    let (pending_gates, pending_gates_error) = match collect::pending_gates(&settings) {
        Ok(g) => (g, None),
        Err(e) => (Vec::new(), Some(e)),
    };
    let mut warnings = Vec::new();
    if settings.sandbox.value != "enforce" {
        warnings.push(format!(
            "agents run with sandbox = \"{}\" ({}): not fully confined, and every run says so in the ledger",
            settings.sandbox.value, settings.sandbox.source
        ));
    } else if !settings.sandbox_best_effort.value.is_empty() {
        let tiers: Vec<String> = settings
            .sandbox_best_effort
            .value
            .iter()
            .map(|t| format!("T{t}"))
            .collect();
        warnings.push(format!(
            "agents at {} run with sandbox_best_effort ({}): confined only as far as this kernel can, and every run says so in the ledger",
            tiers.join(", "),
            settings.sandbox_best_effort.source
        ));
    }
    let (needs_you, needs_you_error) = attention::needs_you(&settings, &now);
    let edited_status = match (&checkpoint, std::env::current_dir()) {
        (Some(c), Ok(cwd)) => {
            attention::edited_by_hand(&cwd, c.summary.created_us, &since.status_changes)
        }
        _ => Vec::new(),
    };
    let briefing = Briefing {
        needs_you,
        needs_you_error,
        edited_status,
        checkpoint,
        since,
        now,
        pending_gates,
        pending_gates_error,
        warnings,
    };
    if ctx.json() {
        return ctx.out.json(&briefing);
    }
    match &briefing.checkpoint {
        Some(c) => {
            render::header(&mut ctx.out, &c.summary)?;
            render::snapshot(&mut ctx.out, &c.snapshot)?;
        }
        None => {
            ctx.out
                .line("no checkpoint yet: the latest ledger activity follows")?;
            ctx.hint("`checkpoint now --notes \"…\"` takes one");
        }
    }
    render::needs_you(&mut ctx.out, &briefing.needs_you)?;
    if let Some(e) = &briefing.needs_you_error {
        ctx.out.line(&format!(
            "needs you: pipelines and revocations unknown ({e})"
        ))?;
    }
    for f in &briefing.edited_status {
        ctx.out.line(&format!(
            "edited by hand since the checkpoint (not through `status update`): {f}"
        ))?;
    }
    ctx.out.line("")?;
    render::since(&mut ctx.out, &briefing.since)?;
    let now_snapshot = agov_checkpoint::Snapshot {
        bugs: briefing.now.clone(),
        ..Default::default()
    };
    ctx.out
        .line(&format!("now: bugs {}", render::bugs_line(&now_snapshot)))?;
    for g in &briefing.pending_gates {
        ctx.out.line(&format!(
            "now: gate {} of {} waits for a person: {}",
            g.stage, g.pipeline, g.decide
        ))?;
    }
    if let Some(e) = &briefing.pending_gates_error {
        ctx.out.line(&format!("now: gates unknown ({e})"))?;
    }
    for w in &briefing.warnings {
        ctx.out.line(&format!("warning: {w}"))?;
    }
    Ok(())
}
