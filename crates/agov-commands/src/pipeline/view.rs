//! How pipelines are shown: progress lines while one runs, its status as
//! text or JSON, and the exit code its outcome stands for.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;
use std::time::Duration;

use agov_cli::{CliError, Ctx};
use agov_core::FailureClass;
use agov_pipeline::Role;
use agov_pipeline::artifacts::Artifact;
use agov_pipeline::driver::Driver;
use agov_pipeline::orchestrator::Progress;
use agov_pipeline::{PipelineState, Status};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{Value, json};

/// The JSON of a pipeline (`schema/json/pipeline.schema.json`); `runs_dir`
/// holds the agents' output folders.
pub(super) fn summary(st: &PipelineState, driver: Option<&Driver>, runs_dir: &Path) -> Value {
    let agents: serde_json::Map<String, Value> = st
        .agents
        .iter()
        .map(|(r, s)| {
            (
                r.as_str().to_string(),
                serde_json::to_value(s).unwrap_or_default(),
            )
        })
        .collect();
    json!({
        "id": st.id,
        "plan": st.plan.name,
        "plan_digest": st.plan_digest,
        "templates": st
            .plan
            .template_refs()
            .into_iter()
            .map(|(who, t)| (who, Value::String(t)))
            .collect::<serde_json::Map<String, Value>>(),
        "objective": st.objective,
        "tier": st.tier,
        "status": st.status.as_str(),
        "round": st.round,
        "spawned_by": st.spawned_by,
        "created": agov_core::time::format_us(st.created_us),
        "updated": agov_core::time::format_us(st.updated_us),
        "deadline": agov_core::time::format_us(st.deadline_us),
        "work_dir": st.work_dir,
        "agents": agents,
        "stages": st.stages.iter().map(stage_json).collect::<Vec<_>>(),
        "pending_gates": st.pending_gates().map(|g| g.name.as_str()).collect::<Vec<_>>(),
        "gamma": st.gamma,
        "tally": st.tally,
        "failure": st.failure,
        "accepted_by": st.accepted_by,
        "accepted_proposal": st.accepted_proposal,
        "previous_attempt": st.previous_attempt,
        "revoked_by": st.revoked_by,
        "fallbacks": st.fallbacks,
        "token": {
            "accessor": st.token.accessor,
            "backend": st.token.backend,
            "expires": agov_core::time::format_us(st.token.expires_us),
            "renewals": st.token.renewals,
            "revoked": st.token.revoked_us.map(agov_core::time::format_us),
        },
        "driven_by": driver.and_then(Driver::holder),
        "driver": driver.map(Driver::as_str),
        "continue_with": driver
            .filter(|d| !st.status.is_settled() && !matches!(d, Driver::Alive(_)))
            .map(|_| format!("pipeline continue {}", st.id)),
        "drivers": st.drivers,
        "exit_code": st.exit_code(),
        "deliverables": deliverables(st, runs_dir),
    })
}

/// The plan's deliverables, each with its path (found or not).
fn deliverables(st: &PipelineState, runs_dir: &Path) -> Vec<Artifact> {
    agov_pipeline::artifacts::list(st, runs_dir)
        .into_iter()
        .filter(|a| a.deliverable)
        .collect()
}

/// One stage of a pipeline as JSON: its slot, with times as text.
fn stage_json(r: &agov_pipeline::state::StageRun) -> Value {
    let mut v = serde_json::to_value(r).unwrap_or_default();
    if let Some(g) = &r.gate {
        v["gate"]["opened"] = json!(agov_core::time::format_us(g.opened_us));
        v["gate"]["deadline"] = json!(agov_core::time::format_us(g.deadline_us));
        if let Some(d) = &g.decision {
            v["gate"]["decision"]["at"] = json!(agov_core::time::format_us(d.at_us));
        }
    }
    v
}

/// A pipeline's waiting gates as lines: what to run to decide each.
pub(crate) fn gate_lines(st: &PipelineState) -> Vec<String> {
    st.pending_gates()
        .filter_map(|r| {
            let g = r.gate.as_ref()?;
            let who = if g.approvers.is_empty() {
                String::new()
            } else {
                format!(" (by {})", g.approvers.join(", "))
            };
            Some(format!(
                "gate {} of {} waits for approval{who} until {}: pipeline approve {} --stage {} --digest {}",
                r.name,
                st.id,
                agov_core::time::format_us(g.deadline_us),
                st.id,
                r.name,
                g.digest
            ))
        })
        .collect()
}

/// A pipeline as lines of text; `runs_dir` holds the agents' output folders.
pub(super) fn describe(
    st: &PipelineState,
    driver: Option<&Driver>,
    runs_dir: &Path,
) -> Vec<String> {
    let mut out = vec![format!(
        "{} {} (plan {}, tier {}, round {})",
        st.id, st.status, st.plan.name, st.tier, st.round
    )];
    out.push(format!("  objective: {}", st.objective));
    for (role, s) in &st.agents {
        let mut line = format!(
            "  {role:<5} {:<9} {:<10} {}",
            s.status.as_str(),
            s.phase.clone().unwrap_or_default(),
            s.agent_id
        );
        if let Some(r) = &s.reason {
            line.push_str(&format!(" — {r}"));
        }
        out.push(line);
    }
    for r in &st.stages {
        let s = &r.slot;
        let mut line = format!(
            "  stage {:<12} {:<9} {:<10} {}",
            r.name,
            s.status.as_str(),
            s.phase.clone().unwrap_or_default(),
            s.agent_id
        );
        if s.attempts > 1 {
            line.push_str(&format!(" (try {})", s.attempts));
        }
        if let Some(why) = &s.reason {
            line.push_str(&format!(" — {why}"));
        }
        out.push(line);
    }
    out.extend(gate_lines(st).into_iter().map(|l| format!("  {l}")));
    if let Some(g) = &st.gamma {
        out.push(format!("  gamma spawned: {}", g.reason));
    }
    if let Some(t) = &st.tally {
        out.push(format!(
            "  votes: {} accept, {} reject, {} abstain — {}",
            t.accepts, t.rejects, t.abstains, t.reason
        ));
    }
    if let Some(f) = &st.failure {
        out.push(format!("  failure: {f}"));
    }
    if let Some(a) = &st.accepted_by {
        match &st.accepted_proposal {
            Some(p) => out.push(format!(
                "  partial result accepted by {a}: proposal {p} (`pipeline blackboard {} --section solutions`)",
                st.id
            )),
            None => out.push(format!("  partial result accepted by {a}")),
        }
    }
    for d in deliverables(st, runs_dir) {
        out.push(format!(
            "  deliverable {} {}: {}{}",
            d.agent,
            d.name,
            d.path,
            if d.present() { "" } else { " (missing)" }
        ));
    }
    if runs_dir.join(&st.id).is_dir() {
        out.push(format!(
            "  every file the agents left: `pipeline artifacts {}`",
            st.id
        ));
    }
    match driver {
        Some(Driver::Alive(h)) => out.push(format!("  driven by {h}")),
        Some(Driver::Gone(h)) if !st.status.is_settled() => out.push(format!(
            "  driver gone ({h} exited): `pipeline continue {}` takes over",
            st.id
        )),
        Some(Driver::Nobody) if !st.status.is_settled() => out.push(format!(
            "  no driver: `pipeline continue {}` takes over",
            st.id
        )),
        _ => {}
    }
    out
}

/// Who a progress line is about: the role, or the stage.
fn seat(role: Role, stage: Option<&str>) -> String {
    match stage {
        Some(s) => format!("stage {s}"),
        None => format!("{role:<5}"),
    }
}

/// Prints progress as it happens: a line per event on stderr, or JSON
/// Lines on stdout with `--json`; nothing with `--quiet`.
pub(super) fn progress_printer<'c>(ctx: &'c mut Ctx, id: &str) -> impl FnMut(Progress<'_>) + 'c {
    let id = id.to_string();
    let json = ctx.json();
    let quiet = ctx.global.quiet;
    let mut live = (!json && !quiet && std::io::stderr().is_terminal()).then(|| Live::new(&id));
    move |p: Progress<'_>| {
        let (doc, line) = match &p {
            Progress::Status { status, note } => (
                json!({"event": "status", "status": status.as_str(), "note": note}),
                match note {
                    Some(n) => format!("pipeline {status} ({n})"),
                    None => format!("pipeline {status}"),
                },
            ),
            Progress::Agent { role, stage, what } => (
                json!({"event": "agent", "role": role.as_str(), "stage": stage, "what": what}),
                format!("{} {what}", seat(*role, *stage)),
            ),
            Progress::Log {
                role,
                stage,
                level,
                message,
            } => (
                json!({"event": "log", "role": role.as_str(), "stage": stage, "level": level, "message": message}),
                format!("{} [{level}] {message}", seat(*role, *stage)),
            ),
            Progress::Gamma { reason } => (
                json!({"event": "gamma", "reason": reason}),
                format!("gamma spawned: {reason}"),
            ),
            Progress::Tally(t) => (
                json!({"event": "tally", "tally": t}),
                format!(
                    "votes: {} accept, {} reject, {} abstain — {}",
                    t.accepts, t.rejects, t.abstains, t.reason
                ),
            ),
        };
        if let Some(board) = live.as_mut() {
            board.show(&p, &line);
        } else if json {
            let mut doc = doc;
            doc["pipeline"] = json!(id);
            // A closed stdout ends the output, not the pipeline.
            let _ = ctx.out.json_line(&doc).and_then(|()| ctx.out.flush());
        } else if !quiet {
            agov_cli::stderr_line(&line);
        }
    }
}

/// Prints how a pipeline ended and turns its outcome into the exit code:
/// 0 completed, 2 consensus failure, 3 revoked, 1 otherwise.
pub(super) fn finish(ctx: &mut Ctx, st: &PipelineState) -> Result<(), CliError> {
    let runs = super::runs_dir(&ctx.settings()?);
    if ctx.json() {
        ctx.out
            .json_line(&json!({"event": "result", "pipeline": summary(st, None, &runs)}))?;
    } else {
        for l in describe(st, None, &runs) {
            ctx.out.line(&l)?;
        }
    }
    outcome(st)
}

/// The error (and so the exit code) a pipeline's status stands for.
pub(super) fn outcome(st: &PipelineState) -> Result<(), CliError> {
    let id = &st.id;
    match st.status {
        Status::Completed => Ok(()),
        Status::ConsensusFailed => Err(CliError::new(
            FailureClass::ConsensusFailed,
            format!(
                "pipeline {id} reached no consensus: {}",
                st.failure.clone().unwrap_or_default()
            ),
        )
        .with_hint(format!(
            "choose a fallback: `pipeline consensus fallback {id} --action rerun_same|rerun_gamma|escalate_tier|accept_partial|download_log`"
        ))),
        Status::Failed if st.revoked_by.is_some() => Err(CliError::new(
            FailureClass::Denied,
            format!(
                "pipeline {id} was revoked: {}",
                st.failure.clone().unwrap_or_default()
            ),
        )),
        Status::Failed
            if st
                .failure
                .as_deref()
                .is_some_and(|f| f.starts_with("agents that never ran")) =>
        {
            Err(CliError::failed(format!(
                "pipeline {id} failed: {}",
                st.failure.clone().unwrap_or_default()
            ))
            .with_hint(
                "check each agent's `command` in the plan: it runs from the folder the pipeline was spawned in, and its first line on stdout announces PREFLIGHT (see examples/agents/); then `pipeline spawn` again",
            ))
        }
        Status::Failed => Err(CliError::failed(format!(
            "pipeline {id} failed: {}",
            st.failure.clone().unwrap_or_default()
        ))
        .with_hint(format!("`pipeline logs {id}` shows what happened"))),
        other => Err(CliError::failed(format!("pipeline {id} is still {other}"))
            .with_hint(format!("`pipeline watch {id}` follows it"))),
    }
}

/// The live view on a terminal: the pipeline's status and a line per agent
/// with its phase, redrawn in place; logs and GAMMA's spawn scroll above.
struct Live {
    id: String,
    multi: MultiProgress,
    status: ProgressBar,
    agents: BTreeMap<String, ProgressBar>,
}

impl Live {
    fn new(id: &str) -> Live {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let status = multi.add(Live::spinner());
        status.set_message(format!("pipeline {id} SPAWN"));
        Live {
            id: id.to_string(),
            multi,
            status,
            agents: BTreeMap::new(),
        }
    }

    fn spinner() -> ProgressBar {
        let pb = ProgressBar::new_spinner();
        pb.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        pb.enable_steady_tick(Duration::from_millis(120));
        pb
    }

    fn show(&mut self, p: &Progress<'_>, line: &str) {
        match p {
            Progress::Status { status, .. } => {
                self.status
                    .set_message(format!("pipeline {} {status}", self.id));
                if status.is_settled() {
                    self.status.finish_and_clear();
                    for a in self.agents.values() {
                        a.finish();
                    }
                }
            }
            Progress::Agent { role, stage, what } => {
                let multi = &self.multi;
                let who = seat(*role, *stage);
                let bar = self
                    .agents
                    .entry(who.clone())
                    .or_insert_with(|| multi.add(Live::spinner()));
                bar.set_message(format!("{who} {what}"));
            }
            Progress::Log { .. } | Progress::Gamma { .. } | Progress::Tally(_) => {
                // Printed above the live lines; a closed terminal is not an error.
                let _ = self.multi.println(line);
            }
        }
    }
}
