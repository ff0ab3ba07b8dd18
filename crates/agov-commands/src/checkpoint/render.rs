//! How snapshots and summaries look to a person.

use std::collections::BTreeMap;

use agov_checkpoint::{Item, RuntimeEntry, Since, Snapshot, Summary};
use agov_cli::{CliError, Output};

use super::attention::Attention;

/// The header of a checkpoint.
pub(super) fn header(out: &mut Output, s: &Summary) -> Result<(), CliError> {
    let ago = crate::render::age(s.created_us, agov_core::time::now_us());
    out.line(&format!(
        "{}  {} by {} ({ago} ago), ledger #{}",
        s.id,
        s.created.get(..19).unwrap_or(&s.created),
        s.actor,
        s.head_seq
    ))?;
    if !s.notes.is_empty() {
        out.line(&format!("notes: {}", s.notes))?;
    }
    Ok(())
}

/// A snapshot, a line per part.
pub(super) fn snapshot(out: &mut Output, s: &Snapshot) -> Result<(), CliError> {
    if let Some(w) = &s.workdir {
        let git = w.git.as_ref().map_or_else(
            || "not a git repository".to_string(),
            |g| {
                format!(
                    "git {} @ {}, {} changed file(s)",
                    g.branch,
                    g.head.get(..10).unwrap_or(&g.head),
                    g.changed_files
                )
            },
        );
        out.line(&format!("workdir: {} ({git})", w.path))?;
    }
    out.line(&format!("bugs: {}", bugs_line(s)))?;
    for b in s.bugs.urgent.iter().take(5) {
        out.line(&format!("  {} [{}] {}", b.id, b.severity, b.title))?;
    }
    if s.memory.entries > 0 {
        let recent: Vec<String> = s
            .memory
            .recent
            .iter()
            .map(|m| format!("{} {}", m.id, m.title))
            .collect();
        out.line(&format!(
            "memory: {} entr{} ({}); newest: {}",
            s.memory.entries,
            if s.memory.entries == 1 { "y" } else { "ies" },
            crate::render::size(s.memory.bytes),
            recent.join("; ")
        ))?;
    }
    if let Some(st) = &s.status {
        let dirs: Vec<String> = st
            .dirs
            .iter()
            .take(8)
            .map(|d| {
                let tasks = if d.tasks_total > 0 {
                    format!(" {}/{}", d.tasks_done, d.tasks_total)
                } else {
                    String::new()
                };
                let flag = if d.state == "ok" {
                    String::new()
                } else {
                    format!(" ({})", d.state)
                };
                format!(
                    "{} {}{tasks}{flag}",
                    d.path,
                    d.phase.as_deref().unwrap_or("-")
                )
            })
            .collect();
        let more = st.dirs.len().saturating_sub(8);
        out.line(&format!(
            "status: {}{}",
            dirs.join(", "),
            if more > 0 {
                format!(", +{more} more")
            } else {
                String::new()
            }
        ))?;
    }
    let r = &s.runtime;
    match &r.error {
        Some(e) => out.line(&format!("runtime ({}): unavailable: {e}", r.backend))?,
        None => out.line(&format!(
            "runtime ({}): {} agent(s), {} pipeline(s)",
            r.backend,
            r.agents.len(),
            r.pipelines.len()
        ))?,
    }
    for a in r.agents.iter().take(8) {
        out.line(&format!("  {}", agent_line(a)))?;
    }
    more(out, r.agents.len(), 8, "agents")?;
    for p in r.pipelines.iter().take(8) {
        out.line(&format!("  {}", pipeline_line(p)))?;
        if let Some(next) = p.fields.get("next") {
            out.line(&format!("    next: {next}"))?;
        }
    }
    more(out, r.pipelines.len(), 8, "pipelines")
}

/// `  … 3 more agents (`--json` has them all)`.
fn more(out: &mut Output, len: usize, shown: usize, what: &str) -> Result<(), CliError> {
    if len > shown {
        out.line(&format!(
            "  … {} more {what} (`--json` has them all)",
            len - shown
        ))?;
    }
    Ok(())
}

/// An agent of the runtime store as a person says it:
/// `agent alpha-1: running in EXECUTE (task t1, tier 0), token 42m left, errors 1/8`.
fn agent_line(a: &RuntimeEntry) -> String {
    let f = |k: &str| a.fields.get(k).map(String::as_str);
    let mut line = format!(
        "agent {}: {} in {}",
        a.id,
        f("status").unwrap_or("?"),
        f("phase").unwrap_or("?")
    );
    let mut about = Vec::new();
    if let Some(t) = f("task") {
        about.push(format!("task {t}"));
    }
    if let Some(t) = f("tier") {
        about.push(format!("tier {t}"));
    }
    if !about.is_empty() {
        line.push_str(&format!(" ({})", about.join(", ")));
    }
    // An agent that ended gave its token back: its time left means nothing.
    if let Some(exp) = f("token_expires_us")
        .filter(|_| f("status") == Some("running"))
        .and_then(|v| v.parse::<i64>().ok())
    {
        let left = exp - agov_core::time::now_us();
        if left > 0 {
            line.push_str(&format!(", token {} left", crate::render::span(left)));
        } else {
            line.push_str(", token expired");
        }
    }
    let errors = f("errors").and_then(|v| v.parse::<u64>().ok());
    let budget: Option<BTreeMap<String, u64>> =
        f("budget_remaining").and_then(|b| serde_json::from_str(b).ok());
    if let (Some(used), Some(left)) = (errors, budget.as_ref().and_then(|b| b.get("errors"))) {
        line.push_str(&format!(", errors {used}/{}", used + left));
    }
    line
}

/// A pipeline of the runtime store: `pipeline p-1 RUNNING (plan q, round 1,
/// tier 0): alpha running, beta pending`.
fn pipeline_line(p: &RuntimeEntry) -> String {
    let f = |k: &str| p.fields.get(k).map(String::as_str).unwrap_or("?");
    let agents = p
        .fields
        .get("agents")
        .map(|a| a.replace(':', " ").replace(',', ", "))
        .unwrap_or_default();
    format!(
        "pipeline {} {} (plan {}, round {}, tier {}): {agents}",
        p.id,
        f("status"),
        f("plan"),
        f("round"),
        f("tier")
    )
}

/// What waits for a person, first and in full.
pub(super) fn needs_you(out: &mut Output, items: &[Attention]) -> Result<(), CliError> {
    if items.is_empty() {
        return Ok(());
    }
    out.line("")?;
    out.line(&format!("needs you ({}):", items.len()))?;
    for a in items {
        out.line(&format!("  {}", a.what))?;
        if let Some(c) = &a.command {
            out.line(&format!("    {c}"))?;
        }
    }
    Ok(())
}

/// One line per pipeline: its states in order (`p-1 RUNNING →
/// CONSENSUS_FAILED`) and how many other events it had.
fn pipeline_lines(s: &Since, items: &[Item]) -> Vec<String> {
    let mut order: Vec<String> = Vec::new();
    let mut others: BTreeMap<String, u64> = BTreeMap::new();
    for i in items {
        let id = i.pipeline.clone().unwrap_or_else(|| {
            i.summary
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_string()
        });
        if !order.contains(&id) {
            order.push(id.clone());
        }
        if i.action != "pipeline.state" {
            *others.entry(id).or_default() += 1;
        }
    }
    for id in s.pipeline_states.keys() {
        if !order.contains(id) {
            order.push(id.clone());
        }
    }
    order
        .into_iter()
        .map(|id| {
            let states = s
                .pipeline_states
                .get(&id)
                .map(|st| st.join(" → "))
                .unwrap_or_default();
            let n = others.get(&id).copied().unwrap_or(0);
            let rest = if n > 0 {
                format!(" (+{n} other event{})", if n == 1 { "" } else { "s" })
            } else {
                String::new()
            };
            format!("{id} {states}{rest}").trim().replace("  ", " ")
        })
        .collect()
}

/// `5 active; open: 1 critical, 2 high; in progress: b3 (alpha)`.
pub(super) fn bugs_line(s: &Snapshot) -> String {
    let b = &s.bugs;
    let open: Vec<String> = ["critical", "high", "medium", "low"]
        .iter()
        .filter_map(|sev| {
            b.open_by_severity
                .get(*sev)
                .filter(|n| **n > 0)
                .map(|n| format!("{n} {sev}"))
        })
        .collect();
    let mut line = format!("{} active", b.active);
    if !open.is_empty() {
        line.push_str(&format!("; open: {}", open.join(", ")));
    }
    if !b.in_progress.is_empty() {
        let ip: Vec<String> = b
            .in_progress
            .iter()
            .take(5)
            .map(|x| format!("{} ({})", x.id, x.assignee.as_deref().unwrap_or("-")))
            .collect();
        line.push_str(&format!("; in progress: {}", ip.join(", ")));
    }
    line
}

/// What happened since, group by group.
pub(super) fn since(out: &mut Output, s: &Since) -> Result<(), CliError> {
    if s.events == 0 {
        return out.line("nothing recorded since");
    }
    out.line(&format!(
        "since then: {} event(s), ledger #{}..#{}",
        s.events,
        s.after_seq + 1,
        s.head_seq
    ))?;
    let groups: [(&str, &Vec<Item>); 7] = [
        ("new bugs", &s.new_bugs),
        ("bug changes", &s.bug_changes),
        ("revocations", &s.revocations),
        ("status", &s.status_changes),
        ("pipelines", &s.pipelines),
        ("notes", &s.notes),
        ("memory", &s.memory),
    ];
    for ((label, items), name) in groups.into_iter().zip(agov_checkpoint::GROUPS) {
        let lines: Vec<String> = if name == "pipelines" {
            pipeline_lines(s, items)
        } else {
            items.iter().map(|i| i.summary.clone()).collect()
        };
        for (i, line) in lines.iter().enumerate() {
            let tag = if i == 0 {
                format!("{label}:")
            } else {
                String::new()
            };
            out.line(&format!("  {tag:<13} {line}"))?;
        }
        if let Some(n) = s.more.get(name).filter(|n| **n > 0) {
            let tag = if lines.is_empty() {
                format!("{label}:")
            } else {
                String::new()
            };
            out.line(&format!(
                "  {tag:<13} … {n} more (`--per-group N` shows more; `--json` keeps the newest N)"
            ))?;
        }
    }
    let others: Vec<String> = s
        .by_action
        .iter()
        .filter(|(a, _)| {
            !a.starts_with("bug.")
                && !a.starts_with("status.")
                && !a.starts_with("pipeline.")
                && *a != "ledger.note"
                && !a.contains("revoke")
        })
        .map(|(a, n)| format!("{a} ×{n}"))
        .collect();
    if !others.is_empty() {
        out.line(&format!("  {:<13} {}", "other:", others.join(", ")))?;
    }
    Ok(())
}
