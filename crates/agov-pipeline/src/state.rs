//! A pipeline's stored state (`pipeline:{id}:state`, one JSON document),
//! enough for any process to show it or to take over driving it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use agov_runtime::RuntimeStore;
use agov_runtime::keys::Keyspace;
use serde::{Deserialize, Serialize};

use crate::consensus::Tally;
use crate::error::PipelineError;
use crate::plan::{Plan, Role};
use agov_plan::stage::Outcome;

/// Where a pipeline is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// Created; its token is being issued.
    Spawn,
    /// Its agents are working.
    Running,
    /// Its agents have stopped; their results are being gathered.
    Report,
    /// Votes are being counted (GAMMA may be mediating or validating).
    Orchestrating,
    /// Consensus was reached (or a partial result accepted).
    Completed,
    /// It stopped on an error, a timeout or a revocation.
    Failed,
    /// No consensus; waiting for a fallback.
    ConsensusFailed,
}

impl Status {
    /// Every status, in lifecycle order.
    pub const ALL: [Status; 7] = [
        Status::Spawn,
        Status::Running,
        Status::Report,
        Status::Orchestrating,
        Status::Completed,
        Status::Failed,
        Status::ConsensusFailed,
    ];

    /// The name shown and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Spawn => "SPAWN",
            Status::Running => "RUNNING",
            Status::Report => "REPORT",
            Status::Orchestrating => "ORCHESTRATING",
            Status::Completed => "COMPLETED",
            Status::Failed => "FAILED",
            Status::ConsensusFailed => "CONSENSUS_FAILED",
        }
    }

    /// Nothing more happens without a person (a fallback) or never.
    pub fn is_settled(self) -> bool {
        matches!(
            self,
            Status::Completed | Status::Failed | Status::ConsensusFailed
        )
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where one agent of the pipeline is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SlotStatus {
    /// Not started (or to be started again).
    Pending,
    /// Running.
    Running,
    /// Reached EXIT.
    Completed,
    /// Revoked by governance.
    Revoked,
    /// Stopped without finishing.
    Failed,
    /// A human gate waiting for `pipeline approve`.
    Waiting,
    /// A stage that did not run: its condition was false, or what it
    /// requires was skipped.
    Skipped,
}

impl SlotStatus {
    /// The name shown.
    pub fn as_str(self) -> &'static str {
        match self {
            SlotStatus::Pending => "pending",
            SlotStatus::Running => "running",
            SlotStatus::Completed => "completed",
            SlotStatus::Revoked => "revoked",
            SlotStatus::Failed => "failed",
            SlotStatus::Waiting => "waiting",
            SlotStatus::Skipped => "skipped",
        }
    }

    /// It has stopped, one way or another.
    pub fn ended(self) -> bool {
        matches!(
            self,
            SlotStatus::Completed | SlotStatus::Revoked | SlotStatus::Failed | SlotStatus::Skipped
        )
    }

    /// How a stage that ended this way ended, as conditions see it.
    pub fn outcome(self) -> Option<Outcome> {
        match self {
            SlotStatus::Completed => Some(Outcome::Completed),
            SlotStatus::Revoked | SlotStatus::Failed => Some(Outcome::Failed),
            SlotStatus::Skipped => Some(Outcome::Skipped),
            SlotStatus::Pending | SlotStatus::Running | SlotStatus::Waiting => None,
        }
    }
}

/// One agent of the pipeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Slot {
    /// Its agent id.
    pub agent_id: String,
    /// Where it is.
    pub status: SlotStatus,
    /// The tier it runs at.
    pub tier: u8,
    /// Its current (or last) run.
    #[serde(default)]
    pub run_id: Option<String>,
    /// Its process (command driver), so a successor can stop it.
    #[serde(default)]
    pub pid: Option<u32>,
    /// Its token's accessor.
    #[serde(default)]
    pub token_accessor: Option<String>,
    /// Its lifecycle phase.
    #[serde(default)]
    pub phase: Option<String>,
    /// Why it stopped, when it did not complete.
    #[serde(default)]
    pub reason: Option<String>,
    /// How many times it was started.
    #[serde(default)]
    pub attempts: u32,
    /// When its current run started (µs).
    #[serde(default)]
    pub started_us: Option<i64>,
    /// When it stopped (µs).
    #[serde(default)]
    pub ended_us: Option<i64>,
}

impl Slot {
    /// A slot not started yet.
    pub fn pending(agent_id: String, tier: u8) -> Slot {
        Slot {
            agent_id,
            status: SlotStatus::Pending,
            tier,
            run_id: None,
            pid: None,
            token_accessor: None,
            phase: None,
            reason: None,
            attempts: 0,
            started_us: None,
            ended_us: None,
        }
    }
}

/// One stage of a staged pipeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StageRun {
    /// The stage's name.
    pub name: String,
    /// Its agent (or, for a gate, its decision) and where it is.
    #[serde(flatten)]
    pub slot: Slot,
    /// When its next try may start (µs), after a failure with retries left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_at_us: Option<i64>,
    /// A human gate's state, once it is open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<Gate>,
}

/// A human gate, open for a decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gate {
    /// The digest of what is to be approved (the plan, the stage, the files
    /// of the stages it requires) when the gate opened.
    pub digest: String,
    /// When it opened (µs).
    pub opened_us: i64,
    /// When it times out (µs).
    pub deadline_us: i64,
    /// Who may approve (empty: anyone).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub approvers: Vec<String>,
    /// The decision, once taken and checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<GateDecision>,
}

/// A person's decision on a gate (`pipeline approve`), stored at
/// `pipeline:{id}:gate:{stage}` until the driver takes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateDecision {
    /// Approved (else rejected).
    pub approved: bool,
    /// Who (`vault:NAME` or `user:NAME`).
    pub by: String,
    /// When (µs).
    pub at_us: i64,
    /// Why, if they said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The digest of what they approved.
    pub digest: String,
}

/// Why and when GAMMA was spawned in this round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GammaSpawn {
    /// The trigger, in words.
    pub reason: String,
    /// When (µs).
    pub at_us: i64,
}

/// A change of status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    /// The new status.
    pub status: Status,
    /// When (µs).
    pub at_us: i64,
    /// Why, if there is something to say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The pipeline token, as far as it may be shown.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenState {
    /// Its accessor.
    pub accessor: String,
    /// The authority that issued it (`vault` or `embedded`).
    pub backend: String,
    /// When it expires (µs), as of its last renewal.
    pub expires_us: i64,
    /// How often it was renewed.
    pub renewals: u32,
    /// When it was last renewed (µs).
    #[serde(default)]
    pub renewed_us: Option<i64>,
    /// When it was revoked (µs).
    #[serde(default)]
    pub revoked_us: Option<i64>,
}

/// A pipeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PipelineState {
    /// Its id.
    pub id: String,
    /// Its tenant.
    pub tenant: String,
    /// The plan it runs.
    pub plan: Plan,
    /// The plan's digest.
    pub plan_digest: String,
    /// What it is to achieve (the plan's, or `--objective`).
    pub objective: String,
    /// Its tier.
    pub tier: u8,
    /// Where it is.
    pub status: Status,
    /// The round: 1, then one more for each fallback that reruns.
    pub round: u32,
    /// Who spawned it.
    pub spawned_by: String,
    /// When (µs).
    pub created_us: i64,
    /// Last change (µs).
    pub updated_us: i64,
    /// When it must be done by (µs).
    pub deadline_us: i64,
    /// The folder its command agents run in.
    pub work_dir: PathBuf,
    /// Its agents.
    pub agents: BTreeMap<Role, Slot>,
    /// Its stages, in the plan's order (a staged plan).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<StageRun>,
    /// GAMMA's spawn in this round, if it was.
    #[serde(default)]
    pub gamma: Option<GammaSpawn>,
    /// Its token.
    #[serde(default)]
    pub token: TokenState,
    /// The last tally.
    #[serde(default)]
    pub tally: Option<Tally>,
    /// Why it failed, or why consensus failed.
    #[serde(default)]
    pub failure: Option<String>,
    /// How the round before this one ended, when a fallback started this
    /// one: handed to its agents in their packets (`previous_attempt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_attempt: Option<serde_json::Value>,
    /// Who accepted a partial result (fallback accept_partial).
    #[serde(default)]
    pub accepted_by: Option<String>,
    /// The proposal (a `solutions` post's id) a partial result completed
    /// with: the best-supported one.
    #[serde(default)]
    pub accepted_proposal: Option<String>,
    /// Who revoked it (`pipeline revoke`).
    #[serde(default)]
    pub revoked_by: Option<String>,
    /// The highest complexity its agents reported.
    #[serde(default)]
    pub complexity: f64,
    /// Fallbacks chosen, oldest first.
    #[serde(default)]
    pub fallbacks: Vec<String>,
    /// Its changes of status, oldest first.
    #[serde(default)]
    pub history: Vec<Transition>,
    /// How many processes have driven it (1 unless continued).
    #[serde(default)]
    pub drivers: u32,
}

impl PipelineState {
    /// Moves to `status`, noting why.
    pub fn set_status(&mut self, status: Status, note: Option<String>) {
        let now = agov_core::time::now_us();
        self.status = status;
        self.updated_us = now;
        self.history.push(Transition {
            status,
            at_us: now,
            note,
        });
    }

    /// The stage named `name`.
    pub fn stage(&self, name: &str) -> Option<&StageRun> {
        self.stages.iter().find(|s| s.name == name)
    }

    /// The gates waiting for a decision.
    pub fn pending_gates(&self) -> impl Iterator<Item = &StageRun> {
        self.stages
            .iter()
            .filter(|s| s.slot.status == SlotStatus::Waiting)
    }

    /// Whether an operator chose `escalate_tier` for this pipeline: its
    /// agents then run at its tier, above what they earned.
    pub fn escalated(&self) -> bool {
        self.fallbacks
            .iter()
            .any(|f| f.starts_with("escalate_tier"))
    }

    /// The roles whose votes are required now (the plan's, and GAMMA once spawned).
    pub fn required_voters(&self) -> Vec<Role> {
        let mut r = self.plan.required_voters();
        if self.gamma.is_some()
            && self.agents.contains_key(&Role::Gamma)
            && !r.contains(&Role::Gamma)
        {
            r.push(Role::Gamma);
        }
        r.sort();
        r
    }

    /// The exit code its status stands for: 0 completed, 2 consensus
    /// failed, 3 revoked, 1 failed otherwise (or still running).
    pub fn exit_code(&self) -> u8 {
        match self.status {
            Status::Completed => 0,
            Status::ConsensusFailed => 2,
            Status::Failed if self.revoked_by.is_some() => 3,
            _ => 1,
        }
    }
}

/// The stored state of pipeline `id`.
pub fn load(
    store: &dyn RuntimeStore,
    keys: &Keyspace,
    id: &str,
) -> Result<PipelineState, PipelineError> {
    if !agov_governance::packet::valid_id(id) {
        return Err(PipelineError::NotFound(id.to_string()));
    }
    let Some(raw) = store.get(&keys.pipeline(id, "state"))? else {
        let owner = store.get(&agov_runtime::keys::pipeline_owner(id))?;
        let tenant = keys
            .prefix()
            .strip_prefix("t:")
            .and_then(|t| t.strip_suffix(':'));
        return Err(match owner {
            Some(o) if Some(o.as_slice()) != tenant.map(str::as_bytes) => {
                PipelineError::OtherTenant(id.to_string())
            }
            _ => PipelineError::NotFound(id.to_string()),
        });
    };
    serde_json::from_slice(&raw).map_err(|e| {
        PipelineError::BadInput(format!(
            "the stored state of pipeline {id} is unreadable: {e}"
        ))
    })
}

/// Every pipeline of the tenant, newest first.
pub fn list(
    store: &dyn RuntimeStore,
    keys: &Keyspace,
) -> Result<Vec<PipelineState>, PipelineError> {
    let prefix = format!("{}pipeline:", keys.prefix());
    let prefix = prefix.as_str();
    let mut out = Vec::new();
    for key in store.scan(prefix)? {
        let Some(id) = key
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(":state"))
        else {
            continue;
        };
        if let Ok(s) = load(store, keys, id) {
            out.push(s);
        }
    }
    out.sort_by(|a, b| b.created_us.cmp(&a.created_us).then(a.id.cmp(&b.id)));
    Ok(out)
}
