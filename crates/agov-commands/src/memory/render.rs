//! How memory entries look to a person.

use agov_cli::{CliError, Output, Tabular};
use agov_memory::{Entry, Hit, Line, Summary};
use serde::Serialize;

use crate::render::size;

/// An entry as a table row; serialises exactly like [`Entry`].
#[derive(Serialize)]
#[serde(transparent)]
pub(super) struct EntryRow(pub Entry);

impl Tabular for EntryRow {
    fn headers() -> &'static [&'static str] {
        &["id", "age", "size", "lines", "tags", "title"]
    }

    fn row(&self) -> Vec<String> {
        let e = &self.0;
        vec![
            e.id.clone(),
            crate::render::age(e.created_us, agov_core::time::now_us()),
            size(e.bytes),
            e.lines.to_string(),
            e.tags.join(","),
            e.title.clone(),
        ]
    }
}

/// A search hit as a table row; serialises exactly like [`Hit`].
#[derive(Serialize)]
#[serde(transparent)]
pub(super) struct HitRow(pub Hit);

impl Tabular for HitRow {
    fn headers() -> &'static [&'static str] {
        &["id", "line", "title", "match"]
    }

    fn row(&self) -> Vec<String> {
        let h = &self.0;
        vec![
            h.entry.id.clone(),
            h.line.to_string(),
            h.entry.title.clone(),
            h.snippet.clone(),
        ]
    }
}

fn lines(out: &mut Output, heading: &str, lines: &[Line]) -> Result<(), CliError> {
    if lines.is_empty() {
        return Ok(());
    }
    out.line(heading)?;
    for l in lines {
        out.line(&format!("{:>8}  {}", l.line, l.text))?;
    }
    Ok(())
}

/// A summary for a person.
pub(super) fn summary(out: &mut Output, s: &Summary) -> Result<(), CliError> {
    out.line(&format!("{}  {}", s.id, s.title))?;
    out.line(&format!(
        "{}, {} line{}, ~{} tokens, {} chunk{}, {}",
        size(s.bytes),
        s.lines,
        if s.lines == 1 { "" } else { "s" },
        s.tokens_estimate,
        s.chunks,
        if s.chunks == 1 { "" } else { "s" },
        if s.text { "text" } else { "binary" }
    ))?;
    lines(out, "headings:", &s.headings)?;
    lines(out, "first lines:", &s.first_lines)?;
    lines(out, "last lines:", &s.last_lines)?;
    if s.error_line_count > 0 {
        let shown = s.error_lines.len() as u64;
        let more = if s.error_line_count > shown {
            format!(", first {shown} shown")
        } else {
            String::new()
        };
        lines(
            out,
            &format!("error-like lines ({}{more}):", s.error_line_count),
            &s.error_lines,
        )?;
    }
    Ok(())
}
