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
        let owner = crate::driver::this_process();
        let take = || -> Result<Option<Lease>, PipelineError> {
            Ok(env
                .store
                .lock_acquire(&key, &owner, env.lease_ttl)?
                .then(|| Lease {
                    key: key.clone(),
                    state_key: k.pipeline(id, "state"),
                    owner: owner.clone(),
                }))
        };
        if let Some(lease) = take()? {
            return Ok(lease);
        }
        let mut holder = env.store.lock_owner(&key)?;
        // A driver of this host that died leaves its lease behind: taken
        // over at once (released only if that holder still has it).
        if let Some(dead) = holder.as_deref().filter(|h| crate::driver::holder_gone(h)) {
            env.store.lock_release(&key, dead)?;
            if let Some(lease) = take()? {
                return Ok(lease);
            }
            holder = env.store.lock_owner(&key)?;
        }
        let holder = holder.unwrap_or_else(|| "another process".into());
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
            bump_changes(env);
            // A settled pipeline's keys start to expire, its token goes.
            crate::retention::settle(env, st)
        } else {
            Err(PipelineError::LeaseLost(st.id.clone()))
        }
    }
}
