//! How events look to a person.

use agov_cli::Tabular;
use agov_ledger::Event;
use serde::Serialize;

/// An event as a table row; serialises exactly like [`Event`].
#[derive(Serialize)]
#[serde(transparent)]
pub(super) struct EventRow(pub Event);

impl Tabular for EventRow {
    fn headers() -> &'static [&'static str] {
        &["seq", "time", "actor", "action", "subject", "detail"]
    }

    fn row(&self) -> Vec<String> {
        let e = &self.0;
        vec![
            e.seq.to_string(),
            short_time(&e.ts).to_string(),
            e.actor.clone(),
            e.action.clone(),
            e.subject.clone().unwrap_or_default(),
            detail(&e.detail),
        ]
    }
}

/// One line per event, for streams: `#12 2026-11-22T10:00:00Z user:ana ledger.note text="…"`.
pub(super) fn line(e: &Event) -> String {
    let mut s = format!("#{} {} {} {}", e.seq, short_time(&e.ts), e.actor, e.action);
    for (label, v) in [
        ("agent", &e.agent),
        ("pipeline", &e.pipeline),
        ("subject", &e.subject),
    ] {
        if let Some(v) = v {
            s.push_str(&format!(" {label}={v}"));
        }
    }
    let d = detail(&e.detail);
    if !d.is_empty() {
        s.push(' ');
        s.push_str(&d);
    }
    s
}

/// `key=value` pairs of the detail object, strings quoted when they need it.
pub(super) fn detail(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s)
                    if !s.is_empty() && !s.contains(char::is_whitespace) && !s.contains('"') =>
                {
                    format!("{k}={s}")
                }
                other => format!("{k}={other}"),
            })
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    }
}

/// RFC 3339 to the second: the microseconds are in `--json`.
fn short_time(ts: &str) -> &str {
    ts.get(..19)
        .map_or(ts, |s| if ts.ends_with('Z') { &ts[..19] } else { s })
}
