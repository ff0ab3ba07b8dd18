//! The orchestrator: the `pipeline` process that drives one pipeline while
//! it holds the pipeline's lease.
//!
//! SPAWN → RUNNING (ALPHA and BETA in parallel, GAMMA when a trigger fires)
//! → REPORT → ORCHESTRATING (the tally; GAMMA to mediate or validate) →
//! COMPLETED, CONSENSUS_FAILED or FAILED. Every change of the state is
//! written with [`agov_runtime::Op::SetIfLocked`], so a process whose lease
//! lapsed cannot overwrite its successor's work. A process that takes over
//! ([`drive`] on a pipeline whose driver died) stops the agents the dead
//! driver left running, revokes their tokens, releases their locks and runs
//! them again; finished agents are not run again, and the board's keys make
//! a rerun agent's writes replace its earlier ones.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use agov_agent::command::{CommandSpec, Note};
use agov_agent::{AgentError, Governor, Outcome, Run, Under};
use agov_core::{Secret, Tier};
use agov_governance::Packet;
use agov_governance::rules::TierRules;
use agov_ledger::{Ledger, NewEvent};
use agov_runtime::keys::Keyspace;
use agov_runtime::{Op, RuntimeStore};
use agov_tokens::{IssueRequest, TokenAuthority};
use serde_json::json;

use crate::board::{AgentDesk, Board, Entry, Signals};
use crate::consensus::{Tally, tally};
use crate::error::PipelineError;
use crate::plan::{AgentSpec, Driver, Plan, Role};
use crate::sealed::SealKey;

mod agent;
mod lease;
mod rounds;
mod settle;
mod stages;

use crate::stage::{self, StageKind};
use crate::state::{
    self, GammaSpawn, PipelineState, Slot, SlotStatus, StageRun, Status, TokenState,
};
use agent::*;
pub use lease::Lease;

/// The pipeline token's life.
pub const TOKEN_TTL: Duration = Duration::from_secs(2 * 3600);
/// How often a running pipeline renews its token.
pub const TOKEN_RENEW_EVERY: Duration = Duration::from_secs(30 * 60);
/// How long a lease lives unless extended: a driver killed with kill -9
/// can be taken over this long after its last extension.
pub const LEASE_TTL: Duration = Duration::from_secs(15);
/// How often the driver wakes up when nothing happens.
const TICK: Duration = Duration::from_millis(100);
/// How often the driver looks for a revocation.
const REVOCATION_POLL: Duration = Duration::from_millis(250);

/// What the orchestrator works with.
pub struct Env<'a> {
    /// Runtime state: pipeline state, lease, board, agents.
    pub store: &'a dyn RuntimeStore,
    /// Tokens: the pipeline's, and its agents' under it.
    pub tokens: &'a dyn TokenAuthority,
    /// Tier rules.
    pub rules: &'a TierRules,
    /// The ledger (each agent opens its own connection).
    pub ledger_path: PathBuf,
    /// Tenant.
    pub tenant: String,
    /// Who drives (`user:ana`), recorded in events.
    pub actor: String,
    /// Life of an agent's execution lock.
    pub lock_ttl: Duration,
    /// Life of the pipeline's lease ([`LEASE_TTL`]).
    pub lease_ttl: Duration,
    /// How often the pipeline token is renewed ([`TOKEN_RENEW_EVERY`]).
    pub renew_every: Duration,
    /// How long an ended pipeline's keys are kept ([`agov_runtime::RETENTION`]).
    pub retention: Duration,
    /// Seals the pipeline token at rest.
    pub seal: &'a SealKey,
    /// Where packets of command agents are written (`{data}/pipelines`).
    pub runs_dir: PathBuf,
    /// The model settings, for agents with the llm driver.
    pub llm: Option<agov_llm::LlmSettings>,
    /// How command agents are confined (the kernel sandbox).
    pub containment: &'a agov_agent::contain::Containment,
}

/// What happens, for a progress display.
#[derive(Debug)]
pub enum Progress<'p> {
    /// The pipeline changed status.
    Status {
        /// Now.
        status: Status,
        /// Why.
        note: Option<&'p str>,
    },
    /// An agent (or a stage) did something worth a line.
    Agent {
        /// Its role.
        role: Role,
        /// Its stage, in a staged pipeline.
        stage: Option<&'p str>,
        /// What (`started`, `EXECUTE`, `completed`, `revoked: …`).
        what: &'p str,
    },
    /// An agent logged a line.
    Log {
        /// Its role.
        role: Role,
        /// Its stage, in a staged pipeline.
        stage: Option<&'p str>,
        /// Its level.
        level: &'p str,
        /// The text.
        message: &'p str,
    },
    /// GAMMA is spawned.
    Gamma {
        /// Why.
        reason: &'p str,
    },
    /// The votes were counted.
    Tally(&'p Tally),
}

/// Counts a change of some pipeline's state (`changes:pipelines`) and
/// publishes it on the channel of the same name, so that `pipeline
/// dashboard` on Redis redraws at once (or, where it cannot subscribe, at
/// its next look at the counter) without re-reading every pipeline. Best
/// effort: a watcher also refreshes now and then.
pub(crate) fn bump_changes(env: &Env<'_>) {
    let key = keys(env).changes();
    if let Ok(n) = env
        .store
        .incr(&key, 1, Some(env.retention.max(Duration::from_secs(3600))))
    {
        let _ = env.store.publish(&key, n.to_string().as_bytes());
    }
}

fn keys(env: &Env<'_>) -> Keyspace {
    Keyspace::new(&env.tenant)
}

/// An event about pipeline `id` (subject and pipeline: the id).
pub(crate) fn event(env: &Env<'_>, id: &str, action: &str) -> NewEvent {
    let mut e = NewEvent::new(&env.tenant, &env.actor, action).subject(id);
    e.pipeline = Some(id.to_string());
    e
}

/// Issues a pipeline's token (delegating, [`TOKEN_TTL`]) and stores it
/// sealed at `pipeline:{id}:vault_token`; returns it.
pub(crate) fn issue_token(
    env: &Env<'_>,
    id: &str,
    tier: Tier,
) -> Result<agov_tokens::IssuedToken, PipelineError> {
    let mut req = IssueRequest::new(tier, format!("pipeline-{id}"));
    req.ttl = Some(TOKEN_TTL);
    req.delegate = true;
    req.metadata.insert("pipeline_id".into(), id.to_string());
    req.metadata.insert("tenant".into(), env.tenant.clone());
    let token = env.tokens.issue(&req)?;
    let stored = env.store.set(
        &keys(env).pipeline(id, "vault_token"),
        &env.seal.seal(id, &token.token),
        None,
    );
    if let Err(e) = stored {
        let _ = env.tokens.revoke(&token.token);
        return Err(e.into());
    }
    Ok(token)
}

/// SPAWN: creates a pipeline for `plan` at `tier`, issues its token (a
/// delegating token, sealed at rest) and records it. Nothing runs yet.
pub fn create(
    env: &Env<'_>,
    ledger: &mut Ledger,
    plan: Plan,
    tier: Tier,
    objective: Option<String>,
    timeout: Option<Duration>,
    work_dir: PathBuf,
) -> Result<PipelineState, PipelineError> {
    let mut agents = std::collections::BTreeMap::new();
    for role in plan.agents.keys() {
        let t = plan.agent_tier(*role, tier)?;
        agents.insert(*role, Slot::pending(plan.agent_id(*role), t.number()));
    }
    let mut stages = Vec::with_capacity(plan.stages.len());
    for s in &plan.stages {
        let (agent_id, t) = match s.kind {
            StageKind::Agent => (plan.stage_agent_id(s), plan.stage_tier(s, tier)?),
            StageKind::HumanGate => (String::new(), tier),
        };
        stages.push(StageRun {
            name: s.name.clone(),
            slot: Slot::pending(agent_id, t.number()),
            retry_at_us: None,
            gate: None,
        });
    }
    let id = format!("p-{}", agov_core::ids::random_hex::<5>());
    let token = issue_token(env, &id, tier)?;
    let now = agov_core::time::now_us();
    let timeout = timeout.unwrap_or_else(|| plan.timeout());
    let mut st = PipelineState {
        id: id.clone(),
        tenant: env.tenant.clone(),
        plan_digest: plan.digest(),
        objective: objective.unwrap_or_else(|| plan.objective.clone()),
        plan,
        tier: tier.number(),
        status: Status::Spawn,
        round: 1,
        spawned_by: env.actor.clone(),
        created_us: now,
        updated_us: now,
        deadline_us: now + timeout.as_micros() as i64,
        work_dir,
        agents,
        stages,
        gamma: None,
        token: TokenState {
            accessor: token.accessor.clone(),
            backend: env.tokens.backend().into(),
            expires_us: now + token.ttl.as_micros() as i64,
            renewals: 0,
            renewed_us: None,
            revoked_us: None,
        },
        tally: None,
        failure: None,
        previous_attempt: None,
        accepted_by: None,
        accepted_proposal: None,
        revoked_by: None,
        fallbacks: Vec::new(),
        history: Vec::new(),
        drivers: 0,
        complexity: 0.0,
    };
    st.set_status(Status::Spawn, None);
    let k = keys(env);
    let result = (|| -> Result<(), PipelineError> {
        env.store.set_nx(
            &k.pipeline(&id, "state"),
            &serde_json::to_vec(&st).unwrap_or_default(),
            None,
        )?;
        env.store.set(
            &agov_runtime::keys::pipeline_owner(&id),
            env.tenant.as_bytes(),
            None,
        )?;
        let e = event(env, &id, "pipeline.spawn")
            .with("plan", st.plan.name.as_str())
            .with("plan_digest", st.plan_digest.as_str())
            .with("tier", tier.number())
            .with("objective", st.objective.as_str())
            .with("token_accessor", token.accessor.as_str());
        ledger.append(&e)?;
        bump_changes(env);
        Ok(())
    })();
    if let Err(e) = result {
        let _ = env.tokens.revoke(&token.token);
        let _ = env.store.del(&k.pipeline(&id, "state"));
        let _ = env.store.del(&k.pipeline(&id, "vault_token"));
        let _ = env.store.del(&agov_runtime::keys::pipeline_owner(&id));
        return Err(e);
    }
    Ok(st)
}

/// Drives pipeline `id` until it settles (COMPLETED, FAILED or
/// CONSENSUS_FAILED), holding its lease; takes over from a driver that died.
pub fn drive(
    env: &Env<'_>,
    id: &str,
    observe: &mut dyn FnMut(Progress<'_>),
) -> Result<PipelineState, PipelineError> {
    let k = keys(env);
    let st = state::load(env.store, &k, id)?;
    if st.status.is_settled() {
        return Ok(st);
    }
    let lease = Lease::take(env, &k, id)?;
    let accessor = st.token.accessor.clone();
    let span = agov_trace::Span::start("pipeline.drive");
    span.set_with("agov.pipeline.id", || id.to_string());
    span.set_with("agov.driver", || lease.owner().to_string());
    let entered = span.enter();
    let result = (|| {
        let st = state::load(env.store, &k, id)?;
        let ledger = Ledger::open(&env.ledger_path, true)?;
        let mut book = Book {
            env,
            id: id.to_string(),
            state: st,
            ledger,
            lease: &lease,
            trace: &span,
            last_extend: Instant::now(),
            last_renew: Instant::now(),
            dirty: false,
        };
        book.run(observe)?;
        Ok(book.state)
    })();
    lease.release(env);
    match &result {
        Ok(st) => span.set("agov.pipeline.status", st.status.as_str()),
        Err(e) => {
            span.fail(e);
            revoke_after_failure(env, id, &accessor, &format!("its driver failed: {e}"));
        }
    }
    drop(entered);
    result
}

/// No live credentials after a failure: revokes the pipeline's token (and
/// with it every agent token issued under it) as soon as the token
/// authority answers, and says so in the ledger. A `pipeline continue`
/// later issues a fresh token ([`Book::ensure_token`]); where the authority
/// does not answer now, `pipeline gc` revokes it later.
pub fn revoke_after_failure(env: &Env<'_>, id: &str, accessor: &str, reason: &str) -> bool {
    match env.tokens.revoke_accessor(accessor) {
        Ok(()) | Err(agov_tokens::TokenError::Invalid) => {
            if let Ok(mut ledger) = Ledger::open(&env.ledger_path, true) {
                let _ = ledger.append(
                    &event(env, id, "pipeline.token_revoked")
                        .with("reason", reason)
                        .with("token_accessor", accessor),
                );
            }
            true
        }
        Err(_) => false,
    }
}

/// Whose agent: a role's, or a stage's (by its index in the plan).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Seat {
    Role(Role),
    Stage(usize),
}

/// What an agent thread tells the driver.
enum FromAgent {
    Started {
        seat: Seat,
        run_id: String,
        accessor: String,
        /// The tier it runs at (the lower of the pipeline's and its earned).
        tier: u8,
    },
    Pid(Seat, u32),
    Phase(Seat, String),
    Progress(Seat),
    Log(Seat, String, String),
    Ended(Seat, SlotStatus, Option<String>),
}

/// One agent to run.
#[derive(Clone)]
struct Job {
    seat: Seat,
    /// Its folder and packet's name: the role, or `stage-{name}`.
    label: String,
    role: Role,
    spec: AgentSpec,
    packet: Packet,
    tier: Tier,
    round: u32,
    roles: Vec<Role>,
    objective: String,
    work_dir: PathBuf,
    /// An operator escalated the pipeline: its agents may run above what
    /// they earned.
    escalated: bool,
}

/// The driver's mutable side.
struct Book<'e, 'a> {
    env: &'e Env<'a>,
    id: String,
    state: PipelineState,
    ledger: Ledger,
    lease: &'e Lease,
    /// The span of this drive, which the agents' spans are under.
    trace: &'e agov_trace::Span,
    last_extend: Instant,
    last_renew: Instant,
    dirty: bool,
}

impl Book<'_, '_> {
    fn slot_mut(&mut self, seat: Seat) -> Option<&mut Slot> {
        match seat {
            Seat::Role(r) => self.state.agents.get_mut(&r),
            Seat::Stage(i) => self.state.stages.get_mut(i).map(|s| &mut s.slot),
        }
    }

    /// The role and, for a stage, its name, for progress.
    fn who(&self, seat: Seat) -> (Role, Option<String>) {
        match seat {
            Seat::Role(r) => (r, None),
            Seat::Stage(i) => match self.state.plan.stages.get(i) {
                Some(s) => (s.role(), Some(s.name.clone())),
                None => (Role::Alpha, None),
            },
        }
    }

    fn record(&mut self, e: NewEvent) -> Result<(), PipelineError> {
        self.ledger.append(&e)?;
        Ok(())
    }

    fn event(&self, action: &str) -> NewEvent {
        event(self.env, &self.id, action).with("round", self.state.round)
    }

    /// Writes the state, if this process still holds the lease.
    fn save(&mut self) -> Result<(), PipelineError> {
        self.lease.save(self.env, &mut self.state)?;
        self.dirty = false;
        self.last_extend_if_needed()
    }

    fn last_extend_if_needed(&mut self) -> Result<(), PipelineError> {
        if self.last_extend.elapsed() < self.env.lease_ttl / 3 {
            return Ok(());
        }
        if !self
            .env
            .store
            .lock_extend(&self.lease.key, &self.lease.owner, self.env.lease_ttl)?
        {
            return Err(PipelineError::LeaseLost(self.id.clone()));
        }
        self.last_extend = Instant::now();
        Ok(())
    }

    fn transition(
        &mut self,
        status: Status,
        note: Option<String>,
        observe: &mut dyn FnMut(Progress<'_>),
    ) -> Result<(), PipelineError> {
        self.state.set_status(status, note.clone());
        self.save()?;
        let mut e = self.event("pipeline.state").with("status", status.as_str());
        if let Some(n) = &note {
            e = e.with("note", n.as_str());
        }
        self.record(e)?;
        observe(Progress::Status {
            status,
            note: note.as_deref(),
        });
        Ok(())
    }

    fn run(&mut self, observe: &mut dyn FnMut(Progress<'_>)) -> Result<(), PipelineError> {
        self.state.drivers += 1;
        let resumed = self.state.drivers > 1;
        self.save()?;
        let e = self
            .event("pipeline.drive")
            .with("driver", self.lease.owner())
            .with("resumed", resumed)
            .with("status", self.state.status.as_str());
        self.record(e)?;
        if resumed {
            self.recover_interrupted(observe)?;
        }
        let k = keys(self.env);
        let sealed = self.env.store.get(&k.pipeline(&self.id, "vault_token"))?;
        let token = match sealed.map(|s| self.env.seal.open(&self.id, &s)) {
            Some(Ok(t)) => t,
            Some(Err(e)) => return self.fail(&e.to_string(), observe),
            None => {
                return self.fail(
                    "its sealed token is missing from the runtime store",
                    observe,
                );
            }
        };
        let token = if resumed {
            self.ensure_token(token)?
        } else {
            token
        };
        let board = Board::new(self.env.store, k.clone(), &self.id);
        let signals = Mutex::new(Signals {
            complexity: self.state.complexity,
            unresolved: board.unresolved(self.state.round)?,
        });
        loop {
            match self.state.status {
                Status::Spawn => self.transition(Status::Running, None, observe)?,
                Status::Running => {
                    let done = if self.state.stages.is_empty() {
                        self.run_pending(&board, &signals, &token, true, observe)?
                    } else {
                        self.run_stages(&board, &signals, &token, observe)?
                    };
                    if done {
                        self.transition(Status::Report, None, observe)?;
                    }
                }
                Status::Report => {
                    self.report(&board)?;
                    self.transition(Status::Orchestrating, None, observe)?;
                }
                Status::Orchestrating => {
                    if self.run_pending(&board, &signals, &token, false, observe)? {
                        self.orchestrate(&board, observe)?;
                    }
                }
                Status::Completed | Status::Failed | Status::ConsensusFailed => break,
            }
        }
        if matches!(self.state.status, Status::Completed | Status::Failed)
            && self.state.token.revoked_us.is_none()
        {
            // Its work is done: nothing may act in its name any more.
            if self.env.tokens.revoke(&token).is_ok() {
                self.state.token.revoked_us = Some(agov_core::time::now_us());
                self.save()?;
            }
        }
        Ok(())
    }

    /// A resumed pipeline whose token was revoked after a failure (by its
    /// failing driver or `pipeline gc`, not by `pipeline revoke`, whose flag
    /// stops it) gets a fresh one of its tier, sealed like the first.
    fn ensure_token(&mut self, token: Secret) -> Result<Secret, PipelineError> {
        match self.env.tokens.lookup(&token) {
            Err(agov_tokens::TokenError::Invalid) => {}
            Err(e) => return Err(e.into()),
            Ok(_) => return Ok(token),
        }
        let revoked_by_person = self
            .env
            .store
            .get(&keys(self.env).pipeline(&self.id, "revoke"))?
            .is_some();
        if revoked_by_person {
            return Ok(token);
        }
        let tier = Tier::from_number(self.state.tier).unwrap_or(Tier::Observer);
        let fresh = issue_token(self.env, &self.id, tier)?;
        let now = agov_core::time::now_us();
        let old = std::mem::replace(&mut self.state.token.accessor, fresh.accessor.clone());
        self.state.token.expires_us = now + fresh.ttl.as_micros() as i64;
        self.state.token.renewals = 0;
        self.state.token.renewed_us = None;
        self.state.token.revoked_us = None;
        self.save()?;
        let e = self
            .event("pipeline.token_reissued")
            .with("old_accessor", old)
            .with("token_accessor", fresh.accessor.as_str());
        self.record(e)?;
        Ok(fresh.token)
    }

    fn fail(
        &mut self,
        reason: &str,
        observe: &mut dyn FnMut(Progress<'_>),
    ) -> Result<(), PipelineError> {
        self.state.failure = Some(reason.to_string());
        self.transition(Status::Failed, Some(reason.to_string()), observe)
    }
}

/// A flag SIGINT and SIGTERM raise, so the driver can stop its agents and
/// leave the pipeline to be continued.
fn watch_interruptions() -> Result<Arc<AtomicBool>, PipelineError> {
    let interrupted = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(sig, Arc::clone(&interrupted))
            .map_err(|e| PipelineError::io("cannot watch for interruptions", e))?;
    }
    Ok(interrupted)
}
