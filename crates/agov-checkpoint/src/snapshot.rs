//! What a checkpoint captures. JSON shape: `schema/json/checkpoint.schema.json`.
//! Every section defaults when absent, so snapshots written by an older agov
//! (without a section added since) still load.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Everything captured at one moment.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, JsonSchema)]
#[serde(default)]
#[schemars(
    title = "A snapshot of the governance state",
    description = "What a checkpoint captures; also `checkpoint report --json`."
)]
pub struct Snapshot {
    /// The directory the checkpoint was taken in.
    pub workdir: Option<Workdir>,
    /// The bug log.
    pub bugs: BugsPart,
    /// STATUS.md files under the working directory.
    pub status: Option<StatusPart>,
    /// Agents and pipelines in the runtime store.
    pub runtime: RuntimePart,
    /// The memory store: entry count, total size, the 5 newest entries.
    pub memory: MemoryPart,
    /// The newest ledger events (newest last).
    pub recent: Vec<crate::since::Item>,
}

/// The working directory.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct Workdir {
    /// Its path.
    pub path: String,
    /// Its git state, when it is in a repository.
    pub git: Option<Git>,
}

/// A repository's state.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct Git {
    /// Current branch (`HEAD` when detached).
    pub branch: String,
    /// HEAD commit.
    pub head: String,
    /// Files with uncommitted changes.
    pub changed_files: u64,
}

/// The bug log, summarised.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct BugsPart {
    /// Open and in-progress bugs.
    pub active: u64,
    /// Open bugs by severity.
    pub open_by_severity: BTreeMap<String, u64>,
    /// Bugs in progress, and who has them.
    pub in_progress: Vec<BugBrief>,
    /// Open bugs of high or critical severity.
    pub urgent: Vec<BugBrief>,
}

/// One bug, briefly.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct BugBrief {
    /// Id.
    pub id: String,
    /// Severity.
    pub severity: String,
    /// Title.
    pub title: String,
    /// Assignee.
    pub assignee: Option<String>,
}

/// The memory store, summarised.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct MemoryPart {
    /// Entries of the tenant.
    pub entries: u64,
    /// Their total size.
    pub bytes: u64,
    /// The newest entries, newest first.
    pub recent: Vec<MemoryBrief>,
}

/// One memory entry, briefly.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct MemoryBrief {
    /// Id (`m42`).
    pub id: String,
    /// Title.
    pub title: String,
    /// Size.
    pub bytes: u64,
    /// Lines.
    pub lines: u64,
    /// Tags.
    pub tags: Vec<String>,
    /// When it was logged, RFC 3339.
    #[schemars(extend("format" = "date-time"))]
    pub created: String,
}

/// STATUS.md files, summarised.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct StatusPart {
    /// The swept root.
    pub root: String,
    /// Directories that have a STATUS.md.
    pub dirs: Vec<DirBrief>,
}

/// One directory's status, briefly.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct DirBrief {
    /// Relative path.
    pub path: String,
    /// Phase, if valid.
    pub phase: Option<String>,
    /// ok, stale or invalid.
    pub state: String,
    /// Ticked tasks.
    pub tasks_done: u64,
    /// All tasks.
    pub tasks_total: u64,
}

/// The runtime store, as far as agents and pipelines go.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct RuntimePart {
    /// `embedded` or `redis`.
    pub backend: String,
    /// Why it could not be read, if it could not.
    pub error: Option<String>,
    /// `agent:{id}:state` entries.
    pub agents: Vec<RuntimeEntry>,
    /// `pipeline:{id}:state` entries.
    pub pipelines: Vec<RuntimeEntry>,
}

/// One agent's or pipeline's state, as stored.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
#[serde(default)]
pub struct RuntimeEntry {
    /// The agent or pipeline id.
    pub id: String,
    /// Its state fields (phase, tier, …).
    pub fields: BTreeMap<String, String>,
}
