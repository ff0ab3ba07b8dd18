//! One agent of a pipeline, on a thread of its own: bootstrapped under the
//! pipeline token, confined, driven through its command or model, and its
//! end reported to the driver.

use super::*;

/// What every agent thread of a pipeline shares.
#[derive(Clone, Copy)]
pub(super) struct Crew<'c, 'a> {
    pub(super) env: &'c Env<'a>,
    pub(super) board: &'c Board<'a>,
    pub(super) signals: &'c Mutex<Signals>,
    /// The pipeline's token, which agent tokens are issued under.
    pub(super) token: &'c Secret,
    /// The driver's span, which each agent's is under.
    pub(super) trace: &'c agov_trace::Span,
}

/// Runs one agent to its end on this thread; tells the driver as it goes.
pub(super) fn agent_thread(
    crew: Crew<'_, '_>,
    job: Job,
    stop: Arc<AtomicBool>,
    tx: Sender<FromAgent>,
) {
    let seat = job.seat;
    let span = crew.trace.child_with(|| format!("agent {}", job.label));
    span.set_with("agov.agent.id", || job.packet.agent_id.clone());
    span.set_with("agov.agent.role", || job.role.to_string());
    span.set_with("agov.pipeline.id", || job.packet.task_id.clone());
    span.set("agov.round", i64::from(job.round));
    span.set("agov.tier", i64::from(job.tier.number()));
    // Ledger events, store calls and the agent's process are in its span.
    let entered = span.enter();
    // An agent runs once at a time: while another pipeline's run holds it,
    // wait (until this pipeline is stopped) rather than fail.
    let mut told = false;
    let end = loop {
        match run_agent(crew, job.clone(), Arc::clone(&stop), &tx) {
            Err(PipelineError::Agent(AgentError::LockHeld { agent, holder }))
                if !stop.load(Ordering::Relaxed) =>
            {
                if !told {
                    told = true;
                    let _ = tx.send(FromAgent::Log(
                        seat,
                        "info".into(),
                        format!("waiting for agent {agent} (run {holder} holds it)"),
                    ));
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            other => break other,
        }
    };
    let (status, reason) = match end {
        Ok(v) => v,
        Err(e) => (SlotStatus::Failed, Some(e.to_string())),
    };
    span.set("agov.agent.status", status.as_str());
    if let Some(r) = &reason {
        span.fail(r);
    }
    drop(entered);
    drop(span);
    let _ = tx.send(FromAgent::Ended(seat, status, reason));
}

pub(super) fn run_agent(
    crew: Crew<'_, '_>,
    job: Job,
    stop: Arc<AtomicBool>,
    tx: &Sender<FromAgent>,
) -> Result<(SlotStatus, Option<String>), PipelineError> {
    let Crew {
        env,
        board,
        signals,
        token,
        trace: _,
    } = crew;
    let role = job.role;
    let seat = job.seat;
    let pipeline = job.packet.task_id.clone();
    let mut ledger = Ledger::open(&env.ledger_path, true)?;
    let gov = Governor {
        store: env.store,
        tokens: env.tokens,
        rules: env.rules,
        tenant: env.tenant.clone(),
        actor: env.actor.clone(),
        lock_ttl: env.lock_ttl,
        retention: env.retention,
        renew_every: None,
        // The pipeline's tier was held to the tenant's quota at spawn; its agents run at or below it.
        max_tier: Tier::Architect,
    };
    let packet_json = serde_json::to_vec_pretty(&job.packet).unwrap_or_default();
    let under = Under {
        parent: Some(token),
        pipeline: Some(&pipeline),
        exceed_earned: job.escalated,
    };
    let mut run = Run::bootstrap_under(&gov, &mut ledger, job.packet, Some(job.tier), &under)?;
    let _ = tx.send(FromAgent::Started {
        seat,
        run_id: run.run_id.clone(),
        accessor: run.token().map(|t| t.accessor.clone()).unwrap_or_default(),
        tier: run.tier.number(),
    });
    let output_dir = env.runs_dir.join(&pipeline).join(&job.label);
    agov_core::fsutil::create_private_dir(&output_dir)
        .map_err(|e| PipelineError::io(format!("cannot create {}", output_dir.display()), e))?;
    let pid_tx = tx.clone();
    let mut desk = AgentDesk {
        board,
        role,
        roles: job.roles,
        round: job.round,
        objective: job.objective,
        signals,
        on_start: Box::new(move |pid| {
            let _ = pid_tx.send(FromAgent::Pid(seat, pid));
        }),
        output_dir: output_dir.clone(),
        counts: Default::default(),
    };
    let note_tx = tx.clone();
    let mut note = move |n: Note<'_>| {
        let msg = match n {
            Note::Phase(p) => FromAgent::Phase(seat, p.as_str().to_string()),
            Note::Progress => FromAgent::Progress(seat),
            Note::Log { level, message } => {
                FromAgent::Log(seat, level.to_string(), message.to_string())
            }
            Note::Malformed(problem) => FromAgent::Log(
                seat,
                "warn".into(),
                format!("malformed line ({problem}), counted as an error"),
            ),
        };
        let _ = note_tx.send(msg);
    };
    match job.spec.driver() {
        Driver::Command => {
            let dir = env.runs_dir.join(&pipeline);
            agov_core::fsutil::create_private_dir(&dir)
                .map_err(|e| PipelineError::io(format!("cannot create {}", dir.display()), e))?;
            let packet_path = dir.join(format!("{}.packet.json", job.label));
            agov_core::fsutil::write_atomic(&packet_path, &packet_json, 0o600).map_err(|e| {
                PipelineError::io(format!("cannot write {}", packet_path.display()), e)
            })?;
            let home = dir.join(format!("{}.home", job.label));
            agov_core::fsutil::create_private_dir(&home)
                .map_err(|e| PipelineError::io(format!("cannot create {}", home.display()), e))?;
            let places = agov_agent::contain::AgentPlaces {
                work: &job.work_dir,
                out: &output_dir,
                home: &home,
                packet: Some(&packet_path),
                argv: &job.spec.command,
            };
            let confined = match env.containment.confine(run.tier.number(), &places) {
                Ok(c) => c,
                Err(e) => {
                    run.fail(&format!("it could not be confined: {e}"))?;
                    return Err(AgentError::from(e).into());
                }
            };
            let spec = CommandSpec {
                argv: job.spec.command.clone(),
                packet_path,
                dir: Some(job.work_dir.clone()),
                home,
                confined,
                extra_env: Vec::new(),
                stop: Some(stop),
            };
            agov_agent::command::drive(&mut run, &spec, &mut note, Some(&mut desk))?;
        }
        Driver::Llm => {
            let settings = env.llm.clone().ok_or_else(|| {
                PipelineError::BadInput(format!(
                    "{role} uses the llm driver, but no model is configured (AGOV_LLM_API_KEY, AGOV_LLM_BASE_URL)"
                ))
            })?;
            let client = agov_llm::ChatClient::new(settings).map_err(|e| {
                PipelineError::BadInput(format!("the llm driver cannot start: {e}"))
            })?;
            let work = output_dir.clone();
            let tx2 = tx.clone();
            agov_agent::llm::drive(
                &mut run,
                &client,
                &work,
                &mut |n| {
                    let msg = match n {
                        agov_agent::llm::Note::Phase(p) => {
                            FromAgent::Phase(seat, p.as_str().to_string())
                        }
                        agov_agent::llm::Note::Wrote(path) => {
                            FromAgent::Log(seat, "info".into(), format!("wrote {}", path.display()))
                        }
                    };
                    let _ = tx2.send(msg);
                },
                Some(&mut desk),
            )?;
        }
    }
    if let Some(Outcome::Revoked {
        reason,
        critical: true,
        ..
    }) = run.outcome()
    {
        let reason = format!("{role}: {reason}");
        drop(run);
        crate::control::revoke_for_critical(env, &mut ledger, &pipeline, &reason)?;
        return Ok((SlotStatus::Revoked, Some(reason)));
    }
    Ok(match run.outcome() {
        Some(Outcome::Completed { .. }) => (SlotStatus::Completed, None),
        Some(Outcome::Revoked { reason, .. }) => (SlotStatus::Revoked, Some(reason.clone())),
        Some(Outcome::Failed { reason, .. }) => (SlotStatus::Failed, Some(reason.clone())),
        None => (
            SlotStatus::Failed,
            Some("the run ended without an outcome".into()),
        ),
    })
}
