//! How a run ends: EXIT, failure or revocation; the handoff it leaves, and
//! the token and lock it gives up.

use super::*;
use agov_governance::{LastKnownState, Reason};

impl Run<'_> {
    /// EXIT: the run must have reached REPORT. Releases the lock, revokes
    /// the token and records the run (which may promote the agent).
    pub fn finish(&mut self) -> Result<(), AgentError> {
        self.ended()?;
        // A revocation that landed while it wrapped up wins: no completed
        // run, no promotion credit.
        self.check_revocation_list()?;
        if self.outcome.is_some() {
            return Ok(());
        }
        if let Err(v) = self.phase.check_move(Phase::Exit) {
            self.violation(v)?;
            if self.outcome.is_some() {
                return Ok(());
            }
        }
        let from = self.phase;
        self.phase = Phase::Exit;
        let event = self.event("agent.exit").with("from", from.as_str());
        self.transition(event)?;
        if self.outcome.is_some() {
            return Ok(());
        }
        self.release("completed")?;
        let end = if self.violations == 0 {
            RunEnd::Compliant
        } else {
            RunEnd::Completed
        };
        let (agent, run_id, errors) = (
            self.packet.agent_id.clone(),
            self.run_id.clone(),
            self.budget.total_errors,
        );
        let (_, promoted) =
            Self::writer(self.gov).record_run(self.ledger, &agent, &run_id, end, errors, None)?;
        self.outcome = Some(Outcome::Completed { promoted });
        Ok(())
    }

    /// Ends the run as failed (the agent process stopped before EXIT):
    /// no revocation, but a handoff and a broken streak.
    pub fn fail(&mut self, reason: &str) -> Result<(), AgentError> {
        self.ended()?;
        self.remember(reason.to_string());
        let handoff = self.handoff(
            false,
            Reason {
                kind: "failure".into(),
                details: reason.to_string(),
            },
        );
        self.release("failed")?;
        self.store_handoff(&handoff);
        let (agent, run_id, errors) = (
            self.packet.agent_id.clone(),
            self.run_id.clone(),
            self.budget.total_errors,
        );
        Self::writer(self.gov).record_run(
            self.ledger,
            &agent,
            &run_id,
            RunEnd::Failed,
            errors,
            Some((&self.packet.task_id, &handoff)),
        )?;
        self.ledger.append(
            &self
                .event("agent.fail")
                .with("reason", reason)
                .with("phase", self.phase.as_str()),
        )?;
        self.outcome = Some(Outcome::Failed {
            reason: reason.to_string(),
            handoff: Box::new(handoff),
        });
        Ok(())
    }

    /// Ends the run if an operator put the agent on the revocation list
    /// while it ran (`pipeline agents revoke`).
    pub fn check_revocation_list(&mut self) -> Result<(), AgentError> {
        self.ended()?;
        if let Some(entry) = self
            .gov
            .store
            .hget(&self.keys.revocations(), &self.packet.agent_id)?
        {
            let reason = revocation_reason(&entry);
            return self.end_revoked(
                "trigger",
                "high",
                &format!("revoked while running: {reason}"),
            );
        }
        Ok(())
    }

    /// Revokes the agent by hand or for a trigger outside the run.
    pub fn revoke(&mut self, reason: &str) -> Result<(), AgentError> {
        self.ended()?;
        self.end_revoked("trigger", "high", reason)
    }

    /// The handoff for the next agent: where this one stopped and why
    /// (`revoked`, or it failed), and the bounds it worked in.
    pub(super) fn handoff(&self, revoked: bool, reason: Reason) -> Handoff {
        let next_phase = self.phase.next().unwrap_or(Phase::Exit);
        let mut next_actions = vec![format!(
            "resume from {} (the last phase reached)",
            self.phase
        )];
        let missing: Vec<&String> = self
            .packet
            .deliverables
            .iter()
            .filter(|d| !self.artifacts.contains(d))
            .collect();
        if !missing.is_empty() {
            next_actions.push(format!(
                "produce {}",
                missing
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        next_actions.push(format!("then go on to {next_phase}"));
        let c = &self.packet.constraints;
        let constraints_reminder = c
            .scope
            .iter()
            .map(|s| format!("scope: {s}"))
            .chain(c.forbidden.iter().map(|f| format!("forbidden: {f}")))
            .chain(
                c.required_steps
                    .iter()
                    .map(|s| format!("required step: {s}")),
            )
            .chain(
                self.packet
                    .deliverables
                    .iter()
                    .map(|d| format!("deliverable: {d}")),
            )
            .collect();
        Handoff {
            task_id: self.packet.task_id.clone(),
            previous_agent_id: self.packet.agent_id.clone(),
            revoked,
            blocking_issue: Some(reason.details.clone()),
            revocation_reason: Some(reason),
            last_known_state: LastKnownState {
                phase: self.phase,
                step: self.last_step.clone(),
            },
            what_was_tried: self.tried.iter().cloned().collect(),
            required_next_actions: next_actions,
            constraints_reminder,
            artifacts: self.artifacts.clone(),
            created: agov_core::time::format_us(agov_core::time::now_us()),
        }
    }

    pub(super) fn store_handoff(&self, handoff: &Handoff) {
        let key = self.keys.handoff(&self.packet.task_id);
        // The durable copy is in the governance database; the runtime copy
        // is for agents that read the blackboard, so a failure here is not fatal.
        let _ = self.gov.store.set(
            &key,
            &serde_json::to_vec(handoff).unwrap_or_default(),
            Some(self.gov.retention),
        );
    }

    /// Releases the lock and revokes the token (both idempotent), and
    /// writes the final state.
    fn release(&mut self, status: &str) -> Result<(), AgentError> {
        if let Some(t) = self.token.take() {
            self.gov.tokens.revoke(&t.token)?;
        }
        let mut ops = self.state_ops(status);
        ops.remove(0); // no lock refresh: it is being released
        ops.push(Op::LockRelease {
            key: self.keys.agent(&self.packet.agent_id, "lock"),
            owner: self.run_id.clone(),
        });
        // The run has ended: what it leaves expires after the retention.
        for part in ["state", "packet"] {
            ops.push(Op::Expire {
                key: self.keys.agent(&self.packet.agent_id, part),
                ttl: self.gov.retention,
            });
        }
        self.gov.store.batch(ops)?;
        Ok(())
    }

    /// Cleans up after a BOOTSTRAP that could not complete.
    pub(super) fn abandon(&mut self) {
        if let Some(t) = self.token.take() {
            let _ = self.gov.tokens.revoke(&t.token);
        }
        let _ = self.gov.store.lock_release(
            &self.keys.agent(&self.packet.agent_id, "lock"),
            &self.run_id,
        );
    }

    pub(super) fn end_revoked(
        &mut self,
        kind: &str,
        severity: &str,
        detail: &str,
    ) -> Result<(), AgentError> {
        let handoff = self.handoff(
            true,
            Reason {
                kind: kind.to_string(),
                details: detail.to_string(),
            },
        );
        // Fail closed: the token goes first, so nothing can act on it while
        // the rest is written.
        self.release("revoked")?;
        self.gov.store.hset(
            &self.keys.revocations(),
            &self.packet.agent_id,
            json!({
                "reason": detail,
                "run_id": self.run_id,
                "task": self.packet.task_id,
                "at": agov_core::time::format_us(agov_core::time::now_us()),
            })
            .to_string()
            .as_bytes(),
        )?;
        self.store_handoff(&handoff);
        let rec = ViolationRecord {
            agent: &self.packet.agent_id,
            task: &self.packet.task_id,
            run_id: &self.run_id,
            kind,
            severity,
            phase: self.phase.as_str(),
            detail,
        };
        Self::writer(self.gov).record_revocation(
            self.ledger,
            &rec,
            &handoff,
            self.budget.total_errors,
        )?;
        self.outcome = Some(Outcome::Revoked {
            reason: detail.to_string(),
            critical: severity == "critical",
            handoff: Box::new(handoff),
        });
        Ok(())
    }
}
