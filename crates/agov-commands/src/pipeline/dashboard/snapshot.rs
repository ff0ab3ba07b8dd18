//! What `pipeline dashboard` shows, gathered in one pass over the runtime
//! store: the tenant's pipelines, the selected one's agents, gates, votes
//! and ledger events, the charts, and the alerts. It reads what `pipeline
//! list`, `pipeline status`, `pipeline consensus status`, `pipeline logs`
//! and `checkpoint load`'s "needs you" read, through the same functions.

use std::collections::BTreeMap;

use agov_ledger::Ledger;
use agov_pipeline::board::Board;
use agov_pipeline::driver::Driver;
use agov_pipeline::{PipelineState, Status};
use agov_runtime::RuntimeStore;
use agov_runtime::keys::Keyspace;
use serde::Serialize;

use super::charts::{self, Charts};
use super::log::{self, LogLine};
use crate::checkpoint::attention::{self, Attention};

/// One frame's worth of data (`schema/json/pipeline-dashboard.schema.json`).
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[schemars(
    title = "One frame of the pipeline dashboard, as data",
    description = "`pipeline dashboard --json`: the tenant's pipelines (filtered), the selected one's agents, gates, votes and ledger events, the charts, and what waits for a person."
)]
pub(crate) struct Snapshot {
    /// The tenant shown.
    pub tenant: String,
    /// The runtime backend read (`embedded` or `redis`).
    #[schemars(extend("enum" = ["embedded", "redis"]))]
    pub backend: &'static str,
    /// When it was taken (µs).
    #[serde(skip)]
    pub taken_us: i64,
    /// Pipelines whose id, state or plan contain it (empty: all).
    pub filter: String,
    /// The tenant's pipelines (those matching the filter), newest first.
    pub pipelines: Vec<PipelineRow>,
    /// The tenant's pipelines, filter or not.
    pub total: usize,
    /// The selected pipeline (--pipeline, else the newest shown); null when
    /// none is shown.
    pub selected: Option<Detail>,
    /// What waits for a person, as `checkpoint load` lists it.
    #[schemars(schema_with = "alerts_schema")]
    pub alerts: Vec<Attention>,
    /// Pipelines per hour, durations, error rates.
    pub charts: Charts,
}

/// One pipeline in the list.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct PipelineRow {
    /// Its id.
    pub id: String,
    /// Where it is.
    #[schemars(extend("enum" = ["SPAWN", "RUNNING", "REPORT", "ORCHESTRATING", "COMPLETED", "FAILED", "CONSENSUS_FAILED"]))]
    pub status: String,
    /// Its plan's name.
    pub plan: String,
    /// Its tier.
    #[schemars(range(max = 4))]
    pub tier: u8,
    /// Its round.
    #[schemars(range(min = 1))]
    pub round: u32,
    /// When it was created.
    #[schemars(extend("format" = "date-time"))]
    pub created: String,
    #[serde(skip)]
    pub created_us: i64,
    /// Whether the process holding its lease still runs; `none` for a
    /// settled pipeline.
    #[schemars(extend("enum" = ["alive", "gone", "none"]))]
    pub driver: &'static str,
}

/// The selected pipeline: its agents and the consensus panel.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct Detail {
    /// Its id.
    pub id: String,
    /// Where it is.
    pub status: String,
    /// What it is to achieve.
    pub objective: String,
    /// Why it failed.
    pub failure: Option<String>,
    /// Its agents (or stages).
    pub agents: Vec<AgentCard>,
    /// The current round's votes.
    pub votes: Vec<VoteRow>,
    /// The current round's votes counted, in words.
    pub tally: String,
    /// Its human gates waiting for a person.
    pub gates: Vec<GateRow>,
    /// Its newest ledger events (at most 100), oldest first.
    pub log: Vec<LogLine>,
}

/// A human gate waiting for a decision.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct GateRow {
    /// The gate's stage.
    pub stage: String,
    /// What is to be approved (`pipeline approve --digest`).
    pub digest: String,
}

/// One agent (or stage) of the selected pipeline.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct AgentCard {
    /// alpha, beta, gamma, or `stage NAME`.
    pub role: String,
    /// Its agent.
    pub agent_id: String,
    /// Where it is.
    #[schemars(extend("enum" = ["pending", "running", "completed", "revoked", "failed", "waiting", "skipped"]))]
    pub status: String,
    /// Its lifecycle phase.
    pub phase: Option<String>,
    /// Errors before its error budget revokes it.
    pub errors_left: Option<u64>,
    /// Seconds its token has left (a running agent; as of its last
    /// renewal).
    #[schemars(range(min = 0))]
    pub token_ttl_s: Option<i64>,
    /// Its last heartbeat note, or why it stopped.
    pub last_line: Option<String>,
    /// Why it is on the revocation list, if it is.
    pub revoked: Option<String>,
}

/// One vote of the current round.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub(crate) struct VoteRow {
    /// The voter's role.
    #[schemars(extend("enum" = ["alpha", "beta", "gamma"]))]
    pub role: String,
    /// The voter.
    pub agent_id: String,
    /// Its vote.
    #[schemars(extend("enum" = ["ACCEPT", "REJECT", "ABSTAIN"]))]
    pub vote: String,
    /// The proposal it judges.
    pub proposal: Option<String>,
    /// Why.
    pub reasoning: String,
}

/// `alerts`: [`Attention`]s whose kinds are the pipelines' and
/// `stuck_agent` (the dashboard leaves bugs to `checkpoint load`).
fn alerts_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let mut item = <Attention as schemars::JsonSchema>::json_schema(generator);
    if let Some(kind) = item
        .get_mut("properties")
        .and_then(|p| p.get_mut("kind"))
        .and_then(|k| k.as_object_mut())
    {
        kind.insert(
            "enum".into(),
            serde_json::json!([
                "fallback",
                "gate",
                "driver_gone",
                "revoked_agent",
                "stuck_agent"
            ]),
        );
        kind.insert(
            "description".into(),
            "stuck_agent: a running agent whose state was not refreshed for its plan's gamma.stuck_after (30 s by default).".into(),
        );
    }
    schemars::json_schema!({ "type": "array", "items": item })
}

/// Where a snapshot is read from.
pub(crate) struct Source<'a> {
    pub store: &'a dyn RuntimeStore,
    pub keys: &'a Keyspace,
    pub tenant: &'a str,
    /// The ledger, for the log pane (none yet: no events).
    pub ledger: Option<&'a Ledger>,
}

/// Reads one snapshot; `select` picks the pipeline to detail (the first
/// listed when absent or not found), `filter` keeps the pipelines whose
/// id, status or plan contains it.
pub(crate) fn gather(
    src: &Source<'_>,
    select: Option<&str>,
    filter: &str,
) -> Result<Snapshot, agov_cli::CliError> {
    let (store, keys, tenant) = (src.store, src.keys, src.tenant);
    let now = agov_core::time::now_us();
    let list = agov_pipeline::state::list(store, keys)?;
    let drivers = attention::drivers(store, keys, &list)?;
    let mut alerts = attention::pipelines(&list, &drivers);
    alerts.extend(super::stuck::alerts(store, keys, &list, now)?);
    let revoked = attention::revoked_agents(store, keys)?;
    alerts.extend(revoked.iter().cloned());
    let total = list.len();
    let needle = filter.to_lowercase();
    let shown: Vec<&PipelineState> = list
        .iter()
        .filter(|p| {
            needle.is_empty()
                || p.id.to_lowercase().contains(&needle)
                || p.status.as_str().to_lowercase().contains(&needle)
                || p.plan.name.to_lowercase().contains(&needle)
        })
        .collect();
    let pipelines = shown
        .iter()
        .map(|p| PipelineRow {
            id: p.id.clone(),
            status: p.status.as_str().to_string(),
            plan: p.plan.name.clone(),
            tier: p.tier,
            round: p.round,
            created: agov_core::time::format_us(p.created_us),
            created_us: p.created_us,
            driver: drivers.get(&p.id).map_or("none", Driver::as_str),
        })
        .collect();
    let chosen = select
        .and_then(|id| shown.iter().find(|p| p.id == id))
        .or_else(|| shown.first());
    let revoked: BTreeMap<String, String> =
        revoked.into_iter().map(|a| (a.subject, a.what)).collect();
    let selected = match chosen {
        Some(p) => {
            let mut d = detail(store, keys, p, &revoked)?;
            if let Some(ledger) = src.ledger {
                d.log = log::tail(ledger, tenant, &p.id)?;
            }
            Some(d)
        }
        None => None,
    };
    Ok(Snapshot {
        tenant: tenant.to_string(),
        backend: store.backend(),
        taken_us: now,
        filter: filter.to_string(),
        pipelines,
        total,
        selected,
        alerts,
        charts: charts::gather(&list, now),
    })
}

fn detail(
    store: &dyn RuntimeStore,
    keys: &Keyspace,
    st: &PipelineState,
    revoked: &BTreeMap<String, String>,
) -> Result<Detail, agov_cli::CliError> {
    let now = agov_core::time::now_us();
    let seats = st
        .agents
        .iter()
        .map(|(r, s)| (r.as_str().to_string(), s))
        .chain(
            st.stages
                .iter()
                .filter(|r| r.gate.is_none())
                .map(|r| (format!("stage {}", r.name), &r.slot)),
        );
    let mut agents = Vec::new();
    for (role, slot) in seats {
        let state = if slot.agent_id.is_empty() {
            BTreeMap::new()
        } else {
            store.hgetall(&keys.agent(&slot.agent_id, "state"))?
        };
        let field = |f: &str| {
            state
                .get(f)
                .map(|v| String::from_utf8_lossy(v).into_owned())
        };
        let errors_left = field("budget_remaining")
            .and_then(|b| serde_json::from_str::<serde_json::Value>(&b).ok())
            .and_then(|v| v["errors"].as_u64());
        let token_ttl_s = (slot.status == agov_pipeline::state::SlotStatus::Running)
            .then(|| field("token_expires_us").and_then(|t| t.parse::<i64>().ok()))
            .flatten()
            .filter(|t| *t > 0)
            .map(|t| ((t - now) / 1_000_000).max(0));
        agents.push(AgentCard {
            role,
            agent_id: slot.agent_id.clone(),
            status: slot.status.as_str().to_string(),
            phase: slot.phase.clone().or_else(|| field("phase")),
            errors_left,
            token_ttl_s,
            // An agent that stopped: why, not what it last waited for.
            last_line: if slot.status.ended() {
                slot.reason.clone()
            } else {
                field("note").filter(|n| !n.is_empty())
            },
            revoked: revoked.get(&slot.agent_id).cloned(),
        });
    }
    let board = Board::new(store, keys.clone(), &st.id);
    let votes = board.votes(st.round)?;
    let tally = agov_pipeline::consensus::tally(st.round, &st.required_voters(), &votes);
    let tally = format!(
        "round {}: {} accept, {} reject, {} abstain — {}",
        st.round,
        tally.accepts,
        tally.rejects,
        tally.abstains,
        if tally.reached {
            "consensus"
        } else {
            tally.reason.as_str()
        }
    );
    Ok(Detail {
        id: st.id.clone(),
        status: st.status.as_str().to_string(),
        objective: st.objective.clone(),
        failure: st.failure.clone(),
        agents,
        votes: votes
            .into_values()
            .map(|v| VoteRow {
                role: v.role.as_str().to_string(),
                agent_id: v.agent_id,
                vote: v.vote.as_str().to_string(),
                proposal: v.proposal,
                reasoning: v.reasoning,
            })
            .collect(),
        tally,
        gates: st
            .pending_gates()
            .map(|r| GateRow {
                stage: r.name.clone(),
                digest: r
                    .gate
                    .as_ref()
                    .map(|g| g.digest.clone())
                    .unwrap_or_default(),
            })
            .collect(),
        log: Vec::new(),
    })
}

/// Whether `status` (as shown) is one nothing more happens to by itself.
pub(crate) fn settled(status: &str) -> bool {
    Status::ALL
        .iter()
        .find(|s| s.as_str() == status)
        .is_some_and(|s| s.is_settled())
}

impl Snapshot {
    /// The row of the selected pipeline in [`Snapshot::pipelines`].
    pub(crate) fn selected_index(&self) -> usize {
        self.selected
            .as_ref()
            .and_then(|d| self.pipelines.iter().position(|p| p.id == d.id))
            .unwrap_or(0)
    }
}
