//! REPORT and ORCHESTRATING: the orchestrator's note of how the agents
//! ended, the tally of the votes (GAMMA to mediate or validate it), and the
//! board's `final` record of how the round ended.

use super::*;

impl Book<'_, '_> {
    /// REPORT: the orchestrator's note of how each agent ended.
    pub(super) fn report(&mut self, board: &Board<'_>) -> Result<(), PipelineError> {
        let agents: serde_json::Map<String, serde_json::Value> = self
            .state
            .agents
            .iter()
            .map(|(r, s)| {
                (
                    r.as_str().to_string(),
                    json!({"status": s.status.as_str(), "reason": s.reason}),
                )
            })
            .collect();
        board.post(&Entry {
            section: "progress".into(),
            by: Role::Gamma,
            round: self.state.round,
            n: 0,
            at_us: agov_core::time::now_us(),
            content: json!({"orchestrator": "agents ended", "agents": agents}),
        })
    }

    /// ORCHESTRATING: counts the votes; spawns GAMMA to mediate a missing
    /// consensus or to validate one, when the plan has it; settles.
    pub(super) fn orchestrate(
        &mut self,
        board: &Board<'_>,
        observe: &mut dyn FnMut(Progress<'_>),
    ) -> Result<(), PipelineError> {
        if !self.state.stages.is_empty() && self.state.gamma.is_none() {
            let (mut completed, mut skipped, mut failed) = (0u32, 0u32, Vec::new());
            for r in &self.state.stages {
                match r.slot.status.outcome() {
                    Some(stage::Outcome::Completed) => completed += 1,
                    Some(stage::Outcome::Skipped) => skipped += 1,
                    _ => failed.push(match &r.slot.reason {
                        Some(why) => format!("{} ({why})", r.name),
                        None => format!("{} ({})", r.name, r.slot.status.as_str()),
                    }),
                }
            }
            let e = self
                .event("pipeline.stages")
                .with("completed", completed)
                .with("skipped", skipped)
                .with("failed", failed.clone());
            self.record(e)?;
            if !failed.is_empty() {
                let word = if failed.len() == 1 { "stage" } else { "stages" };
                return self.fail(&format!("{word} failed: {}", failed.join("; ")), observe);
            }
            if self.state.required_voters().is_empty() {
                let reason =
                    format!("every stage ended well: {completed} completed, {skipped} skipped");
                let e = self
                    .event("pipeline.consensus")
                    .with("reached", true)
                    .with("basis", "stages")
                    .with("reason", reason.as_str());
                self.record(e)?;
                return self.transition(Status::Completed, Some(reason), observe);
            }
        }
        // An agent that never ran (its command did not start, or it never
        // spoke the protocol) is a mistake to fix, not a disagreement.
        let never: Vec<String> = self
            .state
            .agents
            .iter()
            .filter(|(_, s)| {
                s.status == SlotStatus::Failed && s.phase.as_deref() == Some("BOOTSTRAP")
            })
            .map(|(r, s)| format!("{r}: {}", s.reason.as_deref().unwrap_or("it failed")))
            .collect();
        if !never.is_empty() {
            let reason = format!("agents that never ran ({})", never.join("; "));
            let e = self
                .event("pipeline.consensus")
                .with("reached", false)
                .with("basis", "agents that never ran")
                .with("reason", reason.as_str());
            self.record(e)?;
            self.state.failure = Some(reason.clone());
            self.post_final(board, Status::Failed, &reason, None)?;
            return self.transition(Status::Failed, Some(reason), observe);
        }
        let votes = board.votes(self.state.round)?;
        let t = tally(self.state.round, &self.state.required_voters(), &votes);
        let e = self
            .event("pipeline.tally")
            .with("reached", t.reached)
            .with("accepts", t.accepts)
            .with("rejects", t.rejects)
            .with("abstains", t.abstains)
            .with("reason", t.reason.as_str());
        self.record(e)?;
        observe(Progress::Tally(&t));
        self.state.tally = Some(t.clone());
        let plan = &self.state.plan;
        if self.state.gamma.is_none() && plan.agents.contains_key(&Role::Gamma) {
            let why = if !t.reached {
                Some(format!("no consensus ({})", t.reason))
            } else if plan.gamma.validate_success {
                Some("to validate the consensus".to_string())
            } else {
                None
            };
            if let Some(why) = why {
                self.spawn_gamma(&why, observe)?;
                // The loop runs GAMMA (now pending) and counts again.
                return self.save();
            }
        }
        let e = self
            .event("pipeline.consensus")
            .with("reached", t.reached)
            .with("accepts", t.accepts)
            .with("rejects", t.rejects)
            .with("abstains", t.abstains)
            .with(
                "missing",
                t.missing.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
            )
            .with(
                "rejected_by",
                t.rejected_by.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
            )
            .with("reason", t.reason.as_str());
        self.record(e)?;
        let proposals: Vec<String> = board
            .entries("solutions")?
            .iter()
            .filter(|p| p.round == self.state.round)
            .map(Entry::id)
            .collect();
        let best = crate::consensus::best_proposal(&proposals, &votes);
        if t.reached {
            self.post_final(board, Status::Completed, &t.reason, best)?;
            self.transition(Status::Completed, Some(t.reason.clone()), observe)
        } else {
            self.state.failure = Some(t.reason.clone());
            self.post_final(board, Status::ConsensusFailed, &t.reason, best)?;
            self.transition(Status::ConsensusFailed, Some(t.reason.clone()), observe)
        }
    }

    /// The blackboard's `final` record of how the round ended: the outcome,
    /// why, the tally, and the best-supported proposal.
    fn post_final(
        &self,
        board: &Board<'_>,
        outcome: Status,
        reason: &str,
        best: Option<(String, u32)>,
    ) -> Result<(), PipelineError> {
        board.post(&Entry {
            section: "final".into(),
            by: Role::Gamma,
            round: self.state.round,
            n: 1,
            at_us: agov_core::time::now_us(),
            content: json!({
                "orchestrator": "final",
                "outcome": outcome.as_str(),
                "reason": reason,
                "tally": self.state.tally,
                "proposal": best.as_ref().map(|(p, _)| p),
                "proposal_accepts": best.as_ref().map(|(_, n)| n),
            }),
        })
    }
}
