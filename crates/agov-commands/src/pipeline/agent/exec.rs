//! `pipeline agent exec`: run one command only if the caller's tier allows it.

use std::process::Command;

use agov_cli::{CliError, Ctx};
use agov_core::{FailureClass, Secret, Tier};
use agov_governance::Decision;
use agov_ledger::NewEvent;

use super::super::{Backends, tier_arg};
use crate::backends;

/// Run one command if the caller's tier allows it (ledgered either way)
///
/// Inside a governed agent the tier comes from its AGOV_TOKEN; otherwise
/// pass --tier. Denied commands exit 3 without running.
#[derive(Debug, clap::Args)]
pub(in super::super) struct Args {
    /// The tier to check against when there is no AGOV_TOKEN
    #[arg(long, value_name = "N", value_parser = tier_arg)]
    tier: Option<Tier>,

    /// The command and its arguments
    #[arg(last = true, required = true, value_name = "CMD")]
    command: Vec<String>,
}

pub(in super::super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let mut b = Backends::open(ctx)?;
    let (tier, who) = match ctx.env.get("AGOV_TOKEN") {
        Some(t) if !t.is_empty() => {
            let info = b.tokens.lookup(&Secret::new(t))?;
            let agent = info
                .metadata
                .get("agent_id")
                .cloned()
                .unwrap_or_else(|| info.display_name.clone());
            (info.tier, agent)
        }
        _ => match args.tier {
            Some(t) => (t, backends::actor()),
            None => {
                return Err(CliError::usage("no tier to check the command against")
                    .with_hint("run it inside a governed agent (AGOV_TOKEN), or pass --tier N"));
            }
        },
    };
    crate::quota::tier(&b.settings, tier, "a command")?;
    let action = format!("cmd:{}", args.command.join(" "));
    let decision = b.rules.decide(tier, &action, &[], &[], &who, "exec");
    let (word, reason) = match &decision {
        Decision::Allow => ("allow", String::new()),
        Decision::NeedsApproval { digest, .. } => (
            "needs_approval",
            format!("needs a human approval (digest {digest})"),
        ),
        Decision::Deny { reason } => ("deny", reason.clone()),
    };
    let tenant = b.settings.tenant.value.clone();
    let mut event = NewEvent::new(&tenant, backends::actor(), "agent.exec")
        .with("action", action.as_str())
        .with("decision", word)
        .with("tier", tier.number())
        .with("reason", reason.as_str());
    event.agent = Some(who);
    if decision != Decision::Allow {
        b.ledger.append(&event)?;
        return Err(CliError::new(
            FailureClass::Denied,
            format!(
                "`{}` is not allowed at tier {}: {reason}",
                args.command.join(" "),
                tier.number()
            ),
        )
        .with_hint("`policies/tiers.toml` lists what each tier may run"));
    }
    let status = Command::new(&args.command[0])
        .args(&args.command[1..])
        .status()
        .map_err(|e| CliError::usage(format!("cannot run `{}`: {e}", args.command[0])));
    let code = status.as_ref().ok().and_then(|s| s.code());
    b.ledger
        .append(&event.with("exit_code", code.map_or(-1, i64::from)))?;
    let status = status?;
    if status.success() {
        Ok(())
    } else {
        Err(CliError::failed(format!(
            "`{}` exited with {status}",
            args.command.join(" ")
        )))
    }
}
