//! What `cargo bench -p agov-commands --bench dashboard` measures: turning
//! a snapshot into a frame, alone. The snapshot (so many pipelines, the
//! selected one with three agents, two votes and a full log pane, the
//! charts) is built once; only drawing it is timed.

use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::charts::Charts;
use super::log::{KEEP, LogLine};
use super::snapshot::{AgentCard, Detail, PipelineRow, Snapshot, VoteRow};
use super::ui::{self, Pane, View};
use crate::checkpoint::attention::Attention;

/// A snapshot of `n` pipelines, as many as a busy tenant holds.
pub(crate) fn snapshot(n: usize) -> Snapshot {
    let now = agov_core::time::now_us();
    let statuses = ["COMPLETED", "RUNNING", "FAILED", "CONSENSUS_FAILED"];
    let pipelines: Vec<PipelineRow> = (0..n)
        .map(|i| PipelineRow {
            id: format!("p-{i:010x}"),
            status: statuses[i % statuses.len()].to_string(),
            plan: format!("plan-{}", i % 7),
            tier: (i % 5) as u8,
            round: 1 + (i % 3) as u32,
            created: agov_core::time::format_us(now - i as i64 * 60_000_000),
            created_us: now - i as i64 * 60_000_000,
            driver: if i % 4 == 1 { "alive" } else { "none" },
        })
        .collect();
    let agent = |role: &str| AgentCard {
        role: role.to_string(),
        agent_id: format!("p-0000000001-{role}"),
        status: "running".into(),
        phase: Some("EXECUTE".into()),
        errors_left: Some(7),
        token_ttl_s: Some(3400),
        last_line: Some("reading the 14th of 40 files".into()),
        revoked: None,
    };
    let vote = |role: &str, v: &str| VoteRow {
        role: role.to_string(),
        agent_id: format!("p-0000000001-{role}"),
        vote: v.to_string(),
        proposal: Some("solution-2".into()),
        reasoning: "the links are fixed and the build passes".into(),
    };
    let log = (0..KEEP)
        .map(|i| LogLine {
            seq: 1000 + i,
            ts: agov_core::time::format_us(now),
            actor: "user:ops".into(),
            action: "agent.phase".into(),
            agent: Some("p-0000000001-alpha".into()),
            detail: format!("from=PLAN to=EXECUTE step={i}"),
        })
        .collect();
    let alerts = (0..6)
        .map(|i| Attention {
            kind: "fallback",
            subject: format!("p-{i:010x}"),
            what: format!("p-{i:010x} CONSENSUS_FAILED, waiting for a fallback"),
            command: None,
        })
        .collect();
    Snapshot {
        tenant: "default".into(),
        backend: "embedded",
        taken_us: now,
        filter: String::new(),
        total: n,
        selected: Some(Detail {
            id: pipelines.get(1).map_or_else(String::new, |p| p.id.clone()),
            status: "RUNNING".into(),
            objective: "find the broken links".into(),
            failure: None,
            agents: vec![agent("alpha"), agent("beta"), agent("gamma")],
            votes: vec![vote("alpha", "ACCEPT"), vote("beta", "REJECT")],
            tally: "round 1: 1 accept, 1 reject, 0 abstain — rejected by beta".into(),
            gates: Vec::new(),
            log,
        }),
        charts: Charts {
            started_per_hour: (0..24).map(|i| (i * 7 % 23) as u64).collect(),
            durations_s: (0..24).map(|i| 30 + (i * 13 % 90) as u64).collect(),
            errors_per_hour: (0..24).map(|i| (i % 3) as u64).collect(),
            settled_per_hour: (0..24).map(|i| (i * 7 % 23) as u64 + 3).collect(),
        },
        pipelines,
        alerts,
    }
}

/// Draws a snapshot of `pipelines` pipelines `frames` times on a `w` by
/// `h` terminal in each pane, the selection moving down a row each frame;
/// how long each frame took.
#[doc(hidden)]
pub fn render(pipelines: usize, w: u16, h: u16, frames: usize) -> Vec<Duration> {
    let snap = snapshot(pipelines);
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("a test backend");
    let mut took = Vec::with_capacity(frames);
    for i in 0..frames {
        let view = View {
            selected: i % pipelines.max(1),
            pane: [Pane::Agents, Pane::Log, Pane::Charts][i % 3],
            ..View::default()
        };
        let start = Instant::now();
        terminal
            .draw(|f| ui::draw(f, &snap, &view))
            .expect("a frame");
        took.push(start.elapsed());
    }
    took
}
