//! The Markdown handoff report of `checkpoint report --handoff`: one
//! document a person reads top to bottom and an agent parses (stable
//! headings, and the same facts as JSON in the last section).

use std::fmt::Write as _;

use agov_agent::records::Metrics;
use agov_checkpoint::Snapshot;
use serde_json::{Value, json};

/// Everything the report says.
pub(super) struct Facts<'a> {
    pub snapshot: &'a Snapshot,
    pub tenant: &'a str,
    pub head_seq: u64,
    pub agents: &'a [Metrics],
    pub handoffs: &'a [Value],
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The report.
pub(super) fn markdown(f: &Facts<'_>) -> String {
    let s = f.snapshot;
    let mut md = String::new();
    let now = agov_core::time::format_us(agov_core::time::now_us());
    let _ = writeln!(md, "# Handoff report\n");
    let _ = writeln!(
        md,
        "Generated {now} for tenant `{}`, ledger head #{} (`checkpoint load` briefs on what follows).\n",
        f.tenant, f.head_seq
    );
    let _ = writeln!(md, "## Where things stand\n");
    if let Some(w) = &s.workdir {
        let git = w
            .git
            .as_ref()
            .map_or("not a git repository".to_string(), |g| {
                format!(
                    "git `{}` at `{}`, {} changed file(s)",
                    g.branch,
                    g.head.get(..10).unwrap_or(&g.head),
                    g.changed_files
                )
            });
        let _ = writeln!(md, "- Working directory: `{}` ({git})", w.path);
    }
    let by_sev: Vec<String> = s
        .bugs
        .open_by_severity
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    let _ = writeln!(
        md,
        "- Bugs: {} active{}",
        s.bugs.active,
        if by_sev.is_empty() {
            String::new()
        } else {
            format!(" (open: {})", by_sev.join(", "))
        }
    );
    let running: Vec<String> = s
        .runtime
        .agents
        .iter()
        .filter(|a| a.fields.get("status").map(String::as_str) == Some("running"))
        .map(|a| {
            format!(
                "`{}` in {}",
                a.id,
                a.fields.get("phase").cloned().unwrap_or_default()
            )
        })
        .collect();
    let _ = writeln!(
        md,
        "- Runtime store ({}): {}",
        s.runtime.backend,
        match (&s.runtime.error, running.is_empty()) {
            (Some(e), _) => format!("unavailable: {e}"),
            (None, true) => "no agent running".into(),
            (None, false) => format!("running: {}", running.join(", ")),
        }
    );
    let _ = writeln!(
        md,
        "- Memory: {} entr{}",
        s.memory.entries,
        if s.memory.entries == 1 { "y" } else { "ies" }
    );
    if !s.bugs.urgent.is_empty() || !s.bugs.in_progress.is_empty() {
        let _ = writeln!(
            md,
            "\n## Bugs to look at\n\n| id | severity | title | assignee |\n|---|---|---|---|"
        );
        for b in s.bugs.urgent.iter().chain(&s.bugs.in_progress) {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} |",
                b.id,
                b.severity,
                cell(&b.title),
                b.assignee.clone().unwrap_or_default()
            );
        }
    }
    if !f.agents.is_empty() {
        let _ = writeln!(
            md,
            "\n## Agents\n\n| agent | tier | runs | streak | revocations | last |\n|---|---|---|---|---|---|"
        );
        for a in f.agents {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {}{} | {} | {} |",
                a.agent_id,
                a.tier.number(),
                a.runs,
                a.streak,
                a.streak_needed.map(|n| format!("/{n}")).unwrap_or_default(),
                a.revocations,
                a.last_outcome.clone().unwrap_or_default()
            );
        }
    }
    if !f.handoffs.is_empty() {
        let _ = writeln!(md, "\n## Handoffs left by stopped agents\n");
        for h in f.handoffs {
            let text = |k: &str| h[k].as_str().unwrap_or("").to_string();
            let _ = writeln!(
                md,
                "### Task `{}` (agent `{}`)\n",
                text("task_id"),
                text("previous_agent_id")
            );
            let why = &h["revocation_reason"];
            let _ = writeln!(
                md,
                "- Why it stopped: {} ({}): {}",
                if h["revoked"] == true {
                    "revoked"
                } else {
                    "failed"
                },
                why["type"].as_str().unwrap_or(""),
                why["details"].as_str().unwrap_or("")
            );
            let state = &h["last_known_state"];
            let _ = writeln!(
                md,
                "- Last phase: {}{}",
                state["phase"].as_str().unwrap_or(""),
                state["step"]
                    .as_str()
                    .map(|s| format!(", last step: {s}"))
                    .unwrap_or_default()
            );
            for (label, key) in [
                ("Next", "required_next_actions"),
                ("Tried", "what_was_tried"),
                ("Keep to", "constraints_reminder"),
                ("Artifacts", "artifacts"),
            ] {
                let items: Vec<&str> = h[key]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                if !items.is_empty() {
                    let _ = writeln!(md, "- {label}:");
                    for i in items {
                        let _ = writeln!(md, "  - {i}");
                    }
                }
            }
            md.push('\n');
        }
    }
    if let Some(st) = &s.status
        && !st.dirs.is_empty()
    {
        let _ = writeln!(
            md,
            "\n## Directories\n\n| path | phase | tasks | state |\n|---|---|---|---|"
        );
        for d in &st.dirs {
            let _ = writeln!(
                md,
                "| {} | {} | {}/{} | {} |",
                cell(&d.path),
                d.phase.clone().unwrap_or_default(),
                d.tasks_done,
                d.tasks_total,
                d.state
            );
        }
    }
    if !s.recent.is_empty() {
        let _ = writeln!(md, "\n## Latest events\n");
        for i in &s.recent {
            let _ = writeln!(
                md,
                "- #{} {} — {}",
                i.seq,
                i.ts.get(..19).unwrap_or(&i.ts),
                i.summary
            );
        }
    }
    let doc = json!({ "tenant": f.tenant, "head_seq": f.head_seq, "snapshot": s, "agents": f.agents, "handoffs": f.handoffs });
    let _ = writeln!(
        md,
        "\n## Machine-readable\n\n```json\n{}\n```",
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    );
    md
}
