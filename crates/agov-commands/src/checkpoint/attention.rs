//! What needs a person right now, for `checkpoint load`: pipelines waiting
//! for a fallback or a gate, pipelines nobody drives any more, revoked
//! agents, open critical bugs, and STATUS.md files edited by hand since the
//! checkpoint. The briefing shows all of it, whatever `--per-group` says.

use std::collections::BTreeMap;
use std::path::Path;

use agov_checkpoint::{BugsPart, Item};
use agov_config::Settings;
use agov_pipeline::PipelineState;
use agov_pipeline::driver::Driver;
use agov_runtime::RuntimeStore;
use agov_runtime::keys::Keyspace;
use serde::Serialize;

use crate::backends;

/// One thing that waits for a person, and the command that settles it.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct Attention {
    /// `fallback`, `gate`, `driver_gone`, `revoked_agent` or `critical_bug`.
    #[schemars(extend("enum" = ["fallback", "gate", "driver_gone", "revoked_agent", "critical_bug"]))]
    pub kind: &'static str,
    /// The pipeline, agent or bug.
    pub subject: String,
    /// In words.
    pub what: String,
    /// What to run.
    pub command: Option<String>,
}

/// Everything that waits for a person; the error says which part could
/// not be read (the runtime store is down).
pub(super) fn needs_you(settings: &Settings, bugs: &BugsPart) -> (Vec<Attention>, Option<String>) {
    let mut out: Vec<Attention> = bugs
        .urgent
        .iter()
        .filter(|b| b.severity == "critical")
        .map(|b| Attention {
            kind: "critical_bug",
            subject: b.id.clone(),
            what: format!("bug {} [critical] is open: {}", b.id, b.title),
            command: Some(format!("bugs claim {}", b.id)),
        })
        .collect();
    match runtime(settings) {
        Ok(mut found) => {
            found.append(&mut out);
            (found, None)
        }
        Err(e) => (out, Some(e)),
    }
}

fn runtime(settings: &Settings) -> Result<Vec<Attention>, String> {
    let store = backends::runtime_store(settings).map_err(|e| e.message().to_string())?;
    let ks = Keyspace::new(&settings.tenant.value);
    let list = agov_pipeline::state::list(store.as_ref(), &ks).map_err(|e| e.to_string())?;
    let drivers = drivers(store.as_ref(), &ks, &list).map_err(|e| e.to_string())?;
    let mut out = pipelines(&list, &drivers);
    out.extend(revoked_agents(store.as_ref(), &ks).map_err(|e| e.to_string())?);
    Ok(out)
}

/// Who drives each pipeline that has not settled (a settled one has
/// nobody to drive it, and needs no look-up).
pub(crate) fn drivers(
    store: &dyn RuntimeStore,
    ks: &Keyspace,
    list: &[PipelineState],
) -> Result<BTreeMap<String, Driver>, agov_pipeline::PipelineError> {
    list.iter()
        .filter(|p| !p.status.is_settled())
        .map(|p| {
            Ok((
                p.id.clone(),
                agov_pipeline::driver::driver(store, ks, &p.id)?,
            ))
        })
        .collect()
}

/// What the pipelines in `list` wait for: a fallback after a consensus
/// failure, a gate, a driver (`drivers` as from [`drivers`]).
pub(crate) fn pipelines(
    list: &[PipelineState],
    drivers: &BTreeMap<String, Driver>,
) -> Vec<Attention> {
    let mut out = Vec::new();
    for p in list {
        let id = &p.id;
        if p.status == agov_pipeline::Status::ConsensusFailed {
            out.push(Attention {
                kind: "fallback",
                subject: id.clone(),
                what: format!(
                    "{id} CONSENSUS_FAILED, waiting for a fallback{}",
                    p.failure
                        .as_deref()
                        .map(|f| format!(" ({f})"))
                        .unwrap_or_default()
                ),
                command: Some(format!(
                    "pipeline consensus fallback {id} --action rerun_same|rerun_gamma|escalate_tier|accept_partial"
                )),
            });
            continue;
        }
        if p.status.is_settled() {
            continue;
        }
        let gates: Vec<_> = p.pending_gates().collect();
        for r in &gates {
            let digest = r.gate.as_ref().map(|g| g.digest.as_str()).unwrap_or("");
            out.push(Attention {
                kind: "gate",
                subject: id.clone(),
                what: format!("gate {} of {id} waits for a person", r.name),
                command: Some(format!(
                    "pipeline approve {id} --stage {} --digest {digest} (or --reject)",
                    r.name
                )),
            });
        }
        if gates.is_empty() && !matches!(drivers.get(id), Some(Driver::Alive(_))) {
            out.push(Attention {
                kind: "driver_gone",
                subject: id.clone(),
                what: format!("{id} {} and nobody drives it", p.status),
                command: Some(format!("pipeline continue {id}")),
            });
        }
    }
    out
}

/// The agents on the tenant's revocation list.
pub(crate) fn revoked_agents(
    store: &dyn RuntimeStore,
    ks: &Keyspace,
) -> Result<Vec<Attention>, agov_runtime::RuntimeError> {
    Ok(store
        .hgetall(&ks.revocations())?
        .into_iter()
        .map(|(agent, v)| {
            let v: serde_json::Value = serde_json::from_slice(&v).unwrap_or_default();
            Attention {
                kind: "revoked_agent",
                what: format!(
                    "agent {agent} is revoked: {}",
                    v["reason"].as_str().unwrap_or("no reason given")
                ),
                command: Some(format!("pipeline agents reinstate {agent}")),
                subject: agent,
            }
        })
        .collect())
}

/// STATUS.md files under `root` changed after `since_us` other than through
/// `status update` (whose changes are in `recorded`).
pub(super) fn edited_by_hand(root: &Path, since_us: i64, recorded: &[Item]) -> Vec<String> {
    let opts = agov_status::SweepOptions {
        stale_after: std::time::Duration::from_secs(7 * 86_400),
        now_us: agov_core::time::now_us(),
    };
    let Ok(sweep) = agov_status::sweep(root, opts) else {
        return Vec::new();
    };
    sweep
        .dirs
        .into_iter()
        .filter(|d| d.state != "missing")
        .filter_map(|d| {
            let dir = if d.path == "." {
                root.to_path_buf()
            } else {
                root.join(&d.path)
            };
            let file = dir.join("STATUS.md");
            let modified = std::fs::symlink_metadata(&file).ok()?.modified().ok()?;
            let modified_us = modified
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?
                .as_micros() as i64;
            let through_update = recorded.iter().any(|i| {
                i.subject.as_deref().is_some_and(|s| {
                    Path::new(s) == dir || (d.path != "." && Path::new(s).ends_with(&d.path))
                }) && agov_core::time::parse_point(&i.ts, 0)
                    .is_ok_and(|t| t + 2_000_000 >= modified_us)
            });
            (modified_us > since_us && !through_update).then(|| file.display().to_string())
        })
        .collect()
}
