//! The lease on a pipeline: whoever holds it drives the pipeline, and
//! every write of its state is conditional on holding it.

use super::*;

/// The lease on one pipeline.
pub struct Lease {
    pub(super) key: String,
    pub(super) state_key: String,
    pub(super) owner: String,
}

impl Lease {
    /// Takes the lease of pipeline `id`, or says who holds it.
    pub fn take(env: &Env<'_>, k: &Keyspace, id: &str) -> Result<Lease, PipelineError> {
        let key = k.pipeline(id, "lease");
        let owner = format!(
            "pid {} on {} ({})",
            std::process::id(),
            hostname(),
            agov_core::ids::random_hex::<3>()
        );
        if env.store.lock_acquire(&key, &owner, env.lease_ttl)? {
            return Ok(Lease {
                key,
                state_key: k.pipeline(id, "state"),
                owner,
            });
        }
        let holder = env
            .store
            .lock_owner(&key)?
            .unwrap_or_else(|| "another process".into());
        Err(PipelineError::LeaseHeld {
            id: id.to_string(),
            holder,
        })
    }

    /// Gives it up.
    pub fn release(&self, env: &Env<'_>) {
        // A lapsed lease needs no release.
        let _ = env.store.lock_release(&self.key, &self.owner);
    }

    /// Who holds it.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// Writes the pipeline's state, only while this lease is held: a holder
    /// whose lease lapsed cannot overwrite its successor's work.
    pub fn save(&self, env: &Env<'_>, st: &mut PipelineState) -> Result<(), PipelineError> {
        st.updated_us = agov_core::time::now_us();
        let written = env
            .store
            .apply(Op::SetIfLocked {
                key: self.state_key.clone(),
                value: serde_json::to_vec(st).unwrap_or_default(),
                lock: self.key.clone(),
                owner: self.owner.clone(),
            })?
            .bool()?;
        if written {
            Ok(())
        } else {
            Err(PipelineError::LeaseLost(st.id.clone()))
        }
    }
}

pub(super) fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "localhost".into())
}
