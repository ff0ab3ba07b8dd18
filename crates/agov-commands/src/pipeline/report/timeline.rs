//! The report's timeline: an inline SVG with a row for the pipeline's
//! status and a row per agent run, its lifecycle phases as bars on one time
//! axis (from the ledger's `agent.bootstrap`, `agent.phase`, `agent.exit`,
//! `agent.fail` and `agent.revoke` events), votes as marks.

use std::fmt::Write as _;

use agov_ledger::Event;
use agov_pipeline::dossier::Dossier;

use super::page::esc;

/// Width of the whole drawing, of the label column, and a row's height.
const WIDTH: f64 = 960.0;
const LABEL: f64 = 190.0;
const ROW: f64 = 24.0;
const TOP: f64 = 22.0;

/// One bar: what, from when to when (µs).
struct Bar {
    what: String,
    from: i64,
    to: i64,
}

/// One row: a label, its bars, its marks (time, what) and how it ended.
struct Row {
    label: String,
    bars: Vec<Bar>,
    marks: Vec<(i64, String)>,
    end: Option<String>,
}

/// The colour of a phase or status bar (CSS class name).
fn class(what: &str) -> String {
    let w: String = what
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("b-{w}")
}

/// Who an agent id is in this pipeline: its role or stage.
fn seat(d: &Dossier, agent: &str) -> String {
    let st = &d.state;
    if let Some((role, _)) = st.agents.iter().find(|(_, s)| s.agent_id == agent) {
        return role.as_str().to_string();
    }
    if let Some(r) = st.stages.iter().find(|r| r.slot.agent_id == agent) {
        return format!("stage {}", r.name);
    }
    agent.to_string()
}

/// The rows: the pipeline's statuses, then each agent run in order of start.
fn rows(d: &Dossier, last_us: i64) -> Vec<Row> {
    let st = &d.state;
    let mut status = Row {
        label: "pipeline".into(),
        bars: Vec::new(),
        marks: Vec::new(),
        end: None,
    };
    for (i, t) in st.history.iter().enumerate() {
        let to = st.history.get(i + 1).map_or(last_us, |n| n.at_us);
        status.bars.push(Bar {
            what: t.status.as_str().to_string(),
            from: t.at_us,
            to,
        });
    }
    let mut out = vec![status];
    // Runs by (agent, run id), in the order they first appear.
    let mut keys: Vec<(String, String)> = Vec::new();
    let mut runs: Vec<Row> = Vec::new();
    for e in &d.ledger {
        let Some(agent) = &e.agent else { continue };
        let run = e.subject.clone().unwrap_or_default();
        let i = match keys.iter().position(|(a, r)| a == agent && *r == run) {
            Some(i) => i,
            None => {
                if !matches!(e.action.as_str(), "agent.bootstrap" | "agent.phase") {
                    continue;
                }
                let n = keys.iter().filter(|(a, _)| a == agent).count();
                keys.push((agent.clone(), run));
                let who = seat(d, agent);
                runs.push(Row {
                    label: if n == 0 {
                        who
                    } else {
                        format!("{who} (run {})", n + 1)
                    },
                    bars: Vec::new(),
                    marks: Vec::new(),
                    end: None,
                });
                keys.len() - 1
            }
        };
        apply(&mut runs[i], e);
    }
    for r in &mut runs {
        if let Some(b) = r.bars.last_mut()
            && r.end.is_none()
        {
            b.to = b.to.max(last_us);
        }
    }
    out.extend(runs);
    out
}

/// Adds event `e` to its run's row.
fn apply(row: &mut Row, e: &Event) {
    let start = |row: &mut Row, what: &str| {
        if let Some(b) = row.bars.last_mut() {
            b.to = e.ts_us;
        }
        row.bars.push(Bar {
            what: what.to_string(),
            from: e.ts_us,
            to: e.ts_us,
        });
    };
    match e.action.as_str() {
        "agent.bootstrap" => start(row, "BOOTSTRAP"),
        "agent.phase" => {
            let to = e.detail["to"].as_str().unwrap_or("?").to_string();
            start(row, &to);
        }
        "agent.exit" => {
            start(row, "EXIT");
            row.end = Some("exit".into());
        }
        "agent.fail" | "agent.revoke" => {
            if let Some(b) = row.bars.last_mut() {
                b.to = e.ts_us;
            }
            let why = e.detail["reason"].as_str().unwrap_or_default();
            let what = if e.action == "agent.fail" {
                "failed"
            } else {
                "revoked"
            };
            row.marks.push((e.ts_us, format!("{what}: {why}")));
            row.end = Some(what.into());
        }
        "pipeline.vote" => {
            let v = e.detail["vote"].as_str().unwrap_or("vote");
            row.marks.push((e.ts_us, format!("vote {v}")));
        }
        _ => {
            if let Some(b) = row.bars.last_mut() {
                b.to = b.to.max(e.ts_us);
            }
        }
    }
}

/// A duration in the largest fitting unit: `850 ms`, `12.4 s`, `3.0 min`.
pub(super) fn span(us: i64) -> String {
    let ms = us as f64 / 1000.0;
    if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else if ms < 120_000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else if ms < 7_200_000.0 {
        format!("{:.1} min", ms / 60_000.0)
    } else {
        format!("{:.1} h", ms / 3_600_000.0)
    }
}

/// The timeline as an `<svg>` element.
pub(super) fn svg(d: &Dossier) -> String {
    let times = || {
        d.ledger
            .iter()
            .map(|e| e.ts_us)
            .chain(d.state.history.iter().map(|t| t.at_us))
            .chain([d.state.created_us, d.state.updated_us])
    };
    let first = times().min().unwrap_or(0);
    let last = times().max().unwrap_or(first).max(first + 1);
    let rows = rows(d, last);
    let plot = WIDTH - LABEL - 10.0;
    let x = |us: i64| LABEL + (us - first) as f64 / (last - first) as f64 * plot;
    let height = TOP + ROW * rows.len() as f64 + 8.0;
    let mut s = String::with_capacity(4096 + rows.len() * 1024);
    let _ = write!(
        s,
        r#"<svg class="timeline" role="img" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" aria-labelledby="timeline-title"><title id="timeline-title">Timeline of pipeline {} ({} in all)</title>"#,
        esc(&d.state.id),
        span(last - first)
    );
    for i in 0..=4 {
        let t = first + (last - first) * i / 4;
        let tx = x(t);
        let anchor = match i {
            0 => "start",
            4 => "end",
            _ => "middle",
        };
        let _ = write!(
            s,
            r#"<line class="tick" x1="{tx:.1}" y1="{}" x2="{tx:.1}" y2="{}"/><text class="axis" x="{tx:.1}" y="14" text-anchor="{anchor}">+{}</text>"#,
            TOP - 4.0,
            height - 6.0,
            span(t - first)
        );
    }
    for (i, r) in rows.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let _ = write!(
            s,
            r#"<text class="label" x="4" y="{:.1}">{}</text>"#,
            y + ROW * 0.65,
            esc(&r.label)
        );
        for b in &r.bars {
            let (bx, bw) = (x(b.from), (x(b.to) - x(b.from)).max(2.0));
            let _ = write!(
                s,
                r#"<rect class="bar {}" x="{bx:.1}" y="{:.1}" width="{bw:.1}" height="{:.1}"><title>{} {}: {} at +{}</title></rect>"#,
                class(&b.what),
                y + 3.0,
                ROW - 6.0,
                esc(&r.label),
                esc(&b.what),
                span(b.to - b.from),
                span(b.from - first)
            );
            if bw >= 8.0 * b.what.len() as f64 * 0.75 {
                let _ = write!(
                    s,
                    r#"<text class="in-bar" x="{:.1}" y="{:.1}">{}</text>"#,
                    bx + 3.0,
                    y + ROW * 0.65,
                    esc(&b.what)
                );
            }
        }
        for (t, what) in &r.marks {
            let (mx, my) = (x(*t), y + ROW / 2.0);
            let _ = write!(
                s,
                r#"<path class="mark {}" d="M{:.1} {:.1}l5 5l-5 5l-5 -5z"><title>{} {}</title></path>"#,
                class(what.split(':').next().unwrap_or_default()),
                mx,
                my - 5.0,
                esc(&r.label),
                esc(what)
            );
        }
        if let Some(end) = &r.end
            && end != "exit"
        {
            let tx = r.bars.last().map_or(LABEL, |b| x(b.to)) + 8.0;
            let _ = write!(
                s,
                r#"<text class="end" x="{:.1}" y="{:.1}">{}</text>"#,
                tx.min(WIDTH - 60.0),
                y + ROW * 0.65,
                esc(end)
            );
        }
    }
    s.push_str("</svg>");
    s
}
