//! The lifecycle engine: one agent run, BOOTSTRAP to EXIT.

use std::collections::VecDeque;
use std::time::Duration;

use agov_core::Tier;
use agov_governance::phase::Violation;
use agov_governance::rules::TierRules;
use agov_governance::triggers::{Verdict, Watch};
use agov_governance::{BudgetState, Decision, Handoff, Packet, Phase};
use agov_ledger::{Ledger, NewEvent};
use agov_runtime::keys::Keyspace;
use agov_runtime::{Op, RuntimeStore};
use agov_tokens::{IssueRequest, IssuedToken, TokenAuthority};
use serde_json::json;

use crate::error::AgentError;
use crate::records::{RunEnd, ViolationRecord, Writer};

/// How long an execution lock lives unless refreshed: a run killed with
/// kill -9 frees its agent this long after its last transition.
pub const LOCK_TTL: Duration = Duration::from_secs(30);
/// How long a heartbeat key lives.
const HEARTBEAT_TTL: Duration = Duration::from_secs(120);
/// How long a throttled agent's answer waits: at most 200 answers a
/// minute, so an agent that slows down falls back under the limit and is
/// released, and one that keeps calling as fast as it is answered stays
/// above it and is revoked after a minute of throttling.
pub const THROTTLE: Duration = Duration::from_millis(300);
/// Most entries kept in a handoff's `tried`.
const MAX_TRIED: usize = 20;

/// What the governor works with.
pub struct Governor<'a> {
    /// Runtime state: locks, heartbeats, agent state, the revocation list.
    pub store: &'a dyn RuntimeStore,
    /// Tier tokens.
    pub tokens: &'a dyn TokenAuthority,
    /// Tier rules and promotion thresholds.
    pub rules: &'a TierRules,
    /// Tenant.
    pub tenant: String,
    /// Who runs the governor (`user:ana`), recorded in events.
    pub actor: String,
    /// Life of an execution lock between transitions ([`LOCK_TTL`]).
    pub lock_ttl: Duration,
    /// How long an ended run's packet, state and handoff are kept
    /// ([`agov_runtime::RETENTION`]).
    pub retention: Duration,
    /// How often a running agent's token is renewed (`None`: at half its TTL).
    pub renew_every: Option<Duration>,
    /// The highest tier the tenant may request (its quota).
    pub max_tier: Tier,
}

/// Where a run belongs when it is part of a pipeline.
#[derive(Default)]
pub struct Under<'p> {
    /// The pipeline's token: the agent's is issued under it.
    pub parent: Option<&'p agov_core::Secret>,
    /// The pipeline's id, put in the token's metadata. A pipeline's tier
    /// is a ceiling: its agent runs at the lower of it and what the agent
    /// earned…
    pub pipeline: Option<&'p str>,
    /// …unless an operator escalated the pipeline (`escalate_tier`): then
    /// its agents run at the pipeline's tier for its reruns.
    pub exceed_earned: bool,
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// EXIT was reached.
    Completed {
        /// The tier it was promoted to, if this run earned it.
        promoted: Option<Tier>,
    },
    /// It was revoked; the handoff says what it left.
    Revoked {
        /// Why.
        reason: String,
        /// For a CRITICAL violation, which revokes its whole pipeline.
        critical: bool,
        /// What it left.
        handoff: Box<Handoff>,
    },
    /// It stopped without finishing (its process died or failed).
    Failed {
        /// Why.
        reason: String,
        /// What it left.
        handoff: Box<Handoff>,
    },
}

/// The governor's side of one agent run.
pub struct Run<'a> {
    gov: &'a Governor<'a>,
    ledger: &'a mut Ledger,
    keys: Keyspace,
    /// The packet.
    pub packet: Packet,
    /// The tier it runs at.
    pub tier: Tier,
    /// This run's id.
    pub run_id: String,
    phase: Phase,
    budget: BudgetState,
    steps: Vec<String>,
    artifacts: Vec<String>,
    tried: VecDeque<String>,
    last_step: Option<String>,
    violations: u32,
    token: Option<IssuedToken>,
    token_renewed: std::time::Instant,
    pipeline: Option<String>,
    watch: Watch,
    throttled: bool,
    /// The folder the agent runs in, which its action requests are judged
    /// from (`None`: the governor's).
    pub work_dir: Option<std::path::PathBuf>,
    outcome: Option<Outcome>,
}

impl<'a> Run<'a> {
    /// BOOTSTRAP: refuses an agent on the revocation list or above its
    /// earned tier, stores the packet, takes the execution lock and obtains
    /// a token for `tier` (default: the packet's, else the earned tier).
    pub fn bootstrap(
        gov: &'a Governor<'a>,
        ledger: &'a mut Ledger,
        packet: Packet,
        tier: Option<Tier>,
    ) -> Result<Run<'a>, AgentError> {
        Run::bootstrap_under(gov, ledger, packet, tier, &Under::default())
    }

    /// [`Run::bootstrap`] for an agent of a pipeline: its token is issued
    /// under the pipeline's, so revoking the pipeline's token revokes it.
    pub fn bootstrap_under(
        gov: &'a Governor<'a>,
        ledger: &'a mut Ledger,
        packet: Packet,
        tier: Option<Tier>,
        under: &Under<'_>,
    ) -> Result<Run<'a>, AgentError> {
        let keys = Keyspace::new(&gov.tenant);
        let agent = packet.agent_id.clone();
        if let Some(entry) = gov.store.hget(&keys.revocations(), &agent)? {
            let reason = revocation_reason(&entry);
            return Err(AgentError::OnRevocationList { agent, reason });
        }
        let writer = Writer {
            tenant: &gov.tenant,
            actor: &gov.actor,
            promotion: &gov.rules.promotion,
        };
        let earned = writer.earned_tier(ledger, &agent)?;
        let asked = tier.or(packet.tier).unwrap_or(earned);
        let tier = if under.pipeline.is_some() && !under.exceed_earned {
            asked.min(earned)
        } else {
            asked
        };
        if tier > gov.max_tier {
            return Err(AgentError::AboveTenantQuota {
                tenant: gov.tenant.clone(),
                max: gov.max_tier.number(),
                asked: tier.number(),
            });
        }
        if tier > earned && !(under.pipeline.is_some() && under.exceed_earned) {
            return Err(AgentError::TierTooHigh {
                agent,
                earned: earned.number(),
                asked: tier.number(),
            });
        }
        let run_id = format!("r{}", agov_core::ids::random_hex::<6>());
        let lock = keys.agent(&agent, "lock");
        if !gov.store.lock_acquire(&lock, &run_id, gov.lock_ttl)? {
            let holder = gov.store.lock_owner(&lock)?.unwrap_or_else(|| "?".into());
            return Err(AgentError::LockHeld { agent, holder });
        }
        let mut req = IssueRequest::new(tier, format!("agent-{agent}"));
        req.ttl = Some(gov.rules.tier(tier).token_ttl);
        req.metadata.insert("agent_id".into(), agent.clone());
        req.metadata
            .insert("task_id".into(), packet.task_id.clone());
        req.metadata.insert("run_id".into(), run_id.clone());
        req.metadata.insert("tenant".into(), gov.tenant.clone());
        if let Some(p) = under.pipeline {
            req.metadata.insert("pipeline_id".into(), p.to_string());
        }
        req.parent = under.parent.cloned();
        let token = match gov.tokens.issue(&req) {
            Ok(t) => t,
            Err(e) => {
                let _ = gov.store.lock_release(&lock, &run_id);
                return Err(e.into());
            }
        };
        let now = agov_core::time::now_us();
        let mut run = Run {
            gov,
            ledger,
            keys,
            packet,
            tier,
            run_id,
            phase: Phase::Bootstrap,
            budget: BudgetState::default(),
            steps: Vec::new(),
            artifacts: Vec::new(),
            tried: VecDeque::new(),
            last_step: None,
            violations: 0,
            token: Some(token),
            token_renewed: std::time::Instant::now(),
            pipeline: under.pipeline.map(str::to_string),
            watch: Watch::new(now),
            throttled: false,
            work_dir: None,
            outcome: None,
        };
        let packet_json = serde_json::to_vec(&run.packet).unwrap_or_default();
        let mut ops = run.state_ops("running");
        ops.push(Op::Set {
            key: run.keys.agent(&agent, "packet"),
            value: packet_json,
            ttl: None,
        });
        if let Err(e) = run.gov.store.batch(ops) {
            run.abandon();
            return Err(e.into());
        }
        let accessor = run
            .token
            .as_ref()
            .map(|t| t.accessor.clone())
            .unwrap_or_default();
        let event = run
            .event("agent.bootstrap")
            .with("task", run.packet.task_id.as_str())
            .with("tier", tier.number())
            .with("token_accessor", accessor);
        let event = if tier < asked {
            event
                .with("ceiling", asked.number())
                .with("earned", earned.number())
        } else if under.exceed_earned && tier > earned {
            event
                .with("escalated", true)
                .with("earned", earned.number())
        } else {
            event
        };
        if let Err(e) = run.ledger.append(&event) {
            run.abandon();
            return Err(e.into());
        }
        Ok(run)
    }

    /// The agent's token (secret: hand it only to the agent).
    pub fn token(&self) -> Option<&IssuedToken> {
        self.token.as_ref()
    }

    /// The phase it is in.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// How the run ended, once it has.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }

    /// The budget used so far.
    pub fn budget(&self) -> &BudgetState {
        &self.budget
    }

    /// Ledgers something the agent did besides its lifecycle (a blackboard
    /// write, a message, a vote), built from [`Run::event`]. It counts as
    /// progress: the lock, heartbeat and state are refreshed with it.
    pub fn record(&mut self, event: NewEvent) -> Result<(), AgentError> {
        self.ended()?;
        self.watch.progress(agov_core::time::now_us());
        self.transition(event)
    }

    /// An event of this run (subject: the run id; agent: the agent).
    pub fn event(&self, action: &str) -> NewEvent {
        let mut e = NewEvent::new(&self.gov.tenant, &self.gov.actor, action).subject(&self.run_id);
        e.agent = Some(self.packet.agent_id.clone());
        e.pipeline = self.pipeline.clone();
        e
    }

    fn writer(gov: &'a Governor<'a>) -> Writer<'a> {
        Writer {
            tenant: &gov.tenant,
            actor: &gov.actor,
            promotion: &gov.rules.promotion,
        }
    }

    /// The writes every transition makes: refresh the lock, heartbeat, state.
    fn state_ops(&self, status: &str) -> Vec<Op> {
        let agent = &self.packet.agent_id;
        let state = self.keys.agent(agent, "state");
        let now = agov_core::time::now_us();
        let field = |f: &str, v: String| Op::HSet {
            key: state.clone(),
            field: f.into(),
            value: v.into_bytes(),
        };
        let mut ops = vec![
            Op::LockExtend {
                key: self.keys.agent(agent, "lock"),
                owner: self.run_id.clone(),
                ttl: self.gov.lock_ttl,
            },
            Op::Set {
                key: self.keys.agent(agent, "heartbeat"),
                value: now.to_string().into_bytes(),
                ttl: Some(HEARTBEAT_TTL),
            },
            field("phase", self.phase.as_str().into()),
            field("status", status.into()),
            field("updated_us", now.to_string()),
            field("errors", self.budget.total_errors.to_string()),
            field(
                "budget_remaining",
                serde_json::to_string(&self.budget.remaining(&self.packet.error_budget))
                    .unwrap_or_default(),
            ),
        ];
        if self.phase == Phase::Bootstrap && status == "running" {
            ops.extend([
                field("run_id", self.run_id.clone()),
                field("task", self.packet.task_id.clone()),
                field("tier", self.tier.number().to_string()),
                field("started_us", now.to_string()),
                field("pid", std::process::id().to_string()),
                field(
                    "token_accessor",
                    self.token
                        .as_ref()
                        .map(|t| t.accessor.clone())
                        .unwrap_or_default(),
                ),
                field(
                    "token_expires_us",
                    self.token
                        .as_ref()
                        .map_or(0, |t| now + t.ttl.as_micros() as i64)
                        .to_string(),
                ),
            ]);
        }
        ops
    }

    /// Heartbeats, refreshes the lock and writes the state in one round
    /// trip, then ledgers `event`. A lost lock stops the run.
    fn transition(&mut self, event: NewEvent) -> Result<(), AgentError> {
        let replies = self.gov.store.batch(self.state_ops("running"))?;
        if lock_lost(&replies)? {
            self.ledger.append(&event)?;
            self.end_revoked(
                "procedure",
                "high",
                "the execution lock was lost (another run took over after it expired)",
            )?;
            return Ok(());
        }
        self.ledger.append(&event)?;
        Ok(())
    }

    fn remember(&mut self, what: String) {
        if self.tried.len() == MAX_TRIED {
            self.tried.pop_front();
        }
        self.tried.push_back(what);
    }

    fn ended(&self) -> Result<(), AgentError> {
        match &self.outcome {
            Some(_) => Err(AgentError::BadInput("the run has ended".into())),
            None => Ok(()),
        }
    }

    /// The agent enters `to`. An illegal move is a procedure violation;
    /// leaving EXECUTE without every deliverable, or reaching VERIFY without
    /// the required steps, revokes it.
    pub fn enter(&mut self, to: Phase) -> Result<(), AgentError> {
        self.ended()?;
        if to == Phase::Exit {
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
        self.watch.progress(agov_core::time::now_us());
        self.remember(format!("entered {to}"));
        let event = self
            .event("agent.phase")
            .with("from", from.as_str())
            .with("to", to.as_str());
        self.transition(event)
    }

    fn violation(&mut self, v: Violation) -> Result<(), AgentError> {
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
        if let Some(breach) = self.budget.error(key, &self.packet.error_budget) {
            return self.end_revoked("budget", "high", &format!("error budget spent: {breach}"));
        }
        if let Some(Verdict::Revoke { reason }) = self.watch.error(agov_core::time::now_us()) {
            return self.end_revoked("trigger", "high", &reason);
        }
        Ok(())
    }

    /// The agent asks to act. A packet-forbidden action revokes it; others
    /// are answered by the tier rules. Every request is ledgered.
    pub fn request(&mut self, action: &str) -> Result<Decision, AgentError> {
        self.ended()?;
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
        if !digest.is_empty() {
            event = event.with("digest", digest.as_str());
        }
        if let Some(by) = &approved_by {
            event = event.with("approved_by", by.as_str());
        }
        self.transition(event)?;
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
        let handoff = self.handoff(Some(reason.to_string()));
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

    fn handoff(&self, reason: Option<String>) -> Handoff {
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
        Handoff {
            agent_id: self.packet.agent_id.clone(),
            task_id: self.packet.task_id.clone(),
            revocation_reason: reason.clone(),
            last_phase: self.phase,
            last_step: self.last_step.clone(),
            tried: self.tried.iter().cloned().collect(),
            blocking_issue: reason,
            next_actions,
            artifacts: self.artifacts.clone(),
            created: agov_core::time::format_us(agov_core::time::now_us()),
        }
    }

    fn store_handoff(&self, handoff: &Handoff) {
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
    fn abandon(&mut self) {
        if let Some(t) = self.token.take() {
            let _ = self.gov.tokens.revoke(&t.token);
        }
        let _ = self.gov.store.lock_release(
            &self.keys.agent(&self.packet.agent_id, "lock"),
            &self.run_id,
        );
    }

    fn end_revoked(&mut self, kind: &str, severity: &str, detail: &str) -> Result<(), AgentError> {
        let handoff = self.handoff(Some(detail.to_string()));
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

/// Whether a transition's batch found the lock held by someone else (its
/// first op is the lock refresh).
fn lock_lost(replies: &[agov_runtime::Reply]) -> Result<bool, AgentError> {
    Ok(match replies.first() {
        Some(r) => !r.clone().bool()?,
        None => false,
    })
}

/// The reason recorded in a revocation-list entry.
fn revocation_reason(entry: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(entry)
        .ok()
        .and_then(|v| v["reason"].as_str().map(str::to_string))
        .unwrap_or_else(|| "revoked".into())
}

impl Drop for Run<'_> {
    /// A run dropped before it ended (a bug, or an error from a backend)
    /// still gives up its token and lock.
    fn drop(&mut self) {
        if self.outcome.is_none() {
            self.abandon();
        }
    }
}
