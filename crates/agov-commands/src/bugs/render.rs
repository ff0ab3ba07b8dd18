//! How bugs look to a person.

use agov_bugs::{Bug, Hit};
use agov_cli::{CliError, Output, Tabular};
use serde::Serialize;

/// A bug as a table row; serialises exactly like [`Bug`].
#[derive(Serialize)]
#[serde(transparent)]
pub(super) struct BugRow(pub Bug);

impl Tabular for BugRow {
    fn headers() -> &'static [&'static str] {
        &[
            "id",
            "severity",
            "status",
            "age",
            "assignee",
            "component",
            "title",
        ]
    }

    fn row(&self) -> Vec<String> {
        let b = &self.0;
        vec![
            b.id.clone(),
            b.severity.to_string(),
            b.status.to_string(),
            crate::render::age(b.created_us, agov_core::time::now_us()),
            b.assignee.clone().unwrap_or_default(),
            b.component.clone().unwrap_or_default(),
            b.title.clone(),
        ]
    }
}

/// A search hit as a table row; serialises exactly like [`Hit`].
#[derive(Serialize)]
#[serde(transparent)]
pub(super) struct HitRow(pub Hit);

impl Tabular for HitRow {
    fn headers() -> &'static [&'static str] {
        &["id", "severity", "status", "match"]
    }

    fn row(&self) -> Vec<String> {
        let h = &self.0;
        vec![
            h.bug.id.clone(),
            h.bug.severity.to_string(),
            h.bug.status.to_string(),
            h.snippet.replace('\n', " "),
        ]
    }
}

/// One bug in full.
pub(super) fn detail(out: &mut Output, b: &Bug) -> Result<(), CliError> {
    out.line(&format!(
        "{}  [{}] {}  {}",
        b.id, b.severity, b.status, b.title
    ))?;
    let mut facts = Vec::new();
    for (label, v) in [
        ("component", &b.component),
        ("dir", &b.dir),
        ("assignee", &b.assignee),
    ] {
        if let Some(v) = v {
            facts.push(format!("{label}: {v}"));
        }
    }
    if !b.tags.is_empty() {
        facts.push(format!("tags: {}", b.tags.join(", ")));
    }
    facts.push(format!("reporter: {}", b.reporter));
    out.line(&facts.join("   "))?;
    out.line(&format!(
        "created {}   updated {}   {} since {}",
        b.created, b.updated, b.status, b.status_changed
    ))?;
    if !b.description.is_empty() {
        out.line("")?;
        out.line(&b.description)?;
    }
    Ok(())
}

/// A bug that just changed: its id and new state on one line.
pub(super) fn changed(out: &mut Output, b: &Bug) -> Result<(), CliError> {
    let assignee = b
        .assignee
        .as_deref()
        .map(|a| format!(" ({a})"))
        .unwrap_or_default();
    out.line(&format!("{} [{}] {}{assignee}", b.id, b.severity, b.status))
}
