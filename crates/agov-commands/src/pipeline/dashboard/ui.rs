//! How a [`Snapshot`] is drawn: alerts at the top, the pipelines, then one
//! pane for the selected pipeline (its agent cards, gates and consensus
//! panel; its ledger events; or the charts), a line of keys, and a
//! question over it all while an action waits for its answer; the same
//! widgets for the terminal and for `--once`.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, TableState, Wrap};

use super::prompt::Prompt;
use super::snapshot::{Snapshot, settled};

/// The pane under the pipelines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Pane {
    /// The selected pipeline's agents, gates and votes.
    #[default]
    Agents,
    /// The selected pipeline's ledger events.
    Log,
    /// Pipelines per hour, durations, error rates.
    Charts,
}

impl Pane {
    /// The next pane (Tab).
    pub(crate) fn next(self) -> Pane {
        match self {
            Pane::Agents => Pane::Log,
            Pane::Log => Pane::Charts,
            Pane::Charts => Pane::Agents,
        }
    }
}

/// What the interactive loop adds to a snapshot: the selected row, the
/// filter being typed, the help overlay and a message.
#[derive(Debug, Default)]
pub(crate) struct View {
    /// The selected row of the pipelines table.
    pub selected: usize,
    /// The selected agent card of the selected pipeline.
    pub agent: usize,
    /// The pane under the pipelines.
    pub pane: Pane,
    /// The question of an action waiting for its answer.
    pub prompt: Prompt,
    /// The filter is being typed.
    pub typing: bool,
    /// Show the keys.
    pub help: bool,
    /// A line for the status bar (an error, what an action did).
    pub message: Option<String>,
    /// How changes reach the screen (`pushed`, `polled`); empty for `--once`.
    pub feed: &'static str,
}

/// Draws `snap` over the whole frame.
pub(crate) fn draw(frame: &mut Frame<'_>, snap: &Snapshot, view: &View) {
    let area = frame.area();
    let alerts = snap.alerts.len().clamp(1, 4) as u16 + 2;
    let (agents, votes) = match &snap.selected {
        Some(d) => (
            (d.agents.len() + d.gates.len()).max(1) as u16 + 3,
            d.votes.len() as u16 + 3,
        ),
        None => (0, 0),
    };
    let pane = match view.pane {
        Pane::Agents => agents + votes,
        Pane::Log if snap.selected.is_some() => (agents + votes).max(8),
        Pane::Log => 0,
        Pane::Charts => 5,
    };
    let [title, alerts_area, list_area, pane_area, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(alerts),
        Constraint::Min(4),
        Constraint::Length(pane),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(title_line(snap, view), title);
    frame.render_widget(alerts_panel(snap), alerts_area);
    // Inside its borders, under its header.
    let visible = list_area.height.saturating_sub(3) as usize;
    let (table, mut state) = pipelines_table(snap, view.selected, visible);
    frame.render_stateful_widget(table, list_area, &mut state);
    match view.pane {
        Pane::Agents if snap.selected.is_some() => {
            let [agents_area, votes_area] =
                Layout::vertical([Constraint::Length(agents), Constraint::Length(votes)])
                    .areas(pane_area);
            let (table, mut state) = agents_panel(snap, view.agent);
            frame.render_stateful_widget(table, agents_area, &mut state);
            frame.render_widget(votes_panel(snap), votes_area);
        }
        Pane::Log => frame.render_widget(log_panel(snap, pane_area.height), pane_area),
        Pane::Charts => frame.render_widget(charts_panel(snap), pane_area),
        Pane::Agents => {}
    }
    frame.render_widget(footer_line(snap, view), footer);
    if view.help {
        help_overlay(frame, area);
    }
    if view.prompt.is_open() {
        prompt_overlay(frame, area, &view.prompt);
    }
}

fn title_line(snap: &Snapshot, view: &View) -> Paragraph<'static> {
    let shown = if snap.filter.is_empty() {
        format!("{} pipelines", snap.total)
    } else {
        format!(
            "{}/{} pipelines /{}",
            snap.pipelines.len(),
            snap.total,
            snap.filter
        )
    };
    Paragraph::new(Line::from(vec![
        Span::styled(
            "agov pipeline dashboard",
            Style::new().add_modifier(Modifier::BOLD),
        ),
        // The tenant last: a long name is what 80 columns cut, not how
        // changes arrive.
        Span::raw(format!(
            " · {}{} · {shown} · tenant {}",
            snap.backend,
            if view.feed.is_empty() {
                String::new()
            } else {
                format!(", {}", view.feed)
            },
            snap.tenant,
        )),
    ]))
}

fn alerts_panel(snap: &Snapshot) -> Paragraph<'static> {
    let lines: Vec<Line<'static>> = if snap.alerts.is_empty() {
        vec![Line::from("nothing waits for you")]
    } else {
        let mut lines: Vec<Line<'static>> = snap
            .alerts
            .iter()
            .take(if snap.alerts.len() > 4 { 3 } else { 4 })
            .map(|a| {
                let tag = match a.kind {
                    "fallback" => "FALLBACK",
                    "gate" => "GATE",
                    "driver_gone" => "NO DRIVER",
                    "revoked_agent" => "REVOKED",
                    "stuck_agent" => "STUCK",
                    other => other,
                };
                Line::from(vec![
                    Span::styled(
                        format!("{tag:<9} "),
                        Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
                    ),
                    Span::raw(a.what.clone()),
                ])
            })
            .collect();
        if snap.alerts.len() > 4 {
            lines.push(Line::from(format!(
                "… and {} more (`checkpoint load` lists them all)",
                snap.alerts.len() - 3
            )));
        }
        lines
    };
    Paragraph::new(lines).block(
        Block::default()
            .borders(Borders::ALL)
            .title(format!(" alerts ({}) ", snap.alerts.len())),
    )
}

fn status_style(status: &str) -> Style {
    match status {
        "COMPLETED" | "completed" => Style::new().fg(Color::Green),
        "FAILED" | "failed" | "revoked" | "CONSENSUS_FAILED" => Style::new().fg(Color::Red),
        "waiting" => Style::new().fg(Color::Yellow),
        _ if settled(status) => Style::new(),
        _ => Style::new().fg(Color::Cyan),
    }
}

/// A duration in the largest unit that fits in a few characters.
pub(crate) fn age(seconds: i64) -> String {
    match seconds.max(0) {
        s if s < 120 => format!("{s}s"),
        s if s < 7200 => format!("{}m", s / 60),
        s if s < 172_800 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

/// The pipelines table, `visible` rows high: only the rows that can show
/// are built (the selected one at the bottom once it is past the first
/// screen, where the table would scroll it), so that a frame costs the
/// same with 500 pipelines as with 10.
fn pipelines_table(
    snap: &Snapshot,
    selected: usize,
    visible: usize,
) -> (Table<'static>, TableState) {
    let selected = selected.min(snap.pipelines.len().saturating_sub(1));
    let start = (selected + 1).saturating_sub(visible.max(1));
    let rows: Vec<Row<'static>> = snap
        .pipelines
        .iter()
        .skip(start)
        .take(visible.max(1))
        .map(|p| {
            Row::new(vec![
                Cell::from(p.id.clone()),
                Cell::from(p.status.clone()).style(status_style(&p.status)),
                Cell::from(age((snap.taken_us - p.created_us) / 1_000_000)),
                Cell::from(format!("T{}", p.tier)),
                Cell::from(p.round.to_string()),
                Cell::from(if settled(&p.status) { "-" } else { p.driver }),
                Cell::from(p.plan.clone()),
            ])
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(14),
            Constraint::Length(16),
            Constraint::Length(5),
            Constraint::Length(4),
            Constraint::Length(5),
            Constraint::Length(6),
            Constraint::Min(8),
        ],
    )
    .header(
        Row::new([
            "pipeline", "state", "age", "tier", "round", "driver", "plan",
        ])
        .style(Style::new().add_modifier(Modifier::BOLD)),
    )
    .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED))
    .highlight_symbol("> ")
    .block(Block::default().borders(Borders::ALL).title(" pipelines "));
    let mut state = TableState::default();
    if !snap.pipelines.is_empty() {
        state.select(Some(selected - start));
    }
    (table, state)
}

fn agents_panel(snap: &Snapshot, selected: usize) -> (Table<'static>, TableState) {
    let Some(d) = &snap.selected else {
        return (Table::default(), TableState::default());
    };
    let mut rows: Vec<Row<'static>> = d
        .agents
        .iter()
        .map(|a| {
            let last = match (&a.revoked, &a.last_line) {
                (Some(r), _) => r.clone(),
                (None, Some(l)) => l.clone(),
                (None, None) => String::new(),
            };
            Row::new(vec![
                Cell::from(a.role.clone()),
                Cell::from(a.status.clone()).style(status_style(&a.status)),
                Cell::from(a.phase.clone().unwrap_or_else(|| "-".into())),
                Cell::from(a.errors_left.map_or("-".into(), |e| e.to_string())),
                Cell::from(a.token_ttl_s.map_or("-".into(), age)),
                Cell::from(if a.revoked.is_some() { "yes" } else { "no" }),
                Cell::from(last),
            ])
        })
        .collect();
    rows.extend(d.gates.iter().map(|g| {
        Row::new(vec![
            Cell::from(format!("gate {}", g.stage)),
            Cell::from("waiting").style(status_style("waiting")),
            Cell::from("-"),
            Cell::from("-"),
            Cell::from("-"),
            Cell::from("-"),
            Cell::from(format!(
                "digest {} · a approves, d rejects",
                g.digest.get(..12).unwrap_or(&g.digest)
            )),
        ])
    }));
    let table = Table::new(
        rows,
        [
            Constraint::Length(13),
            Constraint::Length(9),
            Constraint::Length(9),
            Constraint::Length(4),
            Constraint::Length(5),
            Constraint::Length(4),
            Constraint::Min(10),
        ],
    )
    .header(
        Row::new([
            "agent",
            "status",
            "phase",
            "errs",
            "token",
            "rvkd",
            "last line",
        ])
        .style(Style::new().add_modifier(Modifier::BOLD)),
    )
    .row_highlight_style(Style::new().add_modifier(Modifier::UNDERLINED))
    .block(
        Block::default()
            .borders(Borders::ALL)
            .title(format!(" {} {} · agents ", d.id, d.status)),
    );
    let mut state = TableState::default();
    if !d.agents.is_empty() {
        state.select(Some(selected.min(d.agents.len() - 1)));
    }
    (table, state)
}

fn log_panel(snap: &Snapshot, height: u16) -> Paragraph<'static> {
    let Some(d) = &snap.selected else {
        return Paragraph::default();
    };
    // The newest at the bottom: the last lines that fit.
    let fit = height.saturating_sub(2) as usize;
    let from = d.log.len().saturating_sub(fit);
    let lines: Vec<Line<'static>> = if d.log.is_empty() {
        vec![Line::from("no events yet")]
    } else {
        d.log[from..].iter().map(|e| Line::from(e.text())).collect()
    };
    Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(format!(
        " {} · ledger events ({}) ",
        d.id,
        d.log.len()
    )))
}

fn charts_panel(snap: &Snapshot) -> Paragraph<'static> {
    let lines: Vec<Line<'static>> = snap.charts.lines().into_iter().map(Line::from).collect();
    Paragraph::new(lines).block(
        Block::default()
            .borders(Borders::ALL)
            .title(" last 24 h (one bar an hour) · durations of the newest settled "),
    )
}

fn votes_panel(snap: &Snapshot) -> Paragraph<'static> {
    let Some(d) = &snap.selected else {
        return Paragraph::default();
    };
    let mut lines: Vec<Line<'static>> = d
        .votes
        .iter()
        .map(|v| {
            Line::from(vec![
                Span::raw(format!("{:<5} ", v.role)),
                Span::styled(
                    format!("{:<7} ", v.vote),
                    match v.vote.as_str() {
                        "ACCEPT" => Style::new().fg(Color::Green),
                        "REJECT" => Style::new().fg(Color::Red),
                        _ => Style::new(),
                    },
                ),
                Span::raw(format!(
                    "by {} on {}: {}",
                    v.agent_id,
                    v.proposal.as_deref().unwrap_or("no proposal"),
                    v.reasoning
                )),
            ])
        })
        .collect();
    lines.push(Line::from(d.tally.clone()));
    Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" consensus "))
}

fn footer_line(snap: &Snapshot, view: &View) -> Paragraph<'static> {
    let text = if view.typing {
        format!("filter: {}▏ (Enter keeps it, Esc clears it)", snap.filter)
    } else if let Some(m) = &view.message {
        m.clone()
    } else {
        "jk pipeline · hl agent · Tab pane · f a d R x act · / filter · ? help · q quit".to_string()
    };
    Paragraph::new(text).style(Style::new().add_modifier(Modifier::DIM))
}

/// A box in the middle of `area`, at most `w` by `h`, cleared.
fn centered(frame: &mut Frame<'_>, area: Rect, w: u16, h: u16) -> Rect {
    let w = area.width.min(w);
    let h = area.height.min(h);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    frame.render_widget(Clear, r);
    r
}

fn help_overlay(frame: &mut Frame<'_>, area: Rect) {
    let text = vec![
        Line::from("up, down, j, k   select a pipeline"),
        Line::from("left, right, h, l  select an agent"),
        Line::from("Tab              agents · ledger events · charts"),
        Line::from("f                choose a fallback (consensus failed)"),
        Line::from("a, d             approve or reject its waiting gate"),
        Line::from("R                revoke the pipeline"),
        Line::from("x                revoke the selected agent"),
        Line::from("/                filter by id, state or plan"),
        Line::from("Enter, Esc       end the filter (Esc clears it)"),
        Line::from("?                this help"),
        Line::from("q, Ctrl-C        quit"),
        Line::from(""),
        Line::from("Each action asks y/n and is the command's own, checks"),
        Line::from("of who you are included. Changes show within 1 s."),
    ];
    let r = centered(frame, area, 60, text.len() as u16 + 2);
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(" keys ")),
        r,
    );
}

fn prompt_overlay(frame: &mut Frame<'_>, area: Rect, prompt: &Prompt) {
    let lines: Vec<Line<'static>> = prompt.lines().into_iter().map(Line::from).collect();
    let r = centered(frame, area, 76, lines.len() as u16 + 4);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(" confirm ")),
        r,
    );
}

/// A buffer as plain text: one line per row, trailing spaces trimmed.
pub(crate) fn text(buf: &Buffer) -> String {
    let width = buf.area.width as usize;
    let mut out = String::new();
    for row in buf.content().chunks(width.max(1)) {
        let line: String = row.iter().map(|c| c.symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::dashboard::bench;

    /// Only the visible rows are built, and the selected one stays in view
    /// as it moves past the first screen.
    #[test]
    fn the_selected_pipeline_stays_in_view_among_500() {
        let snap = bench::snapshot(500);
        for selected in [0, 5, 30, 499] {
            let view = View {
                selected,
                ..View::default()
            };
            let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24))
                .expect("a test backend");
            terminal.draw(|f| draw(f, &snap, &view)).expect("a frame");
            let screen = text(terminal.backend().buffer());
            let id = &snap.pipelines[selected].id;
            assert!(
                screen.lines().any(|l| l.contains(&format!("> {id}"))),
                "{selected}\n{screen}"
            );
        }
    }
}
