//! What an ended pipeline leaves in the runtime store, and for how long:
//! its sealed token goes at once; its state, board, messages, conflicts,
//! gate decisions, revoke flag and owner record expire after the retention
//! (`Env::retention`, [`agov_runtime::RETENTION`] by default). A pipeline
//! that failed to reach consensus keeps its sealed token until the token
//! itself expires, for a fallback that reruns it. A pipeline that never
//! ended because its driver died, and that nobody drove for the retention,
//! is [`forget`]ten by `pipeline gc`.

use std::time::Duration;

use agov_runtime::keys::{Keyspace, pipeline_owner};

use crate::error::PipelineError;
use crate::orchestrator::Env;
use crate::state::{PipelineState, Status};

/// Gives everything pipeline `st` owns its time to live, now that it has
/// settled (a no-op while it has not). Idempotent: each settling save
/// calls it. The lease is left alone: it is a lock with its own short TTL.
pub fn settle(env: &Env<'_>, st: &PipelineState) -> Result<(), PipelineError> {
    if !st.status.is_settled() {
        return Ok(());
    }
    let k = Keyspace::new(&env.tenant);
    let id = st.id.as_str();
    let token = k.pipeline(id, "vault_token");
    let lease = k.pipeline(id, "lease");
    if st.status == Status::ConsensusFailed {
        // A fallback may rerun it with this token while the token lives.
        let left_us = (st.token.expires_us - agov_core::time::now_us()).max(1_000_000);
        env.store
            .expire(&token, Duration::from_micros(left_us as u64))?;
    } else {
        env.store.del(&token)?;
    }
    for key in owned_keys(env, &k, id)? {
        if key != token && key != lease {
            env.store.expire(&key, env.retention)?;
        }
    }
    Ok(())
}

/// True when pipeline `st` has not been written for the retention.
pub fn stale(env: &Env<'_>, st: &PipelineState) -> bool {
    agov_core::time::now_us() - st.updated_us >= env.retention.as_micros() as i64
}

/// Deletes every key of pipeline `id` now, its sealed token and lease
/// included: for a pipeline whose driver is gone and that nobody drove for
/// the retention. Its record stays in the ledger.
pub fn forget(env: &Env<'_>, id: &str) -> Result<(), PipelineError> {
    let k = Keyspace::new(&env.tenant);
    for key in owned_keys(env, &k, id)? {
        env.store.del(&key)?;
    }
    Ok(())
}

/// Every key pipeline `id` owns: its own, its board's, its messages', its
/// task's, its handoff and its owner record.
fn owned_keys(env: &Env<'_>, k: &Keyspace, id: &str) -> Result<Vec<String>, PipelineError> {
    let mut keys = Vec::new();
    for prefix in [
        k.pipeline(id, ""),
        k.blackboard(id, ""),
        k.messages(id, ""),
        k.task(id, ""),
    ] {
        keys.extend(env.store.scan(&prefix)?);
    }
    keys.push(k.handoff(id));
    keys.push(pipeline_owner(id));
    Ok(keys)
}
