//! How records look to a person: ledger events as table rows and stream
//! lines, detail objects as `key=value`, ages as `3d`.

use agov_cli::Tabular;
use agov_ledger::Event;
use serde::Serialize;

/// An event as a table row; serialises exactly like [`Event`].
#[derive(Serialize)]
#[serde(transparent)]
pub struct EventRow(pub Event);

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
pub fn line(e: &Event) -> String {
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
pub fn detail(v: &serde_json::Value) -> String {
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

/// How long ago `us` was, in the largest whole unit: `45s`, `12m`, `5h`, `3d`.
pub fn age(us: i64, now_us: i64) -> String {
    let s = (now_us - us).max(0) / 1_000_000;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

/// A span of time as a person says it, to the minute: `1h12m`, `42m`,
/// `30s`, `2d3h`.
pub fn span(us: i64) -> String {
    let s = us.max(0) / 1_000_000;
    let (d, h, m) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h{m}m"),
        (d, 0, _) => format!("{d}d"),
        (d, h, _) => format!("{d}d{h}h"),
    }
}

/// A size for people: `512 B`, `1.5 KiB`, `12.3 MiB`, `2.0 GiB`.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut v = bytes as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}
