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

mod actions;
mod end;

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
    /// The span of the phase it is in (empty when tracing is off).
    phase_span: agov_trace::Span,
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
    /// The packet's escalation rules the governor acts on, and which of
    /// them fired (each at most once a run).
    escalations: Vec<agov_governance::escalation::Escalation>,
    fired: Vec<usize>,
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
            phase_span: phase_span(Phase::Bootstrap),
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
            escalations: Vec::new(),
            fired: Vec::new(),
            work_dir: None,
            outcome: None,
        };
        let (escalations, unread) = agov_governance::escalation::read(&run.packet.escalation_rules);
        run.escalations = escalations;
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
        let event = if unread.is_empty() {
            event
        } else {
            // Kept in the packet for the agent; nothing here acts on them.
            event.with("escalation_rules_unread", unread)
        };
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
}

/// A span for the phase `p`, under the thread's current span (the agent's).
fn phase_span(p: Phase) -> agov_trace::Span {
    let span = agov_trace::Span::start_with(|| format!("phase {p}"));
    span.set("agov.phase", p.as_str());
    span
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
