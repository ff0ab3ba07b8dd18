//! The report page: one HTML document with inline CSS (print styles
//! included), no scripts and nothing loaded from elsewhere. Every text that
//! comes from the backends goes through [`esc`]: agents' output is
//! untrusted, so a `<script>` in a message is shown, never run.

use std::borrow::Cow;
use std::fmt::Write as _;

use agov_ledger::Event;
use agov_pipeline::dossier::Dossier;
use serde_json::Value;

use super::timeline;
use crate::render;

/// At most this many characters of one blackboard entry, message or vote
/// reasoning; the rest is in `pipeline blackboard` / `pipeline messages`.
const MAX_TEXT: usize = 4000;

/// The actions listed under "Decisions": what people (and the consensus
/// count) decided.
const DECISIONS: [&str; 7] = [
    "pipeline.consensus",
    "pipeline.fallback",
    "pipeline.gate_open",
    "pipeline.gate_approve",
    "pipeline.gate_reject",
    "pipeline.gate_void",
    "pipeline.gamma",
];

/// The actions listed under "Revocations".
const REVOCATIONS: [&str; 3] = ["pipeline.revoke", "agent.revoke", "pipeline.token_revoked"];

/// The actions listed under "Errors".
const ERRORS: [&str; 7] = [
    "agent.error",
    "agent.violation",
    "agent.fail",
    "pipeline.interrupted",
    "pipeline.agent_interrupted",
    "pipeline.token_renew_failed",
    "pipeline.stage_retry",
];

const STYLE: &str = r#"
:root { --fg: #1b1f24; --muted: #59636e; --line: #d0d7de; --bg2: #f6f8fa; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); margin: 0 auto; max-width: 1100px; padding: 16px 24px 48px; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 17px; border-bottom: 1px solid var(--line); padding-bottom: 4px; margin: 28px 0 10px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
pre { background: var(--bg2); border: 1px solid var(--line); border-radius: 4px; padding: 8px 10px; white-space: pre-wrap; word-break: break-word; margin: 4px 0; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; }
th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: var(--bg2); font-weight: 600; }
td.hash { font-family: ui-monospace, monospace; font-size: 11px; word-break: break-all; }
td pre { margin: 0; padding: 4px 6px; max-height: none; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.muted { color: var(--muted); }
.status { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 13px; font-weight: 600; border: 1px solid currentColor; vertical-align: middle; }
.s-COMPLETED, .v-ACCEPT { color: var(--ok); }
.s-FAILED, .s-CONSENSUS_FAILED, .v-REJECT { color: var(--bad); }
.s-RUNNING, .s-REPORT, .s-ORCHESTRATING, .s-SPAWN, .v-ABSTAIN { color: var(--warn); }
nav ul { list-style: none; padding: 0; margin: 8px 0; display: flex; flex-wrap: wrap; gap: 4px 14px; }
nav a { color: #0969da; text-decoration: none; }
.empty { color: var(--muted); font-style: italic; }
svg.timeline { border: 1px solid var(--line); border-radius: 4px; background: #fff; }
svg .label, svg .axis, svg .in-bar, svg .end { font: 11px system-ui, sans-serif; fill: var(--fg); }
svg .axis { fill: var(--muted); }
svg .in-bar { font-size: 9.5px; fill: #fff; pointer-events: none; }
svg .end { fill: var(--bad); font-weight: 600; }
svg .tick { stroke: var(--line); stroke-dasharray: 2 3; }
svg .bar { fill: #8c959f; }
svg .b-bootstrap { fill: #6e7781; } svg .b-preflight { fill: #8250df; } svg .b-plan { fill: #0969da; }
svg .b-execute { fill: #1a7f37; } svg .b-verify { fill: #bf8700; } svg .b-package { fill: #bc4c00; }
svg .b-report { fill: #cf222e; } svg .b-exit { fill: #24292f; }
svg .b-spawn { fill: #6e7781; } svg .b-running { fill: #0969da; } svg .b-orchestrating { fill: #8250df; }
svg .b-completed { fill: #1a7f37; } svg .b-failed, svg .b-consensus-failed { fill: #cf222e; }
svg .mark { fill: #ffd33d; stroke: #24292f; stroke-width: 1; }
svg .mark.b-failed, svg .mark.b-revoked { fill: #cf222e; }
svg .mark.b-vote-accept { fill: #2da44e; } svg .mark.b-vote-reject { fill: #cf222e; }
.legend span { display: inline-block; margin-right: 10px; font-size: 12px; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: middle; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav { display: none; }
  h2 { break-after: avoid; }
  tr, pre, svg { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  th { background: #eee !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  svg.timeline, .legend i, .status { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  td.hash { font-size: 8pt; }
}
"#;

/// `s` with `& < > " '` replaced by entities and control characters by
/// U+FFFD: safe in element content and in quoted attributes.
pub(super) fn esc(s: &str) -> Cow<'_, str> {
    let bad = |c: char| {
        matches!(c, '&' | '<' | '>' | '"' | '\'') || (c.is_control() && !matches!(c, '\n' | '\t'))
    };
    if !s.contains(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && !matches!(c, '\n' | '\t') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A JSON value as text: a string as it is, anything else as pretty JSON;
/// cut at [`MAX_TEXT`] characters.
fn text(v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    };
    cut(s)
}

fn cut(s: String) -> String {
    match s.char_indices().nth(MAX_TEXT) {
        Some((at, _)) => format!(
            "{}… ({} more bytes not shown)",
            &s[..at],
            s.len().saturating_sub(at)
        ),
        None => s,
    }
}

fn time(us: i64) -> String {
    agov_core::time::format_us(us)
}

/// The page being written.
struct Page {
    s: String,
}

impl Page {
    fn raw(&mut self, html: &str) {
        self.s.push_str(html);
    }

    fn text(&mut self, t: &str) {
        self.s.push_str(&esc(t));
    }

    fn h2(&mut self, id: &str, title: &str) {
        let _ = write!(self.s, r#"<section id="{id}"><h2>{}</h2>"#, esc(title));
    }

    fn end(&mut self) {
        self.s.push_str("</section>\n");
    }

    fn empty(&mut self, what: &str) {
        let _ = write!(self.s, r#"<p class="empty">{}</p>"#, esc(what));
    }

    /// A definition list of `(name, value)`; empty values are left out.
    fn facts(&mut self, facts: &[(&str, String)]) {
        self.raw(r#"<dl class="facts">"#);
        for (k, v) in facts.iter().filter(|(_, v)| !v.is_empty()) {
            let _ = write!(self.s, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(v));
        }
        self.raw("</dl>");
    }

    /// A table header row.
    fn head(&mut self, cols: &[&str]) {
        self.raw("<table><thead><tr>");
        for c in cols {
            let _ = write!(self.s, "<th>{}</th>", esc(c));
        }
        self.raw("</tr></thead><tbody>");
    }

    /// A table row of plain cells.
    fn row(&mut self, cells: &[&str]) {
        self.raw("<tr>");
        for c in cells {
            let _ = write!(self.s, "<td>{}</td>", esc(c));
        }
        self.raw("</tr>");
    }

    fn foot(&mut self) {
        self.raw("</tbody></table>");
    }

    /// A cell holding preformatted (escaped) text.
    fn pre_cell(&mut self, t: &str) {
        let _ = write!(self.s, "<td><pre>{}</pre></td>", esc(t));
    }

    /// A table of ledger events (without hashes), or `none`; `who` heads
    /// the actor's column.
    fn events(&mut self, events: &[&Event], none: &str, who: &str) {
        if events.is_empty() {
            return self.empty(none);
        }
        self.head(&["#", "time", who, "action", "agent", "detail"]);
        for e in events {
            self.raw("<tr>");
            let _ = write!(
                self.s,
                "<td>{}</td><td>{}</td><td><b>{}</b></td><td>{}</td><td>{}</td>",
                e.seq,
                esc(&e.ts),
                esc(&e.actor),
                esc(&e.action),
                esc(e.agent.as_deref().unwrap_or_default())
            );
            self.pre_cell(&cut(render::detail(&e.detail)));
            self.raw("</tr>");
        }
        self.foot();
    }
}

/// The page for `d`, generated at `now_us`.
pub(super) fn render(d: &Dossier, now_us: i64) -> String {
    let st = &d.state;
    let mut p = Page {
        s: String::with_capacity(64 * 1024 + d.ledger.len() * 600),
    };
    let _ = write!(
        p.s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"generator\" content=\"agov pipeline report {}\">\
         <title>Pipeline {} — {} — agov report</title><style>{STYLE}</style></head>\n<body>\n",
        env!("CARGO_PKG_VERSION"),
        esc(&st.id),
        esc(st.status.as_str()),
    );
    let _ = write!(
        p.s,
        r#"<header><h1>Pipeline <span class="mono">{}</span> <span class="status s-{}">{}</span></h1><p class="muted">plan {} · tier {} · round {} · exit code {} · report generated {}</p>"#,
        esc(&st.id),
        esc(st.status.as_str()),
        esc(st.status.as_str()),
        esc(&st.plan.name),
        st.tier,
        st.round,
        st.exit_code(),
        esc(&time(now_us)),
    );
    p.raw(r##"<nav><ul><li><a href="#summary">Summary</a></li><li><a href="#timeline">Timeline</a></li><li><a href="#agents">Agents</a></li><li><a href="#plan">Plan</a></li><li><a href="#blackboard">Blackboard</a></li><li><a href="#messages">Messages</a></li><li><a href="#votes">Votes</a></li><li><a href="#decisions">Decisions</a></li><li><a href="#revocations">Revocations</a></li><li><a href="#errors">Errors</a></li><li><a href="#ledger">Ledger events</a></li></ul></nav></header>"##);
    p.raw("\n<main>\n");
    summary(&mut p, d);
    p.h2("timeline", "Timeline");
    p.raw(&timeline::svg(d));
    legend(&mut p);
    p.end();
    agents(&mut p, d);
    plan(&mut p, d);
    blackboard(&mut p, d);
    messages(&mut p, d);
    votes(&mut p, d);
    decisions(&mut p, d);
    let of = |actions: &[&str]| -> Vec<&Event> {
        d.ledger
            .iter()
            .filter(|e| actions.contains(&e.action.as_str()))
            .collect()
    };
    p.h2("revocations", "Revocations");
    if let Some(by) = &st.revoked_by {
        p.facts(&[("pipeline revoked by", by.clone())]);
    }
    p.events(&of(&REVOCATIONS), "Nothing was revoked.", "who revoked");
    p.end();
    p.h2("errors", "Errors");
    p.events(
        &of(&ERRORS),
        "No errors, violations or failures were recorded.",
        "actor",
    );
    p.end();
    ledger(&mut p, d);
    p.raw("</main>\n");
    let _ = write!(
        p.s,
        "<footer>Written by <code>pipeline report {} --html</code> (agov {}) at {} from the runtime store and the audit ledger of tenant <code>{}</code>. Agents' output is shown as text.</footer>\n</body></html>\n",
        esc(&st.id),
        env!("CARGO_PKG_VERSION"),
        esc(&time(now_us)),
        esc(&st.tenant),
    );
    p.s
}

fn summary(p: &mut Page, d: &Dossier) {
    let st = &d.state;
    p.h2("summary", "Summary");
    let tally = st.tally.as_ref().map_or_else(String::new, |t| {
        format!(
            "round {}: {} accept, {} reject, {} abstain — {}",
            t.round, t.accepts, t.rejects, t.abstains, t.reason
        )
    });
    let token = format!(
        "accessor {} ({}), {} renewal(s), expires {}{}",
        st.token.accessor,
        st.token.backend,
        st.token.renewals,
        time(st.token.expires_us),
        st.token
            .revoked_us
            .map(|r| format!(", revoked {}", time(r)))
            .unwrap_or_default()
    );
    p.facts(&[
        ("objective", st.objective.clone()),
        ("status", st.status.as_str().to_string()),
        ("failure", st.failure.clone().unwrap_or_default()),
        ("consensus", tally),
        (
            "partial result accepted by",
            st.accepted_by
                .as_ref()
                .map(|a| match &st.accepted_proposal {
                    Some(pr) => format!("{a} (proposal {pr})"),
                    None => a.clone(),
                })
                .unwrap_or_default(),
        ),
        ("revoked by", st.revoked_by.clone().unwrap_or_default()),
        ("fallbacks chosen", st.fallbacks.join(", ")),
        (
            "GAMMA spawned",
            st.gamma
                .as_ref()
                .map(|g| format!("{} at {}", g.reason, time(g.at_us)))
                .unwrap_or_default(),
        ),
        (
            "plan",
            format!("{} (digest {})", st.plan.name, st.plan_digest),
        ),
        ("tier", st.tier.to_string()),
        ("round", st.round.to_string()),
        ("spawned by", st.spawned_by.clone()),
        ("created", time(st.created_us)),
        ("last change", time(st.updated_us)),
        ("deadline", time(st.deadline_us)),
        ("drivers", st.drivers.to_string()),
        ("work folder", st.work_dir.display().to_string()),
        ("pipeline token", token),
        ("ledger events", d.ledger.len().to_string()),
    ]);
    p.raw("<h3>Status changes</h3>");
    p.head(&["time", "status", "note"]);
    for t in &st.history {
        p.row(&[
            &time(t.at_us),
            t.status.as_str(),
            t.note.as_deref().unwrap_or_default(),
        ]);
    }
    p.foot();
    p.end();
}

fn legend(p: &mut Page) {
    p.raw(r#"<p class="legend">"#);
    for (name, colour) in [
        ("BOOTSTRAP", "#6e7781"),
        ("PREFLIGHT", "#8250df"),
        ("PLAN", "#0969da"),
        ("EXECUTE", "#1a7f37"),
        ("VERIFY", "#bf8700"),
        ("PACKAGE", "#bc4c00"),
        ("REPORT", "#cf222e"),
        ("EXIT", "#24292f"),
    ] {
        let _ = write!(
            p.s,
            r#"<span><i style="background:{colour}"></i>{name}</span>"#
        );
    }
    p.raw(r#"<span>◆ a vote, a failure or a revocation (hover for details)</span></p>"#);
}

fn agents(p: &mut Page, d: &Dossier) {
    let st = &d.state;
    p.h2("agents", "Agents");
    p.head(&[
        "role / stage",
        "agent",
        "status",
        "phase",
        "tier",
        "tries",
        "started",
        "ended",
        "token accessor",
        "why it stopped",
    ]);
    let slots = st
        .agents
        .iter()
        .map(|(r, s)| (r.as_str().to_string(), s))
        .chain(
            st.stages
                .iter()
                .map(|r| (format!("stage {}", r.name), &r.slot)),
        );
    for (who, s) in slots {
        p.raw("<tr>");
        let _ = write!(
            p.s,
            r#"<td>{}</td><td class="mono">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class="mono">{}</td><td>{}</td>"#,
            esc(&who),
            esc(&s.agent_id),
            esc(s.status.as_str()),
            esc(s.phase.as_deref().unwrap_or_default()),
            s.tier,
            s.attempts,
            esc(&s.started_us.map(time).unwrap_or_default()),
            esc(&s.ended_us.map(time).unwrap_or_default()),
            esc(s.token_accessor.as_deref().unwrap_or_default()),
            esc(s.reason.as_deref().unwrap_or_default()),
        );
        p.raw("</tr>");
    }
    p.foot();
    let gates: Vec<_> = st
        .stages
        .iter()
        .filter_map(|r| r.gate.as_ref().map(|g| (r, g)))
        .collect();
    if !gates.is_empty() {
        p.raw("<h3>Human gates</h3>");
        p.head(&[
            "stage",
            "opened",
            "approvers",
            "decision",
            "who decided",
            "when",
            "why",
            "digest",
        ]);
        for (r, g) in gates {
            let dec = g.decision.as_ref();
            p.row(&[
                &r.name,
                &time(g.opened_us),
                &g.approvers.join(", "),
                match dec {
                    Some(x) if x.approved => "approved",
                    Some(_) => "rejected",
                    None => "waiting",
                },
                dec.map_or("", |x| x.by.as_str()),
                &dec.map(|x| time(x.at_us)).unwrap_or_default(),
                dec.and_then(|x| x.reason.as_deref()).unwrap_or_default(),
                &g.digest,
            ]);
        }
        p.foot();
    }
    p.end();
}

fn plan(p: &mut Page, d: &Dossier) {
    let plan = &d.state.plan;
    p.h2("plan", "Plan");
    p.facts(&[
        ("name", plan.name.clone()),
        ("description", plan.description.clone().unwrap_or_default()),
        ("objective", plan.objective.clone()),
        ("timeout", plan.timeout.clone()),
        ("digest", d.state.plan_digest.clone()),
    ]);
    if !plan.agents.is_empty() {
        p.head(&[
            "role",
            "command / template",
            "objective",
            "deliverables",
            "required steps",
        ]);
        for (role, a) in &plan.agents {
            let how = match (&a.template, a.command.is_empty()) {
                (Some(t), _) => format!("template {t}"),
                (None, false) => a.command.join(" "),
                (None, true) => String::new(),
            };
            p.row(&[
                role.as_str(),
                &how,
                a.objective.as_deref().unwrap_or_default(),
                &a.deliverables.join(", "),
                &a.required_steps.join(", "),
            ]);
        }
        p.foot();
    }
    p.raw("<h3>The plan as stored</h3><pre>");
    p.text(&serde_json::to_string_pretty(plan).unwrap_or_default());
    p.raw("</pre>");
    p.end();
}

fn blackboard(p: &mut Page, d: &Dossier) {
    p.h2("blackboard", "Blackboard");
    let mut any = false;
    for section in agov_pipeline::board::SECTIONS {
        let Some(entries) = d.blackboard.get(section).filter(|e| !e.is_empty()) else {
            continue;
        };
        any = true;
        let _ = write!(p.s, "<h3>{}</h3>", esc(section));
        p.head(&["id", "round", "by", "time", "content"]);
        for e in entries {
            p.raw("<tr>");
            let _ = write!(
                p.s,
                r#"<td class="mono" id="entry-{}">{}</td><td>{}</td><td>{}</td><td>{}</td>"#,
                esc(&e.id()),
                esc(&e.id()),
                e.round,
                esc(e.by.as_str()),
                esc(&time(e.at_us))
            );
            p.pre_cell(&text(&e.content));
            p.raw("</tr>");
        }
        p.foot();
    }
    if !d.conflicts.is_empty() {
        any = true;
        p.raw("<h3>Conflicts</h3>");
        p.head(&[
            "id",
            "round",
            "raised by",
            "with",
            "about",
            "resolved by",
            "how",
        ]);
        for c in &d.conflicts {
            p.row(&[
                &c.id,
                &c.round.to_string(),
                c.by.as_str(),
                c.with.as_deref().unwrap_or_default(),
                &c.about,
                c.resolved_by.map(|r| r.as_str()).unwrap_or("unresolved"),
                c.resolution.as_deref().unwrap_or_default(),
            ]);
        }
        p.foot();
    }
    if !any {
        p.empty("The agents wrote nothing on the blackboard.");
    }
    p.end();
}

fn messages(p: &mut Page, d: &Dossier) {
    p.h2("messages", "Messages");
    if d.messages.is_empty() {
        p.empty("No direct messages.");
    } else {
        p.head(&["round", "time", "from", "to", "kind", "message"]);
        for m in &d.messages {
            p.raw("<tr>");
            let _ = write!(
                p.s,
                "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                m.round,
                esc(&time(m.at_us)),
                esc(m.from.as_str()),
                esc(m.to.as_str()),
                esc(m.kind.as_str())
            );
            p.pre_cell(&text(&m.body));
            p.raw("</tr>");
        }
        p.foot();
    }
    p.end();
}

fn votes(p: &mut Page, d: &Dossier) {
    p.h2("votes", "Votes");
    if d.votes.is_empty() {
        p.empty("No votes were cast.");
    } else {
        p.head(&[
            "round",
            "voter",
            "vote",
            "reasoning",
            "proposal judged",
            "time",
            "token accessor",
        ]);
        for v in &d.votes {
            p.raw("<tr>");
            let _ = write!(
                p.s,
                r#"<td>{}</td><td>{} <span class="mono muted">{}</span></td><td class="v-{}"><b>{}</b></td>"#,
                v.round,
                esc(v.role.as_str()),
                esc(&v.agent_id),
                esc(v.vote.as_str()),
                esc(v.vote.as_str()),
            );
            p.pre_cell(&cut(v.reasoning.clone()));
            match &v.proposal {
                Some(id) => {
                    let _ = write!(
                        p.s,
                        r##"<td><a class="mono" href="#entry-{}">{}</a>"##,
                        esc(id),
                        esc(id)
                    );
                    if let Some(e) = d.entry(id) {
                        let _ = write!(p.s, "<pre>{}</pre>", esc(&text(&e.content)));
                    }
                    p.raw("</td>");
                }
                None => p.raw(r#"<td class="muted">none named</td>"#),
            }
            let _ = write!(
                p.s,
                r#"<td>{}</td><td class="mono">{}</td></tr>"#,
                esc(&time(v.at_us)),
                esc(&v.token_accessor)
            );
        }
        p.foot();
    }
    if let Some(t) = &d.state.tally {
        p.facts(&[
            (
                "last tally",
                format!(
                    "round {}: {} accept, {} reject, {} abstain — {}",
                    t.round, t.accepts, t.rejects, t.abstains, t.reason
                ),
            ),
            ("required voters", join(&t.required)),
            ("missing", join(&t.missing)),
            ("rejected by", join(&t.rejected_by)),
        ]);
    }
    p.end();
}

fn join(roles: &[agov_pipeline::Role]) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn decisions(p: &mut Page, d: &Dossier) {
    p.h2("decisions", "Decisions: consensus, fallbacks, gates");
    let events: Vec<&Event> = d
        .ledger
        .iter()
        .filter(|e| DECISIONS.contains(&e.action.as_str()))
        .collect();
    p.events(&events, "No decisions were recorded.", "who decided");
    p.end();
}

fn ledger(p: &mut Page, d: &Dossier) {
    let st = &d.state;
    p.h2("ledger", "Ledger events");
    p.raw("<p>Every event the audit ledger holds about this pipeline and its agents, oldest first. Each hash chains the event to the one before it in the whole ledger (every tenant's events), so one changed or removed event breaks every hash after it.</p>");
    p.raw("<h3>How to verify</h3><ol>");
    p.raw("<li>Copy the ledger consistently (its write-ahead log included): <code>ledger export --format sqlite -o copy.db</code></li>");
    p.raw("<li>Check every hash of the chain, and the seals: <code>ledger verify --db copy.db</code> (exit 0: intact; exit 1 names the first bad event)</li>");
    let _ = write!(
        p.s,
        "<li>Compare the hashes below with the ledger's: <code>ledger show SEQ --json</code> for one event, or <code>ledger query --pipeline {} --limit {} --json</code> for all of them.</li></ol>",
        esc(&st.id),
        d.ledger.len().max(1)
    );
    if d.ledger.is_empty() {
        p.empty("The ledger holds no events of this pipeline.");
    } else {
        p.head(&[
            "#", "time", "actor", "action", "agent", "subject", "detail", "hash",
        ]);
        for e in &d.ledger {
            let _ = write!(
                p.s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                e.seq,
                esc(&e.ts),
                esc(&e.actor),
                esc(&e.action),
                esc(e.agent.as_deref().unwrap_or_default()),
                esc(e.subject.as_deref().unwrap_or_default()),
            );
            p.pre_cell(&cut(render::detail(&e.detail)));
            let _ = write!(p.s, r#"<td class="hash">{}</td></tr>"#, esc(&e.hash));
        }
        p.foot();
    }
    p.end();
}

#[cfg(test)]
mod tests {
    use super::{cut, esc};

    #[test]
    fn markup_and_control_characters_are_escaped() {
        assert_eq!(
            esc("<script>alert('x') & \"y\"</script>\u{0}\n"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;\u{FFFD}\n"
        );
        assert!(matches!(esc("plain text"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn long_texts_are_cut_on_a_character_boundary() {
        let long = "é".repeat(super::MAX_TEXT + 10);
        let c = cut(long);
        assert!(c.starts_with(&"é".repeat(super::MAX_TEXT)));
        assert!(c.ends_with("… (20 more bytes not shown)"), "{c}");
        assert_eq!(cut("short".into()), "short");
    }
}
