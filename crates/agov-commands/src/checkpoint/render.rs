//! How snapshots and summaries look to a person.

use agov_checkpoint::{Item, Since, Snapshot, Summary};
use agov_cli::{CliError, Output};

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
        let fields: Vec<String> = a.fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
        out.line(&format!("  agent {} {}", a.id, fields.join(" ")))?;
    }
    for p in r.pipelines.iter().take(8) {
        let fields: Vec<String> = p.fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
        out.line(&format!("  pipeline {} {}", p.id, fields.join(" ")))?;
    }
    Ok(())
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
    for (label, items) in groups {
        for (i, item) in items.iter().enumerate() {
            let tag = if i == 0 {
                format!("{label}:")
            } else {
                String::new()
            };
            out.line(&format!("  {tag:<13} {}", item.summary))?;
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
