//! Human gates: a stage of `type: human-gate` waits until a person approves
//! or rejects it with `pipeline approve ID --stage S [--reject]`.
//!
//! What is approved is pinned by a digest of the plan, the stage and the
//! files the stages it requires produced (their `AGOV_OUTPUT_DIR`s). The
//! decision is stored at `pipeline:{id}:gate:{stage}`; the pipeline's
//! driver takes it, computes the digest again and accepts it only if
//! nothing changed since; otherwise the approval is void and the gate waits
//! for a new one. A gate with no decision by its timeout fails its stage.

use std::path::{Path, PathBuf};

use agov_ledger::Ledger;
use agov_runtime::keys::Keyspace;
use sha2::{Digest, Sha256};

use crate::error::PipelineError;
use crate::orchestrator::{Env, event};
use crate::stage::StageKind;
use crate::state::{self, GateDecision, PipelineState, SlotStatus};

/// The folder of stage `name`'s files in pipeline `id`.
pub fn stage_dir(runs_dir: &Path, id: &str, name: &str) -> PathBuf {
    runs_dir.join(id).join(format!("stage-{name}"))
}

/// The digest of what gate `stage` of `st` approves: the plan's digest,
/// the stage's name, and every file (path and content) of the stages it
/// requires, in order.
pub fn digest(st: &PipelineState, runs_dir: &Path, stage: &str) -> String {
    let mut h = Sha256::new();
    h.update(st.plan_digest.as_bytes());
    h.update([0]);
    h.update(stage.as_bytes());
    h.update([0]);
    let requires = st
        .plan
        .stage(stage)
        .map(|s| s.requires.clone())
        .unwrap_or_default();
    for r in requires {
        h.update(r.as_bytes());
        h.update([0]);
        let dir = stage_dir(runs_dir, &st.id, &r);
        let mut files = Vec::new();
        collect(&dir, &dir, &mut files);
        files.sort();
        for (rel, path) in files {
            h.update(rel.as_bytes());
            h.update([0]);
            // A file that cannot be read counts as changed content.
            h.update(std::fs::read(&path).unwrap_or_else(|_| b"\0unreadable".to_vec()));
            h.update([0]);
        }
    }
    hex::encode(&h.finalize()[..12])
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => collect(root, &path, out),
            Ok(t) if t.is_file() => {
                let rel = path
                    .strip_prefix(root)
                    .unwrap_or(&path)
                    .display()
                    .to_string();
                out.push((rel, path));
            }
            _ => {}
        }
    }
}

/// The key a decision on gate `stage` of pipeline `id` waits at.
pub fn decision_key(keys: &Keyspace, id: &str, stage: &str) -> String {
    keys.pipeline(id, &format!("gate:{stage}"))
}

/// What a person decides on a gate.
pub struct Decide<'a> {
    /// The pipeline.
    pub id: &'a str,
    /// The gate's stage.
    pub stage: &'a str,
    /// Approve (else reject).
    pub approved: bool,
    /// Who (`vault:NAME` or `user:NAME`).
    pub by: &'a str,
    /// Why.
    pub reason: Option<&'a str>,
    /// The digest the person reviewed (`--digest`), if they give it.
    pub reviewed: Option<&'a str>,
}

/// Records a decision on a waiting gate, for the driver to take: checks
/// that the stage is a gate waiting for one, that `by` may decide it and
/// (with `reviewed`) that what is to be approved has not changed; ledgers
/// it. A second decision before the driver took the first is refused.
pub fn decide(
    env: &Env<'_>,
    ledger: &mut Ledger,
    d: &Decide<'_>,
) -> Result<GateDecision, PipelineError> {
    let k = Keyspace::new(&env.tenant);
    let st = state::load(env.store, &k, d.id)?;
    let Some(stage) = st.plan.stage(d.stage) else {
        let names: Vec<&str> = st.plan.stages.iter().map(|s| s.name.as_str()).collect();
        return Err(PipelineError::BadInput(if names.is_empty() {
            format!("pipeline {} has no stages", d.id)
        } else {
            format!(
                "pipeline {} has no stage `{}` (its stages: {})",
                d.id,
                d.stage,
                names.join(", ")
            )
        }));
    };
    if stage.kind != StageKind::HumanGate {
        return Err(PipelineError::BadInput(format!(
            "stage `{}` of pipeline {} is not a human gate",
            d.stage, d.id
        )));
    }
    let run = st.stage(d.stage).map(|r| r.slot.status);
    if run != Some(SlotStatus::Waiting) {
        return Err(PipelineError::WrongState {
            id: d.id.to_string(),
            status: st.status.as_str().to_string(),
            detail: format!(
                "its gate `{}` is not waiting for a decision (it is {})",
                d.stage,
                run.map_or("unknown", SlotStatus::as_str)
            ),
        });
    }
    if !stage.approvers.is_empty() {
        let name = d.by.split_once(':').map_or(d.by, |(_, n)| n);
        if !stage.approvers.iter().any(|a| a == name || a == d.by) {
            return Err(PipelineError::NotAllowed(format!(
                "{} may not decide gate `{}` of pipeline {} (its approvers: {})",
                d.by,
                d.stage,
                d.id,
                stage.approvers.join(", ")
            )));
        }
    }
    let digest = digest(&st, &env.runs_dir, d.stage);
    if let Some(seen) = d.reviewed
        && seen != digest
    {
        return Err(PipelineError::BadInput(format!(
            "what gate `{}` approves changed since you reviewed it: its digest is now {digest}, not {seen}",
            d.stage
        )));
    }
    let decision = GateDecision {
        approved: d.approved,
        by: d.by.to_string(),
        at_us: agov_core::time::now_us(),
        reason: d.reason.map(str::to_string),
        digest,
    };
    let key = decision_key(&k, d.id, d.stage);
    let value = serde_json::to_vec(&decision).unwrap_or_default();
    if !env.store.set_nx(&key, &value, None)? {
        return Err(PipelineError::WrongState {
            id: d.id.to_string(),
            status: st.status.as_str().to_string(),
            detail: format!(
                "gate `{}` already has a decision that its driver has not taken yet",
                d.stage
            ),
        });
    }
    let action = if d.approved {
        "pipeline.gate_approve"
    } else {
        "pipeline.gate_reject"
    };
    let mut e = event(env, d.id, action)
        .with("stage", d.stage)
        .with("digest", decision.digest.as_str())
        .with("by", d.by);
    if let Some(r) = d.reason {
        e = e.with("reason", r);
    }
    if let Err(err) = ledger.append(&e) {
        // Unrecorded, it must not count.
        let _ = env.store.del(&key);
        return Err(err.into());
    }
    Ok(decision)
}
