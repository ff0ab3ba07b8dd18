//! The `llm` driver: a model behind an OpenAI-compatible API as a governed
//! agent.
//!
//! The governor walks the lifecycle for it: in PREFLIGHT it asks the model to
//! restate the task, in PLAN for a plan, in EXECUTE for each deliverable
//! (written to the work folder and reported as an artifact), in VERIFY to
//! judge the result against the success criteria (a verdict starting with
//! FAIL counts as an error), in REPORT for a summary. Each call counts for the
//! rate trigger and is ledgered (model, tokens, attempts; never the prompt's
//! secrets or the key); a call that fails after its retries is an error
//! against the budget.

use std::path::{Path, PathBuf};

use agov_governance::Phase;
use agov_governance::protocol::{Message as Protocol, Section, VoteChoice};
use agov_llm::{ChatClient, Message};

use crate::collab::Collab;
use crate::engine::Run;
use crate::error::AgentError;

/// What the driver tells its caller as the run goes.
pub enum Note<'a> {
    /// The run entered a phase.
    Phase(Phase),
    /// A file was written.
    Wrote(&'a Path),
}

fn system_prompt(run: &Run<'_>) -> String {
    let p = &run.packet;
    format!(
        "You are agent {} working on task {} under governance (tier {}). \
         Stay within the objective and constraints; never ask for anything forbidden.\n\
         Objective: {}\nDeliverables: {}\nScope: {}\nForbidden: {}\nSuccess criteria: {}",
        p.agent_id,
        p.task_id,
        run.tier.number(),
        p.objective,
        p.deliverables.join(", "),
        p.constraints.scope.join(", "),
        p.constraints.forbidden.join(", "),
        p.success_criteria.join("; "),
    )
}

/// Asks the model; a failed call is an error against the budget and `None`.
fn ask(
    run: &mut Run<'_>,
    client: &ChatClient,
    history: &mut Vec<Message>,
    prompt: String,
) -> Result<Option<String>, AgentError> {
    history.push(Message::user(prompt));
    let before = client.calls();
    let result = client.complete(history);
    let attempts = client.calls() - before;
    match result {
        Ok(c) => {
            run.record_call(client.model(), attempts, c.total_tokens)?;
            history.push(Message {
                role: "assistant".into(),
                content: c.content.clone(),
            });
            Ok(Some(c.content))
        }
        Err(e) => {
            run.record_call(client.model(), attempts, None)?;
            history.pop();
            run.error(&e.budget_key(), &e.to_string())?;
            Ok(None)
        }
    }
}

fn write(dir: &Path, name: &str, text: &str) -> Result<PathBuf, AgentError> {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = dir.join(safe.trim_start_matches('.'));
    agov_core::fsutil::write_atomic(&path, text.as_bytes(), 0o600)
        .map_err(|e| AgentError::Process(format!("cannot write {}: {e}", path.display())))?;
    Ok(path)
}

/// Runs the model through the lifecycle; the outcome is then in [`Run::outcome`].
pub fn drive(
    run: &mut Run<'_>,
    client: &ChatClient,
    work_dir: &Path,
    note: &mut dyn FnMut(Note<'_>),
    mut collab: Option<&mut dyn Collab>,
) -> Result<(), AgentError> {
    std::fs::create_dir_all(work_dir)
        .map_err(|e| AgentError::Process(format!("cannot create {}: {e}", work_dir.display())))?;
    let mut system = system_prompt(run);
    if let Some(c) = collab.as_deref() {
        system.push_str("\n\nYou are one agent of a pipeline. What the pipeline knows so far:\n");
        system.push_str(&c.context());
    }
    let mut history = vec![Message::system(system)];
    let deliverables = if run.packet.deliverables.is_empty() {
        vec!["result.md".to_string()]
    } else {
        run.packet.deliverables.clone()
    };
    let steps: Vec<(Phase, String)> = vec![
        (
            Phase::Preflight,
            "PREFLIGHT: restate the task in two sentences and name anything missing.".into(),
        ),
        (Phase::Plan, "PLAN: give a short numbered plan.".into()),
    ];
    for (phase, prompt) in steps {
        run.enter(phase)?;
        note(Note::Phase(phase));
        if run.outcome().is_some() {
            return Ok(());
        }
        if ask(run, client, &mut history, prompt)?.is_some() {
            run.step(&phase.as_str().to_lowercase())?;
        }
        if run.outcome().is_some() {
            return Ok(());
        }
    }
    run.enter(Phase::Execute)?;
    note(Note::Phase(Phase::Execute));
    for d in &deliverables {
        if run.outcome().is_some() {
            return Ok(());
        }
        let prompt =
            format!("EXECUTE: write the deliverable `{d}` in full. Answer with its content only.");
        if let Some(text) = ask(run, client, &mut history, prompt)? {
            let path = write(work_dir, d, &text)?;
            note(Note::Wrote(&path));
            run.artifact(d, Some(&path.display().to_string()))?;
        }
    }
    for step in run.packet.constraints.required_steps.clone() {
        if run.outcome().is_some() {
            return Ok(());
        }
        run.step(&step)?;
    }
    for (phase, prompt) in [
        (
            Phase::Verify,
            "VERIFY: check the deliverables against the success criteria. Start your answer with PASS or FAIL.",
        ),
        (
            Phase::Package,
            "PACKAGE: list the deliverables produced, one per line.",
        ),
        (
            Phase::Report,
            "REPORT: summarise what was done and what is left, in five lines at most.",
        ),
    ] {
        if run.outcome().is_some() {
            return Ok(());
        }
        run.enter(phase)?;
        note(Note::Phase(phase));
        if run.outcome().is_some() {
            return Ok(());
        }
        if let Some(answer) = ask(run, client, &mut history, prompt.into())? {
            if phase == Phase::Verify
                && answer.trim_start().to_ascii_uppercase().starts_with("FAIL")
            {
                run.error(
                    "verify-failed",
                    &format!(
                        "the model's own check failed: {}",
                        answer.lines().next().unwrap_or("")
                    ),
                )?;
            }
            if phase == Phase::Report {
                let path = write(work_dir, "report.md", &answer)?;
                note(Note::Wrote(&path));
                if let Some(c) = collab.as_deref_mut() {
                    share_and_vote(run, client, &mut history, c, answer)?;
                }
            }
        }
    }
    if run.outcome().is_none() {
        run.finish()?;
    }
    Ok(())
}

/// In a pipeline: posts the report to the blackboard's solutions and asks
/// the model for its vote (an answer that is not a vote is an error).
fn share_and_vote(
    run: &mut Run<'_>,
    client: &ChatClient,
    history: &mut Vec<Message>,
    collab: &mut dyn Collab,
    report: String,
) -> Result<(), AgentError> {
    collab.act(
        run,
        Protocol::Post {
            section: Section::Solutions,
            content: serde_json::Value::String(report),
        },
    )?;
    if run.outcome().is_some() {
        return Ok(());
    }
    let prompt = format!(
        "VOTE: given what the pipeline knows now:\n{}\nDo you accept the result? Answer ACCEPT, REJECT or ABSTAIN, then one line of reasoning.",
        collab.context()
    );
    let Some(answer) = ask(run, client, history, prompt)? else {
        return Ok(());
    };
    let mut words = answer.trim_start().splitn(2, char::is_whitespace);
    let first = words
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_ascii_alphabetic());
    match first.parse::<VoteChoice>() {
        Ok(vote) => {
            let reasoning = words.next().unwrap_or("").trim();
            let reasoning = if reasoning.is_empty() {
                "no reasoning given"
            } else {
                reasoning
            };
            collab.act(
                run,
                Protocol::Vote {
                    vote,
                    reasoning: reasoning.chars().take(2000).collect(),
                    proposal: None,
                },
            )
        }
        Err(_) => run.error(
            "vote",
            &format!(
                "the model's vote is not ACCEPT, REJECT or ABSTAIN: {}",
                answer.lines().next().unwrap_or("")
            ),
        ),
    }
}
