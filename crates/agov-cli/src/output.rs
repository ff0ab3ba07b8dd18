//! Standard output: JSON or a table from the same data, and plain lines.
//! Every write reports errors, so a closed pipe ends the command quietly
//! instead of panicking as `println!` would.

use std::io::{BufWriter, IsTerminal, Stdout, Write};

use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;

use crate::error::CliError;

/// One line on standard error. A closed stderr (a reader that went away)
/// is ignored, never a panic as with `eprintln!`: a pipeline's driver
/// goes on driving when nobody reads its progress.
pub fn stderr_line(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

/// A record type that can be shown as a table row.
pub trait Tabular {
    /// Column headers.
    fn headers() -> &'static [&'static str];
    /// This record's cells, in header order.
    fn row(&self) -> Vec<String>;
}

/// Buffered standard output.
pub struct Output {
    w: BufWriter<Stdout>,
    json: bool,
    terminal: bool,
}

fn write_err(e: std::io::Error) -> CliError {
    CliError::io("cannot write to standard output", e)
}

impl Output {
    /// Standard output; `json` selects JSON for [`Output::list`] and [`Output::record`].
    pub fn stdout(json: bool) -> Output {
        let stdout = std::io::stdout();
        let terminal = stdout.is_terminal();
        Output {
            w: BufWriter::new(stdout),
            json,
            terminal,
        }
    }

    /// True when stdout is a terminal.
    pub fn is_terminal(&self) -> bool {
        self.terminal
    }

    /// One line of text.
    pub fn line(&mut self, text: &str) -> Result<(), CliError> {
        writeln!(self.w, "{text}").map_err(write_err)
    }

    /// One JSON document (pretty on a terminal, compact otherwise).
    pub fn json<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), CliError> {
        let r = if self.terminal {
            serde_json::to_writer_pretty(&mut self.w, value)
        } else {
            serde_json::to_writer(&mut self.w, value)
        };
        r.map_err(|e| write_err(e.into()))?;
        self.w.write_all(b"\n").map_err(write_err)
    }

    /// One compact JSON line (for streams).
    pub fn json_line<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), CliError> {
        serde_json::to_writer(&mut self.w, value).map_err(|e| write_err(e.into()))?;
        self.w.write_all(b"\n").map_err(write_err)
    }

    /// A list: a JSON array with `--json`, else a table (or `empty` when there is nothing).
    pub fn list<T: Tabular + Serialize>(
        &mut self,
        items: &[T],
        empty: &str,
    ) -> Result<(), CliError> {
        if self.json {
            return self.json(items);
        }
        if items.is_empty() {
            return if empty.is_empty() {
                Ok(())
            } else {
                self.line(empty)
            };
        }
        self.table(T::headers(), items.iter().map(Tabular::row))
    }

    /// A single record: JSON with `--json`, else what `human` prints.
    pub fn record<T: Serialize>(
        &mut self,
        value: &T,
        human: impl FnOnce(&mut Output) -> Result<(), CliError>,
    ) -> Result<(), CliError> {
        if self.json {
            self.json(value)
        } else {
            human(self)
        }
    }

    /// A borderless table with upper-case headers, wrapped to the terminal's width.
    pub fn table(
        &mut self,
        headers: &[&str],
        rows: impl Iterator<Item = Vec<String>>,
    ) -> Result<(), CliError> {
        let mut t = Table::new();
        t.load_style(presets::NOTHING);
        t.set_content_arrangement(if self.terminal {
            ContentArrangement::Dynamic
        } else {
            ContentArrangement::Disabled
        });
        t.set_header(headers.iter().map(|h| h.to_uppercase()));
        for r in rows {
            t.add_row(r);
        }
        for line in t.lines() {
            self.line(line.strip_prefix(' ').unwrap_or(&line).trim_end())?;
        }
        Ok(())
    }

    /// The raw stream, for content written byte for byte (`memory fetch`).
    pub fn raw(&mut self) -> &mut dyn Write {
        &mut self.w
    }

    /// Flushes buffered output.
    pub fn flush(&mut self) -> Result<(), CliError> {
        self.w.flush().map_err(write_err)
    }
}
