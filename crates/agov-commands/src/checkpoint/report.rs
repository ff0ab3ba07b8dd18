//! `checkpoint report`: where things stand right now.

use agov_cli::{CliError, Ctx};

use super::{collect, render};

/// Where things stand right now: workdir, bugs, STATUS.md files, runtime, latest events
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Do not sweep the STATUS.md files under the current directory
    #[arg(long)]
    no_sweep: bool,

    /// Also write a Markdown handoff report to this file (agents, their
    /// handoffs, bugs, directories, latest events; the facts as JSON at the end)
    #[arg(long, value_name = "FILE")]
    handoff: Option<std::path::PathBuf>,
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let (settings, ledger, snapshot) = collect::current(
        ctx,
        collect::Options {
            no_sweep: args.no_sweep,
        },
    )?;
    if let Some(path) = &args.handoff {
        let tenant = settings.tenant.value.clone();
        let rules = agov_governance::rules::TierRules::built_in();
        let agents = agov_agent::records::list(&ledger, &tenant, &rules.promotion)?;
        let handoffs = agov_agent::records::recent_handoffs(&ledger, &tenant, 10)?;
        let facts = super::handoff::Facts {
            snapshot: &snapshot,
            tenant: &tenant,
            head_seq: ledger.head()?.map_or(0, |(seq, _)| seq),
            agents: &agents,
            handoffs: &handoffs,
        };
        agov_core::fsutil::write_atomic(path, super::handoff::markdown(&facts).as_bytes(), 0o644)
            .map_err(|e| CliError::io(&format!("cannot write {}", path.display()), e))?;
        ctx.note(&format!("wrote the handoff report to {}", path.display()));
    }
    ctx.out.record(&snapshot, |out| {
        render::snapshot(out, &snapshot)?;
        if !snapshot.recent.is_empty() {
            out.line("latest events:")?;
            for item in &snapshot.recent {
                out.line(&format!("  #{} {}", item.seq, item.summary))?;
            }
        }
        Ok(())
    })
}
