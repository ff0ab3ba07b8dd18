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
    let result = (|| {
        let st = state::load(env.store, &k, id)?;
        let ledger = Ledger::open(&env.ledger_path, true)?;
        let mut book = Book {
            env,
            id: id.to_string(),
            state: st,
            ledger,
            lease: &lease,
            last_extend: Instant::now(),
            last_renew: Instant::now(),
            dirty: false,
        };
        book.run(observe)?;
        Ok(book.state)
    })();
    lease.release(env);
    if let Err(e) = &result {
        revoke_after_failure(env, id, &accessor, &format!("its driver failed: {e}"));
    }
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

    /// A driver died: stop what it left running and make it pending again.
    fn recover_interrupted(
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

    /// The roles to run now: alpha and beta until they end, gamma once spawned.
    fn pending(&self) -> Vec<Role> {
        self.state
            .agents
            .iter()
            .filter(|(r, s)| {
                s.status == SlotStatus::Pending
                    && (**r != Role::Gamma || self.state.gamma.is_some())
            })
            .map(|(r, _)| *r)
            .collect()
    }

    fn job(&self, role: Role) -> Result<Job, PipelineError> {
        let spec = self
            .state
            .plan
            .agents
            .get(&role)
            .cloned()
            .ok_or_else(|| PipelineError::BadInput(format!("the plan has no {role}")))?;
        let tier = Tier::from_number(self.state.agents.get(&role).map_or(0, |s| s.tier))
            .unwrap_or(Tier::Observer);
        let mut packet = self
            .state
            .plan
            .packet(role, &self.id, tier)
            .ok_or_else(|| PipelineError::BadInput(format!("the plan has no {role}")))?;
        if self.state.objective != self.state.plan.objective {
            packet.objective =
                packet
                    .objective
                    .replacen(&self.state.plan.objective, &self.state.objective, 1);
        }
        Ok(Job {
            seat: Seat::Role(role),
            label: role.as_str().to_string(),
            role,
            spec,
            packet,
            tier,
            round: self.state.round,
            roles: self.state.agents.keys().copied().collect(),
            objective: self.state.objective.clone(),
            work_dir: self.state.work_dir.clone(),
            escalated: self.state.escalated(),
        })
    }

    /// Runs the pending agents (and GAMMA when a trigger fires, if
    /// `triggers`) until all have ended. False if the pipeline was stopped
    /// (revoked, timed out) and is now FAILED.
    fn run_pending(
        &mut self,
        board: &Board<'_>,
        signals: &Mutex<Signals>,
        token: &Secret,
        triggers: bool,
        observe: &mut dyn FnMut(Progress<'_>),
    ) -> Result<bool, PipelineError> {
        let stop = Arc::new(AtomicBool::new(false));
        let interrupted = watch_interruptions()?;
        let mut was_running: Vec<Role> = Vec::new();
        let env = self.env;
        let mut stopped: Option<(String, Option<String>)> = None;
        let mut lost: Option<PipelineError> = None;
        std::thread::scope(|scope| -> Result<(), PipelineError> {
            let (tx, rx) = channel::<FromAgent>();
            let mut running = 0usize;
            let mut progress: std::collections::BTreeMap<Role, Instant> = Default::default();
            let start = |job: Job, tx: Sender<FromAgent>| {
                let stop = Arc::clone(&stop);
                let crew = Crew {
                    env,
                    board,
                    signals,
                    token,
                };
                scope.spawn(move || agent_thread(crew, job, stop, tx));
            };
            for role in self.pending() {
                start(self.job(role)?, tx.clone());
                progress.insert(role, Instant::now());
                running += 1;
            }
            let mut last_poll = Instant::now() - REVOCATION_POLL;
            while running > 0 {
                match rx.recv_timeout(TICK) {
                    Ok(msg) => {
                        if let FromAgent::Ended(..) = msg {
                            running -= 1;
                        }
                        if let FromAgent::Progress(Seat::Role(r))
                        | FromAgent::Phase(Seat::Role(r), _) = &msg
                        {
                            progress.insert(*r, Instant::now());
                        }
                        self.on_agent(msg, observe);
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => break,
                }
                if stop.load(Ordering::Relaxed) {
                    continue;
                }
                if interrupted.load(Ordering::Relaxed) {
                    was_running = self
                        .state
                        .agents
                        .iter()
                        .filter(|(_, s)| !s.status.ended())
                        .map(|(r, _)| *r)
                        .collect();
                    stop.store(true, Ordering::Relaxed);
                    continue;
                }
                let mut halt = |why: (String, Option<String>)| {
                    stop.store(true, Ordering::Relaxed);
                    stopped = Some(why);
                };
                if last_poll.elapsed() >= REVOCATION_POLL {
                    last_poll = Instant::now();
                    if let Some(why) = self.stop_reason()? {
                        halt(why);
                        continue;
                    }
                }
                if let Err(e) = self.save_if_dirty_and_keep_lease(token) {
                    lost = Some(e);
                    stop.store(true, Ordering::Relaxed);
                    continue;
                }
                if triggers && let Some(reason) = self.gamma_trigger(signals, &progress) {
                    self.spawn_gamma(&reason, observe)?;
                    start(self.job(Role::Gamma)?, tx.clone());
                    progress.insert(Role::Gamma, Instant::now());
                    running += 1;
                }
            }
            Ok(())
        })?;
        if let Some(e) = lost {
            return Err(e);
        }
        if interrupted.load(Ordering::Relaxed) && stopped.is_none() {
            // Leave it to be continued: what was running runs again.
            for role in &was_running {
                if let Some(s) = self.state.agents.get_mut(role) {
                    s.status = SlotStatus::Pending;
                    s.reason = Some("its driver was interrupted; run again".into());
                }
            }
            self.save()?;
            let e = self.event("pipeline.interrupted").with(
                "agents",
                was_running.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
            );
            self.record(e)?;
            return Err(PipelineError::Interrupted(self.id.clone()));
        }
        self.state.complexity = signals
            .lock()
            .map(|s| s.complexity)
            .unwrap_or(self.state.complexity);
        if let Some(why) = stopped {
            self.fail_stopped(why, observe)?;
            return Ok(false);
        }
        self.save()?;
        Ok(true)
    }

    /// Why the pipeline must stop now: revoked (the reason, and by whom, from
    /// `pipeline revoke`'s flag) or past its deadline.
    fn stop_reason(&self) -> Result<Option<(String, Option<String>)>, PipelineError> {
        let env = self.env;
        if let Some(flag) = env.store.get(&keys(env).pipeline(&self.id, "revoke"))? {
            let v: serde_json::Value = serde_json::from_slice(&flag).unwrap_or_default();
            let by = v["by"].as_str().unwrap_or("someone").to_string();
            let reason = v["reason"].as_str().unwrap_or("").to_string();
            return Ok(Some((format!("revoked by {by}: {reason}"), Some(by))));
        }
        if agov_core::time::now_us() > self.state.deadline_us {
            return Ok(Some((
                "it ran past its deadline (the plan's timeout)".into(),
                None,
            )));
        }
        Ok(None)
    }

    /// FAILED for a [`Book::stop_reason`]; a revocation is recorded as such.
    fn fail_stopped(
        &mut self,
        (reason, by): (String, Option<String>),
        observe: &mut dyn FnMut(Progress<'_>),
    ) -> Result<(), PipelineError> {
        if let Some(by) = by {
            self.state.revoked_by = Some(by);
            self.state.token.revoked_us = Some(agov_core::time::now_us());
        }
        self.fail(&reason, observe)
    }

    fn save_if_dirty_and_keep_lease(&mut self, token: &Secret) -> Result<(), PipelineError> {
        if self.last_renew.elapsed() >= self.env.renew_every {
            self.last_renew = Instant::now();
            match self.env.tokens.renew(token, TOKEN_TTL) {
                Ok(info) => {
                    let now = agov_core::time::now_us();
                    self.state.token.renewals += 1;
                    self.state.token.renewed_us = Some(now);
                    self.state.token.expires_us = now + info.ttl_secs as i64 * 1_000_000;
                    self.dirty = true;
                    let e = self
                        .event("pipeline.token_renew")
                        .with("ttl_secs", info.ttl_secs);
                    self.record(e)?;
                }
                Err(e) => {
                    let ev = self
                        .event("pipeline.token_renew_failed")
                        .with("error", e.to_string());
                    self.record(ev)?;
                }
            }
        }
        if self.dirty {
            self.save()
        } else {
            self.last_extend_if_needed()
        }
    }

    fn on_agent(&mut self, msg: FromAgent, observe: &mut dyn FnMut(Progress<'_>)) {
        let now = agov_core::time::now_us();
        let seat = match &msg {
            FromAgent::Started { seat, .. }
            | FromAgent::Pid(seat, _)
            | FromAgent::Phase(seat, _)
            | FromAgent::Progress(seat)
            | FromAgent::Log(seat, _, _)
            | FromAgent::Ended(seat, _, _) => *seat,
        };
        let (role, stage) = self.who(seat);
        let stage = stage.as_deref();
        match msg {
            FromAgent::Started {
                run_id,
                accessor,
                tier,
                ..
            } => {
                if let Some(s) = self.slot_mut(seat) {
                    s.tier = tier;
                    s.status = SlotStatus::Running;
                    s.run_id = Some(run_id.clone());
                    s.token_accessor = Some(accessor);
                    s.attempts += 1;
                    s.started_us = Some(now);
                    s.ended_us = None;
                    s.reason = None;
                    s.phase = Some("BOOTSTRAP".into());
                }
                self.dirty = true;
                observe(Progress::Agent {
                    role,
                    stage,
                    what: &format!("started (run {run_id})"),
                });
            }
            FromAgent::Pid(_, pid) => {
                if let Some(s) = self.slot_mut(seat) {
                    s.pid = Some(pid);
                }
                self.dirty = true;
            }
            FromAgent::Phase(_, phase) => {
                if let Some(s) = self.slot_mut(seat) {
                    s.phase = Some(phase.clone());
                }
                self.dirty = true;
                observe(Progress::Agent {
                    role,
                    stage,
                    what: &phase,
                });
            }
            FromAgent::Progress(_) => {}
            FromAgent::Log(_, level, message) => observe(Progress::Log {
                role,
                stage,
                level: &level,
                message: &message,
            }),
            FromAgent::Ended(_, status, reason) => {
                if let Some(s) = self.slot_mut(seat) {
                    s.status = status;
                    s.reason = reason.clone();
                    s.ended_us = Some(now);
                    s.pid = None;
                    if status == SlotStatus::Completed {
                        s.phase = Some("EXIT".into());
                    }
                }
                self.dirty = true;
                let what = match &reason {
                    Some(r) => format!("{}: {r}", status.as_str()),
                    None => status.as_str().to_string(),
                };
                observe(Progress::Agent {
                    role,
                    stage,
                    what: &what,
                });
            }
        }
    }

    /// Why GAMMA should be spawned now, if it should.
    fn gamma_trigger(
        &self,
        signals: &Mutex<Signals>,
        progress: &std::collections::BTreeMap<Role, Instant>,
    ) -> Option<String> {
        let plan = &self.state.plan;
        if self.state.gamma.is_some() || !plan.agents.contains_key(&Role::Gamma) {
            return None;
        }
        let (complexity, unresolved) = signals
            .lock()
            .map(|s| (s.complexity, s.unresolved))
            .unwrap_or_default();
        if unresolved >= plan.gamma.conflicts {
            return Some(format!("{unresolved} unresolved conflicts"));
        }
        let complexity = complexity.max(plan.complexity.unwrap_or(0.0));
        if complexity > plan.gamma.complexity {
            return Some(format!(
                "complexity {complexity} is above {}",
                plan.gamma.complexity
            ));
        }
        let stuck_after = plan.stuck_after();
        for (role, slot) in &self.state.agents {
            if slot.status == SlotStatus::Running
                && progress
                    .get(role)
                    .is_some_and(|t| t.elapsed() >= stuck_after)
            {
                return Some(format!(
                    "{role} made no progress for {} s",
                    stuck_after.as_secs_f64()
                ));
            }
        }
        None
    }

    fn spawn_gamma(
        &mut self,
        reason: &str,
        observe: &mut dyn FnMut(Progress<'_>),
    ) -> Result<(), PipelineError> {
        self.state.gamma = Some(GammaSpawn {
            reason: reason.to_string(),
            at_us: agov_core::time::now_us(),
        });
        self.save()?;
        let e = self.event("pipeline.gamma").with("reason", reason);
        self.record(e)?;
        observe(Progress::Gamma { reason });
        Ok(())
    }

    /// REPORT: the orchestrator's note of how each agent ended.
    fn report(&mut self, board: &Board<'_>) -> Result<(), PipelineError> {
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
    fn orchestrate(
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
