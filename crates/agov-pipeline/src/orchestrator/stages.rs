//! The stage scheduler: RUNNING for a staged plan.
//!
//! A stage starts once every stage it requires has ended, so independent
//! stages run in parallel, each as one governed agent (the same run path as
//! ALPHA and BETA). A requirement that failed fails its dependents (one
//! that was skipped skips them) unless their `when` names it; a `when` that
//! is false skips the stage. A failed try is retried after its backoff
//! while retries are left (a revoked agent is not: governance stopped it).
//! A try that runs past the stage's timeout is stopped and counts as
//! failed. Human gates open with the digest of what they approve and wait
//! for a decision ([`crate::gates`]) until their timeout.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use agov_core::{Secret, Tier};

use super::{
    Book, Crew, FromAgent, Job, Progress, REVOCATION_POLL, Seat, TICK, agent_thread, keys,
    watch_interruptions,
};
use crate::board::{Board, Signals};
use crate::error::PipelineError;
use crate::gates;
use crate::stage::{Outcome, StageKind};
use crate::state::{Gate, GateDecision, SlotStatus};

impl Book<'_, '_> {
    fn stage_job(&self, i: usize) -> Result<Job, PipelineError> {
        let plan = &self.state.plan;
        let s = plan
            .stages
            .get(i)
            .ok_or_else(|| PipelineError::BadInput(format!("the plan has no stage {i}")))?;
        let tier = Tier::from_number(self.state.stages.get(i).map_or(0, |r| r.slot.tier))
            .unwrap_or(Tier::Observer);
        let mut packet = plan.stage_packet(s, &self.id, tier);
        if self.state.objective != plan.objective {
            packet.objective = packet
                .objective
                .replacen(&plan.objective, &self.state.objective, 1);
        }
        let mut roles: Vec<_> = plan.agents.keys().copied().collect();
        roles.extend(plan.stages.iter().map(|s| s.role()));
        roles.sort();
        roles.dedup();
        Ok(Job {
            seat: Seat::Stage(i),
            label: format!("stage-{}", s.name),
            role: s.role(),
            spec: s.agent.clone(),
            packet,
            tier,
            round: self.state.round,
            roles,
            objective: self.state.objective.clone(),
            work_dir: self.state.work_dir.clone(),
            escalated: self.state.escalated(),
        })
    }

    fn outcomes(&self) -> BTreeMap<String, Outcome> {
        self.state
            .stages
            .iter()
            .filter_map(|r| Some((r.name.clone(), r.slot.status.outcome()?)))
            .collect()
    }

    /// Ends stage `i` without running it (a requirement failed or was
    /// skipped, or its condition is false).
    fn settle_unrun(
        &mut self,
        i: usize,
        status: SlotStatus,
        reason: String,
        observe: &mut dyn FnMut(Progress<'_>),
    ) -> Result<(), PipelineError> {
        let now = agov_core::time::now_us();
        if let Some(r) = self.state.stages.get_mut(i) {
            r.slot.status = status;
            r.slot.reason = Some(reason);
            r.slot.ended_us = Some(now);
        }
        self.dirty = true;
        self.stage_ended(i, observe)
    }

    /// Ledgers how stage `i` ended and shows it.
    fn stage_ended(
        &mut self,
        i: usize,
        observe: &mut dyn FnMut(Progress<'_>),
    ) -> Result<(), PipelineError> {
        let Some(r) = self.state.stages.get(i).cloned() else {
            return Ok(());
        };
        let mut e = self
            .event("pipeline.stage")
            .with("stage", r.name.as_str())
            .with("status", r.slot.status.as_str())
            .with("attempts", r.slot.attempts);
        if let Some(reason) = &r.slot.reason {
            e = e.with("reason", reason.as_str());
        }
        self.record(e)?;
        if r.slot.attempts == 0 {
            let what = match &r.slot.reason {
                Some(why) => format!("{}: {why}", r.slot.status.as_str()),
                None => r.slot.status.as_str().to_string(),
            };
            let role = self.who(Seat::Stage(i)).0;
            observe(Progress::Agent {
                role,
                stage: Some(&r.name),
                what: &what,
            });
        }
        Ok(())
    }

    /// What stage `i` does now that everything it requires has ended:
    /// `Some(true)` run, `Some(false)` it was settled without running,
    /// `None` wait (a requirement has not ended, or its retry is not due).
    fn ready(
        &mut self,
        i: usize,
        observe: &mut dyn FnMut(Progress<'_>),
    ) -> Result<Option<bool>, PipelineError> {
        let now = agov_core::time::now_us();
        let Some(run) = self.state.stages.get(i) else {
            return Ok(None);
        };
        if run.slot.status != SlotStatus::Pending || run.retry_at_us.is_some_and(|t| t > now) {
            return Ok(None);
        }
        let stage = self.state.plan.stages[i].clone();
        let outcomes = self.outcomes();
        if stage.requires.iter().any(|r| !outcomes.contains_key(r)) {
            return Ok(None);
        }
        let condition = stage.condition().and_then(Result::ok);
        let named: Vec<&str> = condition.iter().flat_map(|c| c.stages()).collect();
        for r in &stage.requires {
            let o = outcomes.get(r).copied();
            if o == Some(Outcome::Completed) || named.contains(&r.as_str()) {
                continue;
            }
            let (status, word) = match o {
                Some(Outcome::Failed) => (SlotStatus::Failed, "failed"),
                _ => (SlotStatus::Skipped, "was skipped"),
            };
            self.settle_unrun(
                i,
                status,
                format!("it requires `{r}`, which {word}"),
                observe,
            )?;
            return Ok(Some(false));
        }
        if let (Some(c), Some(text)) = (&condition, &stage.when)
            && !c.holds(&outcomes)
        {
            self.settle_unrun(
                i,
                SlotStatus::Skipped,
                format!("its condition `{text}` is false"),
                observe,
            )?;
            return Ok(Some(false));
        }
        Ok(Some(true))
    }

    /// Opens gate `i`: it now waits for a decision.
    fn open_gate(
        &mut self,
        i: usize,
        observe: &mut dyn FnMut(Progress<'_>),
    ) -> Result<(), PipelineError> {
        let stage = self.state.plan.stages[i].clone();
        let now = agov_core::time::now_us();
        let timeout = stage.timeout().unwrap_or(crate::stage::GATE_TIMEOUT);
        let digest = gates::digest(&self.state, &self.env.runs_dir, &stage.name);
        if let Some(r) = self.state.stages.get_mut(i) {
            r.slot.status = SlotStatus::Waiting;
            r.slot.started_us = Some(now);
            r.gate = Some(Gate {
                digest: digest.clone(),
                opened_us: now,
                deadline_us: now + timeout.as_micros() as i64,
                approvers: stage.approvers.clone(),
                decision: None,
            });
        }
        self.save()?;
        let e = self
            .event("pipeline.gate_open")
            .with("stage", stage.name.as_str())
            .with("digest", digest.as_str())
            .with("approvers", stage.approvers.clone());
        self.record(e)?;
        observe(Progress::Agent {
            role: stage.role(),
            stage: Some(&stage.name),
            what: &format!(
                "waiting for approval (digest {digest}): pipeline approve {} --stage {}",
                self.id, stage.name
            ),
        });
        Ok(())
    }

    /// Looks at a waiting gate: takes a decision whose digest still holds,
    /// voids one whose does not, fails the stage past its deadline.
    fn check_gate(
        &mut self,
        i: usize,
        observe: &mut dyn FnMut(Progress<'_>),
    ) -> Result<(), PipelineError> {
        let name = self.state.stages[i].name.clone();
        let role = self.who(Seat::Stage(i)).0;
        let key = gates::decision_key(&keys(self.env), &self.id, &name);
        let now = agov_core::time::now_us();
        if let Some(raw) = self.env.store.get(&key)? {
            self.env.store.del(&key)?;
            let Ok(d) = serde_json::from_slice::<GateDecision>(&raw) else {
                return Ok(());
            };
            let current = gates::digest(&self.state, &self.env.runs_dir, &name);
            if d.digest != current {
                let e = self
                    .event("pipeline.gate_void")
                    .with("stage", name.as_str())
                    .with("by", d.by.as_str())
                    .with("approved_digest", d.digest.as_str())
                    .with("digest", current.as_str());
                self.record(e)?;
                if let Some(g) = self.state.stages[i].gate.as_mut() {
                    g.digest = current.clone();
                }
                self.dirty = true;
                observe(Progress::Log {
                    role,
                    stage: Some(&name),
                    level: "warn",
                    message: &format!(
                        "the decision of {} is void: what it approved changed (digest {} is now {current}); decide again",
                        d.by, d.digest
                    ),
                });
                return Ok(());
            }
            let r = &mut self.state.stages[i];
            r.slot.ended_us = Some(now);
            if d.approved {
                r.slot.status = SlotStatus::Completed;
                r.slot.reason = Some(format!("approved by {}", d.by));
            } else {
                r.slot.status = SlotStatus::Failed;
                r.slot.reason = Some(format!(
                    "rejected by {}{}",
                    d.by,
                    d.reason
                        .as_deref()
                        .map(|x| format!(": {x}"))
                        .unwrap_or_default()
                ));
            }
            if let Some(g) = r.gate.as_mut() {
                g.decision = Some(d);
            }
            self.dirty = true;
            return self.gate_ended(i, observe);
        }
        let deadline = self.state.stages[i].gate.as_ref().map(|g| g.deadline_us);
        if deadline.is_some_and(|d| now > d) {
            let r = &mut self.state.stages[i];
            r.slot.status = SlotStatus::Failed;
            r.slot.reason = Some("no decision before its timeout".into());
            r.slot.ended_us = Some(now);
            self.dirty = true;
            return self.gate_ended(i, observe);
        }
        Ok(())
    }

    fn gate_ended(
        &mut self,
        i: usize,
        observe: &mut dyn FnMut(Progress<'_>),
    ) -> Result<(), PipelineError> {
        self.stage_ended(i, observe)?;
        let r = self.state.stages[i].clone();
        let what = format!(
            "{}: {}",
            r.slot.status.as_str(),
            r.slot.reason.unwrap_or_default()
        );
        observe(Progress::Agent {
            role: self.who(Seat::Stage(i)).0,
            stage: Some(&r.name),
            what: &what,
        });
        self.save()
    }

    /// After stage `i`'s agent ended: a failure with retries left goes back
    /// to pending with its backoff; anything else is its end.
    fn after_try(
        &mut self,
        i: usize,
        timed_out: bool,
        observe: &mut dyn FnMut(Progress<'_>),
    ) -> Result<(), PipelineError> {
        let stage = self.state.plan.stages[i].clone();
        let Some(run) = self.state.stages.get_mut(i) else {
            return Ok(());
        };
        if timed_out && run.slot.status != SlotStatus::Completed {
            run.slot.status = SlotStatus::Failed;
            run.slot.reason = Some(format!(
                "timed out after {}",
                stage.timeout.clone().unwrap_or_default()
            ));
        }
        let tries = run.slot.attempts;
        if run.slot.status == SlotStatus::Failed && tries <= stage.retry.max {
            let wait = stage.retry.wait(tries);
            run.slot.status = SlotStatus::Pending;
            run.retry_at_us = Some(agov_core::time::now_us() + wait.as_micros() as i64);
            let why = run.slot.reason.clone().unwrap_or_default();
            self.dirty = true;
            let e = self
                .event("pipeline.stage_retry")
                .with("stage", stage.name.as_str())
                .with("attempt", tries)
                .with("reason", why.as_str())
                .with("wait_ms", wait.as_millis() as u64);
            self.record(e)?;
            observe(Progress::Agent {
                role: stage.role(),
                stage: Some(&stage.name),
                what: &format!(
                    "try {tries} of {} failed ({why}); again in {:.1} s",
                    stage.retry.max + 1,
                    wait.as_secs_f64()
                ),
            });
            return Ok(());
        }
        run.retry_at_us = None;
        self.dirty = true;
        self.stage_ended(i, observe)
    }

    /// Runs the stages until all have ended. False if the pipeline was
    /// stopped (revoked, past its deadline) and is now FAILED.
    pub(super) fn run_stages(
        &mut self,
        board: &Board<'_>,
        signals: &Mutex<Signals>,
        token: &Secret,
        observe: &mut dyn FnMut(Progress<'_>),
    ) -> Result<bool, PipelineError> {
        let interrupted = watch_interruptions()?;
        let env = self.env;
        let trace = self.trace;
        let n = self.state.stages.len();
        let mut stops: Vec<Option<Arc<AtomicBool>>> = vec![None; n];
        let mut timed_out = vec![false; n];
        let mut stopped: Option<(String, Option<String>)> = None;
        let mut lost: Option<PipelineError> = None;
        let mut halting = false;
        let mut was_running: Vec<usize> = Vec::new();
        std::thread::scope(|scope| -> Result<(), PipelineError> {
            let (tx, rx) = channel::<FromAgent>();
            let mut running = 0usize;
            let start = |job: Job, stop: Arc<AtomicBool>, tx: Sender<FromAgent>| {
                let crew = Crew {
                    env,
                    board,
                    signals,
                    token,
                    trace,
                };
                scope.spawn(move || agent_thread(crew, job, stop, tx));
            };
            let mut last_poll = Instant::now() - REVOCATION_POLL;
            loop {
                if !halting {
                    for i in 0..n {
                        if self.ready(i, observe)? != Some(true) {
                            continue;
                        }
                        match self.state.plan.stages[i].kind {
                            StageKind::HumanGate => self.open_gate(i, observe)?,
                            StageKind::Agent => {
                                let stop = Arc::new(AtomicBool::new(false));
                                stops[i] = Some(Arc::clone(&stop));
                                timed_out[i] = false;
                                // Running from now: not started twice.
                                self.state.stages[i].slot.status = SlotStatus::Running;
                                self.state.stages[i].retry_at_us = None;
                                start(self.stage_job(i)?, stop, tx.clone());
                                running += 1;
                            }
                        }
                    }
                }
                let waiting = self.state.pending_gates().count();
                let open = self.state.stages.iter().any(|r| !r.slot.status.ended());
                if running == 0 && (halting || !open) {
                    break;
                }
                if running == 0 && waiting == 0 && !self.has_retry_due_later() {
                    // Open stages, yet nothing runs, waits or retries: their
                    // requirements can never end (the DAG check rules it out).
                    break;
                }
                match rx.recv_timeout(TICK) {
                    Ok(msg) => {
                        let ended = match &msg {
                            FromAgent::Ended(Seat::Stage(i), ..) => Some(*i),
                            _ => None,
                        };
                        self.on_agent(msg, observe);
                        if let Some(i) = ended {
                            running -= 1;
                            stops[i] = None;
                            if !halting {
                                self.after_try(i, timed_out[i], observe)?;
                            }
                        }
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => break,
                }
                if halting {
                    continue;
                }
                // Why to stop every stage now: `Some(None)` interrupted or the
                // lease lost, `Some(Some(..))` revoked or past the deadline.
                let mut halt: Option<Option<(String, Option<String>)>> = None;
                let now = agov_core::time::now_us();
                if interrupted.load(Ordering::Relaxed) {
                    halt = Some(None);
                } else if last_poll.elapsed() >= REVOCATION_POLL {
                    last_poll = Instant::now();
                    if let Some(why) = self.stop_reason()? {
                        halt = Some(Some(why));
                    } else {
                        for i in 0..n {
                            if self.state.stages[i].slot.status == SlotStatus::Waiting {
                                self.check_gate(i, observe)?;
                            }
                        }
                    }
                }
                if halt.is_none() {
                    for i in 0..n {
                        let r = &self.state.stages[i];
                        let Some(limit) = self.state.plan.stages[i].timeout() else {
                            continue;
                        };
                        if r.slot.status == SlotStatus::Running
                            && !timed_out[i]
                            && r.slot
                                .started_us
                                .is_some_and(|t| now - t > limit.as_micros() as i64)
                            && let Some(stop) = &stops[i]
                        {
                            timed_out[i] = true;
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                    if let Err(e) = self.save_if_dirty_and_keep_lease(token) {
                        lost = Some(e);
                        halt = Some(None);
                    }
                }
                if let Some(why) = halt {
                    stop_all(&stops);
                    halting = true;
                    was_running = (0..n)
                        .filter(|&i| self.state.stages[i].slot.status == SlotStatus::Running)
                        .collect();
                    stopped = why;
                }
            }
            Ok(())
        })?;
        if let Some(e) = lost {
            return Err(e);
        }
        if interrupted.load(Ordering::Relaxed) && stopped.is_none() {
            // Left to be continued: what was running runs again.
            let mut names = Vec::new();
            for &i in &was_running {
                let r = &mut self.state.stages[i];
                r.slot.status = SlotStatus::Pending;
                r.slot.reason = Some("its driver was interrupted; run again".into());
                names.push(r.name.clone());
            }
            self.save()?;
            let e = self.event("pipeline.interrupted").with("stages", names);
            self.record(e)?;
            return Err(PipelineError::Interrupted(self.id.clone()));
        }
        if let Some(why) = stopped {
            self.fail_stopped(why, observe)?;
            return Ok(false);
        }
        self.save()?;
        Ok(true)
    }

    fn has_retry_due_later(&self) -> bool {
        self.state
            .stages
            .iter()
            .any(|r| r.slot.status == SlotStatus::Pending && r.retry_at_us.is_some())
    }
}

/// Tells every running stage's agent to stop.
fn stop_all(stops: &[Option<Arc<AtomicBool>>]) {
    for s in stops.iter().flatten() {
        s.store(true, Ordering::Relaxed);
    }
}
