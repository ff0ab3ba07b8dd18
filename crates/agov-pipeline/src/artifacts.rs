//! What a pipeline's agents left: every file in each agent's output folder
//! (`{runs}/{id}/{role}/`, or `{runs}/{id}/stage-{name}/` for a stage; the
//! agent's `AGOV_OUTPUT_DIR`), and each deliverable its plan asked for,
//! found or not. Symbolic links are listed, never followed.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::state::PipelineState;

/// One file an agent left, or a deliverable it was asked for.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[schemars(
    title = "A file a pipeline's agent left",
    description = "One file in an agent's output folder (`<data>/pipelines/ID/ROLE/` or `stage-NAME/`), or a deliverable the plan asked for."
)]
pub struct Artifact {
    /// Whose folder: the role (`beta`), or `stage-NAME`.
    pub agent: String,
    /// Its path inside that folder (`report.md`).
    pub name: String,
    /// Its full path.
    pub path: String,
    /// Its size; null for a deliverable that is not there.
    pub bytes: Option<u64>,
    /// True when the plan names it among the agent's deliverables.
    pub deliverable: bool,
}

impl Artifact {
    /// True when the file is there.
    pub fn present(&self) -> bool {
        self.bytes.is_some()
    }
}

/// Agent `label`'s output folder in pipeline `id`.
pub fn output_dir(runs_dir: &Path, id: &str, label: &str) -> PathBuf {
    runs_dir.join(id).join(label)
}

/// Every file in the agents' output folders and every deliverable of the
/// plan, by agent (roles, then stages, each in name order), deliverables
/// first within an agent.
pub fn list(st: &PipelineState, runs_dir: &Path) -> Vec<Artifact> {
    let mut seats: Vec<(String, Vec<String>)> = st
        .agents
        .keys()
        .map(|role| {
            let wanted = st
                .plan
                .agents
                .get(role)
                .map(|a| a.deliverables.clone())
                .unwrap_or_default();
            (role.as_str().to_string(), wanted)
        })
        .collect();
    seats.extend(st.stages.iter().map(|r| {
        let wanted = st
            .plan
            .stage(&r.name)
            .map(|s| s.agent.deliverables.clone())
            .unwrap_or_default();
        (format!("stage-{}", r.name), wanted)
    }));
    let mut out = Vec::new();
    for (label, wanted) in seats {
        let dir = output_dir(runs_dir, &st.id, &label);
        let mut files = Vec::new();
        collect(&dir, &dir, &mut files);
        files.sort();
        for name in &wanted {
            let path = dir.join(name);
            out.push(Artifact {
                agent: label.clone(),
                name: name.clone(),
                bytes: size(&path),
                path: path.display().to_string(),
                deliverable: true,
            });
        }
        for (name, path) in files {
            if wanted.contains(&name) {
                continue;
            }
            out.push(Artifact {
                agent: label.clone(),
                name,
                bytes: size(&path),
                path: path.display().to_string(),
                deliverable: false,
            });
        }
    }
    out
}

/// A file's size, without following a symbolic link; `None` when absent.
fn size(path: &Path) -> Option<u64> {
    std::fs::symlink_metadata(path)
        .ok()
        .filter(|m| !m.is_dir())
        .map(|m| m.len())
}

/// Every file under `dir`, as (path relative to `root`, full path).
fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => collect(root, &path, out),
            Ok(_) => {
                if let Ok(rel) = path.strip_prefix(root) {
                    out.push((rel.display().to_string(), path));
                }
            }
            Err(_) => {}
        }
    }
}
