//! How pipelines are shown: progress lines while one runs, its status as
//! text or JSON, and the exit code its outcome stands for.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use agov_cli::{CliError, Ctx};
use agov_core::FailureClass;
use agov_pipeline::Role;
use agov_pipeline::artifacts::Artifact;
use agov_pipeline::consensus::Tally;
use agov_pipeline::driver::Driver;
use agov_pipeline::orchestrator::Progress;
use agov_pipeline::state::{GammaSpawn, Slot, StageRun};
use agov_pipeline::{PipelineState, Status};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use serde_json::Value;

/// A pipeline as `--json` shows it (`schema/json/pipeline.schema.json`).
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(
    title = "A pipeline",
    description = "`pipeline status ID --json`, `pipeline revoke ID --json`, `pipeline watch ID --json` (one per change) and the `pipeline` of a `result` event."
)]
pub(crate) struct Summary {
    /// Its id.
    id: String,
    /// The plan's name.
    plan: String,
    /// The plan's digest.
    plan_digest: String,
    /// The marketplace template each agent runs, by role, pinned to
    /// NAME@VERSION when the pipeline was created (empty when the plan
    /// names none). Keyed by role, or by stage name.
    templates: BTreeMap<String, String>,
    /// What it is to achieve.
    objective: String,
    /// Its tier.
    tier: u8,
    /// Where it is.
    status: Status,
    /// 1, then one more per fallback that reruns.
    #[schemars(range(min = 1))]
    round: u32,
    /// Who spawned it.
    spawned_by: String,
    /// When it was created.
    #[schemars(extend("format" = "date-time"))]
    created: String,
    /// Its last change.
    #[schemars(extend("format" = "date-time"))]
    updated: String,
    /// When it must be done by.
    #[schemars(extend("format" = "date-time"))]
    deadline: String,
    /// Where its command agents run.
    work_dir: PathBuf,
    /// By role (alpha, beta, gamma).
    agents: BTreeMap<String, Slot>,
    /// A staged plan's stages, in the plan's order (empty for a role plan).
    stages: Vec<StageView>,
    /// The gates waiting for `pipeline approve`.
    pending_gates: Vec<String>,
    /// Why and when GAMMA was spawned in this round.
    gamma: Option<GammaSpawn>,
    /// The last tally.
    tally: Option<Tally>,
    /// Why it failed, or why consensus failed.
    failure: Option<String>,
    /// Who accepted a partial result.
    accepted_by: Option<String>,
    /// The proposal (a solutions post's id, alpha-r1-1) a partial result
    /// completed with: the one most ACCEPT votes named.
    accepted_proposal: Option<String>,
    /// How the round before this one ended, when a fallback started this
    /// one (round, fallback, failure, tally, each agent's outcome); the
    /// rerun's agents get it in their packets.
    #[schemars(with = "Option<serde_json::Map<String, Value>>")]
    previous_attempt: Option<Value>,
    /// Who revoked it.
    revoked_by: Option<String>,
    /// Fallbacks chosen, oldest first.
    fallbacks: Vec<String>,
    /// Its token, as far as it may be shown.
    token: TokenView,
    /// The process holding its lease.
    driven_by: Option<String>,
    /// Whether a process drives it: alive, gone (its process of this host
    /// exited), none (no lease); null where not looked up (the driver's
    /// own output).
    #[schemars(extend("enum" = ["alive", "gone", "none", null]))]
    driver: Option<String>,
    /// The command that takes over a pipeline that is not settled and has
    /// no live driver.
    continue_with: Option<String>,
    /// How many processes have driven it (more than 1 after a takeover).
    drivers: u32,
    /// 0 completed, 2 consensus failed, 3 revoked, 1 otherwise.
    #[schemars(range(max = 3))]
    exit_code: u8,
    /// Every deliverable of the plan with its path, written or not
    /// (`bytes` null); `pipeline artifacts ID` lists every file.
    deliverables: Vec<Artifact>,
}

/// The pipeline token, as far as it may be shown.
#[derive(Serialize, schemars::JsonSchema)]
struct TokenView {
    /// Its accessor.
    accessor: String,
    /// The authority that issued it.
    #[schemars(extend("enum" = ["vault", "embedded"]))]
    backend: String,
    /// When it expires, as of its last renewal.
    expires: String,
    /// How often it was renewed.
    renewals: u32,
    /// When it was revoked.
    #[schemars(extend("format" = "date-time"))]
    revoked: Option<String>,
}

/// One stage of a staged pipeline, with times as text.
#[derive(Serialize, schemars::JsonSchema)]
struct StageView {
    /// The stage's name.
    name: String,
    /// Its agent (its id empty for a gate) and where it is.
    #[serde(flatten)]
    slot: Slot,
    /// When its next try may start (µs), after a failed one with retries
    /// left.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "i64")]
    retry_at_us: Option<i64>,
    /// A human gate, once open.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "GateView")]
    gate: Option<GateView>,
}

/// A human gate, open for a decision.
#[derive(Serialize, schemars::JsonSchema)]
struct GateView {
    /// Of what is to be approved now; pass it to `pipeline approve
    /// --digest`.
    digest: String,
    /// When it opened (µs).
    opened_us: i64,
    /// When it times out (µs).
    deadline_us: i64,
    /// When it opened.
    #[schemars(extend("format" = "date-time"))]
    opened: String,
    /// When it times out.
    #[schemars(extend("format" = "date-time"))]
    deadline: String,
    /// Who may approve (absent: anyone).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    approvers: Vec<String>,
    /// The decision, once taken and checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "DecisionView")]
    decision: Option<DecisionView>,
}

/// A person's decision on a gate.
#[derive(Serialize, schemars::JsonSchema)]
struct DecisionView {
    /// Approved (else rejected).
    approved: bool,
    /// vault:NAME (the Vault identity of VAULT_TOKEN) or user:NAME (the OS
    /// user).
    by: String,
    /// When (µs).
    at_us: i64,
    /// When.
    #[schemars(extend("format" = "date-time"))]
    at: String,
    /// Why, if they said.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    reason: Option<String>,
    /// Of what was approved: the plan, the stage, the files of the stages
    /// it requires.
    digest: String,
}

/// A line of a running pipeline's progress
/// (`schema/json/pipeline-event.schema.json`).
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(
    title = "A line of a running pipeline's progress",
    description = "`pipeline spawn|continue|consensus fallback --json` print JSON Lines: `spawned` first (spawn only), then `status`, `agent`, `log`, `gamma` and `tally` events as they happen, and `result` last."
)]
pub(crate) struct EventLine {
    /// The id; in a `result`, the whole pipeline (pipeline.schema.json).
    pipeline: Subject,
    /// What happened.
    #[serde(flatten)]
    event: Event,
}

/// What a progress line is about.
#[derive(Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub(super) enum Subject {
    /// The pipeline's id.
    Id(String),
    /// The whole pipeline (a `result`).
    Whole(Box<Summary>),
}

/// What happened, by its `event`.
#[derive(Serialize, schemars::JsonSchema)]
#[serde(tag = "event", rename_all = "lowercase")]
pub(super) enum Event {
    /// The pipeline was created (spawn only, first).
    Spawned {
        /// Its plan's name.
        plan: String,
        /// Its tier.
        tier: u8,
    },
    /// It changed status.
    Status {
        /// The new status.
        status: Status,
        /// Why.
        note: Option<String>,
    },
    /// An agent (or a stage) did something.
    Agent {
        /// Its role.
        role: Role,
        /// The stage, in a staged pipeline (null otherwise).
        stage: Option<String>,
        /// started, a phase, completed, revoked: …
        what: String,
    },
    /// An agent logged a line.
    Log {
        /// Its role.
        role: Role,
        /// The stage, in a staged pipeline (null otherwise).
        stage: Option<String>,
        /// Its level.
        level: String,
        /// The text.
        message: String,
    },
    /// GAMMA was spawned.
    Gamma {
        /// Its trigger.
        reason: String,
    },
    /// The votes were counted.
    Tally {
        /// The tally.
        tally: Tally,
    },
    /// How it ended (last): `pipeline` is the whole pipeline.
    Result,
}

/// A progress line as JSON, its keys in order as before.
pub(super) fn event_json(pipeline: Subject, event: Event) -> Value {
    serde_json::to_value(EventLine { pipeline, event }).unwrap_or_default()
}

/// The JSON of a pipeline (`schema/json/pipeline.schema.json`); `runs_dir`
/// holds the agents' output folders.
pub(super) fn summary(st: &PipelineState, driver: Option<&Driver>, runs_dir: &Path) -> Value {
    // Through a `Value`: its keys in order, as before.
    serde_json::to_value(typed_summary(st, driver, runs_dir)).unwrap_or_default()
}

/// A pipeline as `--json` shows it.
fn typed_summary(st: &PipelineState, driver: Option<&Driver>, runs_dir: &Path) -> Summary {
    Summary {
        id: st.id.clone(),
        plan: st.plan.name.clone(),
        plan_digest: st.plan_digest.clone(),
        templates: st.plan.template_refs().into_iter().collect(),
        objective: st.objective.clone(),
        tier: st.tier,
        status: st.status,
        round: st.round,
        spawned_by: st.spawned_by.clone(),
        created: agov_core::time::format_us(st.created_us),
        updated: agov_core::time::format_us(st.updated_us),
        deadline: agov_core::time::format_us(st.deadline_us),
        work_dir: st.work_dir.clone(),
        agents: st
            .agents
            .iter()
            .map(|(r, s)| (r.as_str().to_string(), s.clone()))
            .collect(),
        stages: st.stages.iter().map(stage_view).collect(),
        pending_gates: st.pending_gates().map(|g| g.name.clone()).collect(),
        gamma: st.gamma.clone(),
        tally: st.tally.clone(),
        failure: st.failure.clone(),
        accepted_by: st.accepted_by.clone(),
        accepted_proposal: st.accepted_proposal.clone(),
        previous_attempt: st.previous_attempt.clone(),
        revoked_by: st.revoked_by.clone(),
        fallbacks: st.fallbacks.clone(),
        token: TokenView {
            accessor: st.token.accessor.clone(),
            backend: st.token.backend.clone(),
            expires: agov_core::time::format_us(st.token.expires_us),
            renewals: st.token.renewals,
            revoked: st.token.revoked_us.map(agov_core::time::format_us),
        },
        driven_by: driver.and_then(Driver::holder).map(Into::into),
        driver: driver.map(|d| d.as_str().to_string()),
        continue_with: driver
            .filter(|d| !st.status.is_settled() && !matches!(d, Driver::Alive(_)))
            .map(|_| format!("pipeline continue {}", st.id)),
        drivers: st.drivers,
        exit_code: st.exit_code(),
        deliverables: deliverables(st, runs_dir),
    }
}

/// The plan's deliverables, each with its path (found or not).
fn deliverables(st: &PipelineState, runs_dir: &Path) -> Vec<Artifact> {
    agov_pipeline::artifacts::list(st, runs_dir)
        .into_iter()
        .filter(|a| a.deliverable)
        .collect()
}

/// One stage of a pipeline as shown: its slot, with times as text.
fn stage_view(r: &StageRun) -> StageView {
    StageView {
        name: r.name.clone(),
        slot: r.slot.clone(),
        retry_at_us: r.retry_at_us,
        gate: r.gate.as_ref().map(|g| GateView {
            digest: g.digest.clone(),
            opened_us: g.opened_us,
            deadline_us: g.deadline_us,
            opened: agov_core::time::format_us(g.opened_us),
            deadline: agov_core::time::format_us(g.deadline_us),
            approvers: g.approvers.clone(),
            decision: g.decision.as_ref().map(|d| DecisionView {
                approved: d.approved,
                by: d.by.clone(),
                at_us: d.at_us,
                at: agov_core::time::format_us(d.at_us),
                reason: d.reason.clone(),
                digest: d.digest.clone(),
            }),
        }),
    }
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
        let (event, line) = match &p {
            Progress::Status { status, note } => (
                Event::Status {
                    status: *status,
                    note: note.map(Into::into),
                },
                match note {
                    Some(n) => format!("pipeline {status} ({n})"),
                    None => format!("pipeline {status}"),
                },
            ),
            Progress::Agent { role, stage, what } => (
                Event::Agent {
                    role: *role,
                    stage: stage.map(Into::into),
                    what: (*what).into(),
                },
                format!("{} {what}", seat(*role, *stage)),
            ),
            Progress::Log {
                role,
                stage,
                level,
                message,
            } => (
                Event::Log {
                    role: *role,
                    stage: stage.map(Into::into),
                    level: (*level).into(),
                    message: (*message).into(),
                },
                format!("{} [{level}] {message}", seat(*role, *stage)),
            ),
            Progress::Gamma { reason } => (
                Event::Gamma {
                    reason: (*reason).into(),
                },
                format!("gamma spawned: {reason}"),
            ),
            Progress::Tally(t) => (
                Event::Tally {
                    tally: (*t).clone(),
                },
                format!(
                    "votes: {} accept, {} reject, {} abstain — {}",
                    t.accepts, t.rejects, t.abstains, t.reason
                ),
            ),
        };
        if let Some(board) = live.as_mut() {
            board.show(&p, &line);
        } else if json {
            let doc = event_json(Subject::Id(id.clone()), event);
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
        ctx.out.json_line(&event_json(
            Subject::Whole(Box::new(typed_summary(st, None, &runs))),
            Event::Result,
        ))?;
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
