//! The lease on a pipeline: whoever holds it drives the pipeline, and
//! every write of its state is conditional on holding it; a driver that
//! takes it over stops what its dead predecessor left running.

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

impl Book<'_, '_> {
    /// A driver died: stop what it left running and make it pending again.
    pub(super) fn recover_interrupted(
        &mut self,
        observe: &mut dyn FnMut(Progress<'_>),
    ) -> Result<(), PipelineError> {
        let k = keys(self.env);
        let mut seats: Vec<Seat> = self
            .state
            .agents
            .iter()
            .filter(|(_, s)| s.status == SlotStatus::Running)
            .map(|(r, _)| Seat::Role(*r))
            .collect();
        seats.extend(
            (0..self.state.stages.len())
                .filter(|&i| self.state.stages[i].slot.status == SlotStatus::Running)
                .map(Seat::Stage),
        );
        for seat in seats {
            let (role, stage) = self.who(seat);
            let Some(slot) = self.slot_mut(seat).map(|s| s.clone()) else {
                continue;
            };
            if let Some(pid) = slot
                .pid
                .and_then(|p| rustix::process::Pid::from_raw(p as i32))
            {
                // The group is gone if the agent died with its driver.
                let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
            }
            if let Some(run_id) = &slot.run_id {
                self.env
                    .store
                    .lock_release(&k.agent(&slot.agent_id, "lock"), run_id)?;
            }
            if let Some(acc) = &slot.token_accessor {
                let _ = self.env.tokens.revoke_accessor(acc);
            }
            let mut e = self
                .event("pipeline.agent_interrupted")
                .with("role", role.as_str())
                .with("agent", slot.agent_id.as_str())
                .with("run_id", slot.run_id.clone().unwrap_or_default());
            if let Some(name) = &stage {
                e = e.with("stage", name.as_str());
            }
            self.record(e)?;
            if let Some(s) = self.slot_mut(seat) {
                s.status = SlotStatus::Pending;
                s.pid = None;
                s.reason = Some("its driver died; run again".into());
            }
            observe(Progress::Agent {
                role,
                stage: stage.as_deref(),
                what: "interrupted with its driver; will run again",
            });
        }
        self.save()
    }
}
