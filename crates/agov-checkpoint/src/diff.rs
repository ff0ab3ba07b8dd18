//! What differs between two checkpoints.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::store::Checkpoint;

/// The differences between checkpoint `from` and checkpoint `to`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[schemars(
    title = "What changed between two checkpoints",
    description = "`checkpoint diff A B --json`. Each change is a pair: [before, after]."
)]
pub struct Diff {
    /// The earlier checkpoint.
    #[schemars(regex(pattern = "^c[0-9]+$"))]
    pub from: String,
    /// The later one.
    #[schemars(regex(pattern = "^c[0-9]+$"))]
    pub to: String,
    /// Ledger events between them.
    pub ledger_events: u64,
    /// Active bugs: before, after.
    pub bugs_active: (u64, u64),
    /// Open bugs by severity, only those whose count changed: before,
    /// after.
    #[schemars(extend("propertyNames" = {"enum": ["low", "medium", "high", "critical"]}))]
    pub open_by_severity: BTreeMap<String, (u64, u64)>,
    /// Git HEAD: before, after (when either is a repository).
    pub git_head: Option<(Option<String>, Option<String>)>,
    /// Directories whose phase changed: path → (before, after).
    pub status: BTreeMap<String, (Option<String>, Option<String>)>,
}

/// Compares two checkpoints (order them oldest first for a forward diff).
pub fn diff(a: &Checkpoint, b: &Checkpoint) -> Diff {
    let mut open = BTreeMap::new();
    let (sa, sb) = (
        &a.snapshot.bugs.open_by_severity,
        &b.snapshot.bugs.open_by_severity,
    );
    for k in sa.keys().chain(sb.keys()) {
        let (x, y) = (
            sa.get(k).copied().unwrap_or(0),
            sb.get(k).copied().unwrap_or(0),
        );
        if x != y {
            open.insert(k.clone(), (x, y));
        }
    }
    let head = |c: &Checkpoint| {
        c.snapshot
            .workdir
            .as_ref()
            .and_then(|w| w.git.as_ref())
            .map(|g| g.head.clone())
    };
    let git_head = match (head(a), head(b)) {
        (None, None) => None,
        (x, y) if x == y => None,
        (x, y) => Some((x, y)),
    };
    let phases = |c: &Checkpoint| -> BTreeMap<String, Option<String>> {
        c.snapshot
            .status
            .iter()
            .flat_map(|s| s.dirs.iter())
            .map(|d| (d.path.clone(), d.phase.clone()))
            .collect()
    };
    let (pa, pb) = (phases(a), phases(b));
    let mut status = BTreeMap::new();
    for path in pa.keys().chain(pb.keys()) {
        let (x, y) = (
            pa.get(path).cloned().flatten(),
            pb.get(path).cloned().flatten(),
        );
        if x != y {
            status.insert(path.clone(), (x, y));
        }
    }
    Diff {
        from: a.summary.id.clone(),
        to: b.summary.id.clone(),
        ledger_events: b.summary.head_seq.abs_diff(a.summary.head_seq),
        bugs_active: (a.snapshot.bugs.active, b.snapshot.bugs.active),
        open_by_severity: open,
        git_head,
        status,
    }
}
