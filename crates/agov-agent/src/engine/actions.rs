//! What an agent does during its run, each checked as it happens: phases,
//! heartbeats, steps, artifacts, errors against its budget, action
//! requests against its tier, and model calls against the rate limit.

use super::phase_span;
use super::*;
use agov_governance::Reason;
use agov_governance::escalation::{Action, Condition, Escalation};

impl Run<'_> {
    /// The agent enters `to`. An illegal move is a procedure violation;
    /// leaving EXECUTE without every deliverable, or reaching VERIFY without
    /// the required steps, revokes it.
    pub fn enter(&mut self, to: Phase) -> Result<(), AgentError> {
        self.ended()?;
        if to == Phase::Exit {
            self.phase_span = agov_trace::Span::none();
            return self.finish();
        }
        if let Err(v) = self.phase.check_move(to) {
            return self.violation(v);
        }
        if to == self.phase {
            return self.heartbeat(None);
        }
        if to == Phase::Verify {
            if let Some(missing) = self
                .packet
                .deliverables
                .iter()
                .find(|d| !self.artifacts.contains(d))
                .cloned()
            {
                self.phase = to;
                return self.end_revoked(
                    "missing_artifact",
                    "high",
                    &format!("EXECUTE ended without the deliverable `{missing}`"),
                );
            }
            if let Some(step) = self
                .packet
                .constraints
                .required_steps
                .iter()
                .find(|s| !self.steps.contains(s))
                .cloned()
            {
                let from = self.phase;
                self.phase = to;
                return self.record_violation(
                    "procedure",
                    &format!("{from} → {to} without the required step `{step}`"),
                );
            }
        }
        let from = self.phase;
        self.phase = to;
        // The span of the phase left ends before the next one starts.
        self.phase_span = agov_trace::Span::none();
        self.phase_span = phase_span(to);
        self.watch.progress(agov_core::time::now_us());
        self.remember(format!("entered {to}"));
        let event = self
            .event("agent.phase")
            .with("from", from.as_str())
            .with("to", to.as_str());
        let _in_phase = self.phase_span.enter();
        self.transition(event)
    }

    pub(super) fn violation(&mut self, v: Violation) -> Result<(), AgentError> {
        self.record_violation("procedure", &format!("procedure violation: {v}"))
    }

    fn record_violation(&mut self, kind: &str, detail: &str) -> Result<(), AgentError> {
        self.violations += 1;
        self.remember(detail.to_string());
        match self.budget.violation(&self.packet.error_budget) {
            Some(breach) => self.end_revoked(kind, "high", &format!("{detail} ({breach})")),
            None => {
                let rec = ViolationRecord {
                    agent: &self.packet.agent_id,
                    task: &self.packet.task_id,
                    run_id: &self.run_id,
                    kind,
                    severity: "medium",
                    phase: self.phase.as_str(),
                    detail,
                };
                Self::writer(self.gov).record_violation(self.ledger, &rec)
            }
        }
    }

    /// The agent is alive; `note` says how far along it is.
    pub fn heartbeat(&mut self, note: Option<&str>) -> Result<(), AgentError> {
        self.ended()?;
        let mut ops = self.state_ops("running");
        if let Some(n) = note {
            ops.push(Op::HSet {
                key: self.keys.agent(&self.packet.agent_id, "state"),
                field: "note".into(),
                value: n.as_bytes().to_vec(),
            });
        }
        let replies = self.gov.store.batch(ops)?;
        if lock_lost(&replies)? {
            return self.end_revoked("procedure", "high", "the execution lock was lost");
        }
        if let Some(Verdict::Revoke { reason }) = self.watch.tick(agov_core::time::now_us()) {
            return self.end_revoked("trigger", "high", &reason);
        }
        self.renew_token_when_due()
    }

    /// Renews the token at half its life (or as configured). If that fails,
    /// the run stops: no agent works without a live token.
    fn renew_token_when_due(&mut self) -> Result<(), AgentError> {
        let Some(t) = &self.token else { return Ok(()) };
        let every = self.gov.renew_every.unwrap_or(t.ttl / 2);
        if self.token_renewed.elapsed() < every {
            return Ok(());
        }
        match self.gov.tokens.renew(&t.token, t.ttl) {
            Ok(info) => {
                self.token_renewed = std::time::Instant::now();
                // What `pipeline dashboard` shows as the token's time left.
                let expires = agov_core::time::now_us() + info.ttl_secs as i64 * 1_000_000;
                let _ = self.gov.store.hset(
                    &self.keys.agent(&self.packet.agent_id, "state"),
                    "token_expires_us",
                    expires.to_string().as_bytes(),
                );
                let event = self
                    .event("agent.token_renew")
                    .with("ttl_secs", info.ttl_secs);
                self.ledger.append(&event)?;
                Ok(())
            }
            Err(e) => self.fail(&format!(
                "its token could not be renewed ({e}); it stops rather than run without one"
            )),
        }
    }

    /// The agent did a step.
    pub fn step(&mut self, name: &str) -> Result<(), AgentError> {
        self.ended()?;
        self.steps.push(name.to_string());
        self.last_step = Some(name.to_string());
        self.watch.progress(agov_core::time::now_us());
        self.remember(format!("step: {name}"));
        let event = self
            .event("agent.step")
            .with("step", name)
            .with("phase", self.phase.as_str());
        self.transition(event)
    }

    /// The agent produced an artifact.
    pub fn artifact(&mut self, name: &str, path: Option<&str>) -> Result<(), AgentError> {
        self.ended()?;
        if !self.artifacts.iter().any(|a| a == name) {
            self.artifacts.push(name.to_string());
        }
        self.watch.progress(agov_core::time::now_us());
        let event = self
            .event("agent.artifact")
            .with("name", name)
            .with("path", path.unwrap_or_default());
        self.transition(event)
    }

    /// The agent reports an error; `key` says which errors are the same one.
    pub fn error(&mut self, key: &str, message: &str) -> Result<(), AgentError> {
        self.ended()?;
        self.remember(format!("error: {message}"));
        let event = self
            .event("agent.error")
            .with("key", key)
            .with("message", message)
            .with("phase", self.phase.as_str());
        self.transition(event)?;
        if self.outcome.is_some() {
            return Ok(());
        }
        let breach = self.budget.error(key, &self.packet.error_budget);
        let mut happened = vec![Condition::Error];
        if self.budget.by_key.get(key).is_some_and(|n| *n > 1) {
            happened.push(Condition::SameError);
        }
        if self.budget.total_errors * 2 >= self.packet.error_budget.max_total_errors {
            happened.push(Condition::BudgetHalfSpent);
        }
        self.escalate(&happened, message)?;
        if let Some(breach) = breach {
            return self.end_revoked("budget", "high", &format!("error budget spent: {breach}"));
        }
        if let Some(Verdict::Revoke { reason }) = self.watch.error(agov_core::time::now_us()) {
            return self.end_revoked("trigger", "high", &reason);
        }
        Ok(())
    }

    /// Acts on the packet's escalation rules whose condition is among
    /// `happened` and that have not fired yet; each outcome is ledgered
    /// (`agent.escalation`).
    fn escalate(&mut self, happened: &[Condition], detail: &str) -> Result<(), AgentError> {
        let due: Vec<Escalation> = self
            .escalations
            .iter()
            .filter(|e| happened.contains(&e.when) && !self.fired.contains(&e.index))
            .cloned()
            .collect();
        for e in due {
            self.fired.push(e.index);
            let mut event = self
                .event("agent.escalation")
                .with("rule", e.text.as_str())
                .with("when", e.when.as_str())
                .with("then", e.then.as_str())
                .with("detail", detail)
                .with("phase", self.phase.as_str());
            match e.then {
                Action::Notify => {}
                Action::Handoff => {
                    let handoff = self.handoff(
                        false,
                        Reason {
                            kind: "escalation".into(),
                            details: format!("{}: {detail}", e.text),
                        },
                    );
                    self.store_handoff(&handoff);
                    event = event.with(
                        "handoff",
                        serde_json::to_value(&handoff).unwrap_or_default(),
                    );
                }
                Action::RequestTier => {
                    let next = Tier::from_number(self.tier.number() + 1);
                    event = event.with("requested_tier", next.map(|t| t.number()));
                }
            }
            self.transition(event)?;
            if self.outcome.is_some() {
                break;
            }
        }
        Ok(())
    }

    /// The agent asks to act. A packet-forbidden action revokes it; others
    /// are answered by the tier rules. Every request is ledgered.
    pub fn request(&mut self, action: &str) -> Result<Decision, AgentError> {
        self.ended()?;
        let span = self.phase_span.child("action");
        span.set_with("agov.action", || action.to_string());
        let _in_action = span.enter();
        let c = &self.packet.constraints;
        // Judged as the agent would run it: from its folder, with its PATH.
        let ctx = agov_governance::action::Context::new(
            self.work_dir
                .clone()
                .or_else(|| std::env::current_dir().ok())
                .unwrap_or_else(|| "/".into()),
            std::env::var_os("PATH"),
        );
        let decision = self.gov.rules.decide_in(
            &ctx,
            self.tier,
            action,
            &c.forbidden,
            &c.scope,
            &self.packet.agent_id,
            &self.packet.task_id,
        );
        // A T3/T4 action a person approved (exactly this one) goes ahead, once.
        let mut approved_by = None;
        let decision = match decision {
            Decision::NeedsApproval { digest, tier } => {
                let agent = self.packet.agent_id.clone();
                match Self::writer(self.gov).use_approval(
                    self.ledger,
                    &agent,
                    &digest,
                    &self.run_id,
                )? {
                    Some(by) => {
                        approved_by = Some(by);
                        Decision::Allow
                    }
                    None => Decision::NeedsApproval { digest, tier },
                }
            }
            other => other,
        };
        let (word, reason, digest) = match &decision {
            Decision::Allow => ("allow", String::new(), String::new()),
            Decision::NeedsApproval { digest, .. } => (
                "needs_approval",
                format!(
                    "a person must approve it: `pipeline agents approve {} {digest}`",
                    self.packet.agent_id
                ),
                digest.clone(),
            ),
            Decision::Deny { reason } => ("deny", reason.clone(), String::new()),
        };
        let mut event = self
            .event("agent.action")
            .with("action", action)
            .with("decision", word)
            .with("reason", reason.as_str())
            .with("tier", self.tier.number());
        span.set("agov.decision", word);
        if !digest.is_empty() {
            event = event.with("digest", digest.as_str());
        }
        if let Some(by) = &approved_by {
            event = event.with("approved_by", by.as_str());
        }
        self.transition(event)?;
        if let Decision::Deny { reason } = &decision {
            self.escalate(
                &[Condition::Denied],
                &format!("`{action}` refused: {reason}"),
            )?;
        }
        if let Decision::Deny { reason } = &decision
            && reason.starts_with("forbidden by the packet")
        {
            self.remember(format!("asked for forbidden action {action}"));
            self.end_revoked(
                "forbidden_action",
                "critical",
                &format!("requested `{action}`, {reason}"),
            )?;
        }
        self.count_call()?;
        Ok(decision)
    }

    /// One call of the agent's to the governor (an action request, a read):
    /// above [`MAX_CALLS_PER_MINUTE`](agov_governance::triggers::MAX_CALLS_PER_MINUTE)
    /// it is throttled (the answer waits [`THROTTLE`]; the first time is
    /// ledgered as `agent.throttled`), and revoked if it goes on at twice that.
    pub fn count_call(&mut self) -> Result<(), AgentError> {
        if self.outcome.is_some() {
            return Ok(());
        }
        match self.watch.call(agov_core::time::now_us()) {
            Some(Verdict::Revoke { reason }) => self.end_revoked("trigger", "high", &reason),
            Some(Verdict::RateLimit { calls }) => {
                if !self.throttled {
                    self.throttled = true;
                    let e = self
                        .event("agent.throttled")
                        .with("calls_per_minute", calls);
                    self.ledger.append(&e)?;
                }
                std::thread::sleep(THROTTLE);
                Ok(())
            }
            _ => {
                self.throttled = false;
                Ok(())
            }
        }
    }

    /// The agent called out (a model, an API): counted for the rate trigger
    /// and ledgered with what it cost, never with what was said.
    pub fn record_call(
        &mut self,
        model: &str,
        attempts: u64,
        tokens: Option<u64>,
    ) -> Result<(), AgentError> {
        self.ended()?;
        let event = self
            .event("agent.call")
            .with("model", model)
            .with("attempts", attempts)
            .with(
                "tokens",
                tokens.map_or(serde_json::Value::Null, serde_json::Value::from),
            )
            .with("phase", self.phase.as_str());
        self.transition(event)?;
        let now = agov_core::time::now_us();
        for _ in 0..attempts.max(1) {
            if let Some(Verdict::Revoke { reason }) = self.watch.call(now) {
                return self.end_revoked("trigger", "high", &reason);
            }
        }
        Ok(())
    }
}
