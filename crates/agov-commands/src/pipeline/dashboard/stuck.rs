//! Stuck agents: a running agent whose governor has not refreshed its
//! state for longer than its pipeline's `gamma.stuck_after` (30 s by
//! default), the time after which the orchestrator calls an agent stuck and
//! sends GAMMA. A governor refreshes an agent's state at every protocol line
//! and every 5 s while the agent is quiet, so a stale one means the agent's
//! governor (or its machine) has stopped.

use agov_pipeline::PipelineState;
use agov_pipeline::state::SlotStatus;
use agov_runtime::RuntimeStore;
use agov_runtime::keys::Keyspace;

use crate::checkpoint::attention::Attention;

/// An alert for each stuck agent of the pipelines in `list` that have not
/// settled, as of `now_us`.
pub(crate) fn alerts(
    store: &dyn RuntimeStore,
    keys: &Keyspace,
    list: &[PipelineState],
    now_us: i64,
) -> Result<Vec<Attention>, agov_runtime::RuntimeError> {
    let mut out = Vec::new();
    for p in list.iter().filter(|p| !p.status.is_settled()) {
        let after = p.plan.stuck_after().as_micros() as i64;
        let seats = p
            .agents
            .iter()
            .map(|(r, s)| (r.as_str().to_string(), s))
            .chain(
                p.stages
                    .iter()
                    .map(|r| (format!("stage {}", r.name), &r.slot)),
            );
        for (role, slot) in seats {
            if slot.status != SlotStatus::Running || slot.agent_id.is_empty() {
                continue;
            }
            let Some(updated) = store
                .hget(&keys.agent(&slot.agent_id, "state"), "updated_us")?
                .and_then(|v| String::from_utf8_lossy(&v).parse::<i64>().ok())
            else {
                continue;
            };
            let quiet = now_us - updated;
            if quiet >= after {
                out.push(Attention {
                    kind: "stuck_agent",
                    subject: slot.agent_id.clone(),
                    what: format!(
                        "{} ({role} of {}) silent for {}",
                        slot.agent_id,
                        p.id,
                        super::ui::age(quiet / 1_000_000)
                    ),
                    command: Some(format!(
                        "pipeline agents revoke {} --reason stuck",
                        slot.agent_id
                    )),
                });
            }
        }
    }
    Ok(out)
}
