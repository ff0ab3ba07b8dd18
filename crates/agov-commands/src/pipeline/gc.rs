//! `pipeline gc`: no live credentials for pipelines that no longer work.

use agov_cli::{CliError, Ctx};

use super::Backends;

const EXAMPLES: &str = "\
Examples:
  pipeline gc                  # revoke what nothing should hold any more
  pipeline gc --json           # [{pipeline, status, reason, revoked, forgotten}]
  */10 * * * * pipeline gc -q  # from cron

A pipeline token takes every agent token issued under it along. A pipeline
resumed later (`pipeline continue`, a fallback) gets a fresh token. A
pipeline whose driver is gone and that nobody drove for the retention
(AGOV_RETENTION, default 7d) is forgotten: its runtime keys are deleted.";

/// Revoke the tokens of settled pipelines and of pipelines whose driver is gone
///
/// Settled: COMPLETED, FAILED or CONSENSUS_FAILED. Gone: nobody holds the
/// pipeline's lease (its driver died, or its backend failed under it).
/// Exit 0 when everything that had to go went; 69 when the token authority
/// did not answer for some (the next run tries again).
#[derive(Debug, clap::Args)]
#[command(after_long_help = EXAMPLES)]
pub(super) struct Args {}

pub(super) fn run(_args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let b = Backends::open(ctx)?;
    let seal = b.seal_key()?;
    let containment = crate::backends::containment(&b.settings)?;
    let env = b.pipeline_env(&seal, None, &containment);
    let collected = agov_pipeline::control::gc(&env)?;
    if ctx.json() {
        ctx.out.json(&collected)?;
    } else {
        if collected.is_empty() {
            ctx.hint("no live token of a settled or driverless pipeline");
        }
        for c in &collected {
            let what = match (c.revoked, c.forgotten) {
                (true, false) => "token revoked",
                (true, true) => "token revoked, keys deleted",
                (false, _) => "token NOT revoked (the token authority did not answer)",
            };
            ctx.out.line(&format!(
                "{} {}: {what} ({})",
                c.pipeline, c.status, c.reason
            ))?;
        }
    }
    let missed = collected.iter().filter(|c| !c.revoked).count();
    if missed > 0 {
        return Err(CliError::new(
            agov_core::FailureClass::Unavailable,
            format!("{missed} pipeline token(s) could not be revoked"),
        )
        .with_hint(
            "check Vault/OpenBao (`validate-phases --phase 2`) and run `pipeline gc` again",
        ));
    }
    Ok(())
}
