//! A round of a plan of roles: its agents on their threads, what they
//! report, when the pipeline must stop, and the triggers that spawn GAMMA.

use super::*;

impl Book<'_, '_> {
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
        packet.previous_attempt = self.state.previous_attempt.clone();
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
    pub(super) fn run_pending(
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
        let trace = self.trace;
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
                    trace,
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
    pub(super) fn stop_reason(&self) -> Result<Option<(String, Option<String>)>, PipelineError> {
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
    pub(super) fn fail_stopped(
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

    pub(super) fn save_if_dirty_and_keep_lease(
        &mut self,
        token: &Secret,
    ) -> Result<(), PipelineError> {
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

    pub(super) fn on_agent(&mut self, msg: FromAgent, observe: &mut dyn FnMut(Progress<'_>)) {
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

    pub(super) fn spawn_gamma(
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
}
