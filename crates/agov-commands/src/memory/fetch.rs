//! `memory fetch`: an entry's content, whole or in part, or its summary.

use std::io::Write;

use agov_cli::{CliError, Ctx};
use agov_memory::{Memory, MemoryId, Part};
use base64::engine::general_purpose::STANDARD;

use super::{cli_error, memory_id, with_memory};

/// Print an entry byte for byte, or a part of it, or a summary of it
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The entry, e.g. m42
    #[arg(value_name = "ID")]
    id: String,

    /// A summary instead: size, line and token estimates, headings, first and last lines, error-like lines
    #[arg(short, long, conflicts_with_all = ["chunk", "lines"])]
    summary: bool,

    /// Only chunk N (from 1; the summary says how many there are)
    #[arg(long, value_name = "N", conflicts_with = "lines")]
    chunk: Option<u64>,

    /// Only lines A to B (from 1, inclusive): `120:180`, `120:` to the end, `:50`, or one line `7`
    #[arg(long, value_name = "A:B", value_parser = parse_lines)]
    lines: Option<(u64, u64)>,

    /// Write binary content to a terminal anyway
    #[arg(long)]
    force: bool,
}

fn parse_lines(s: &str) -> Result<(u64, u64), String> {
    let num = |t: &str, default: u64| -> Result<u64, String> {
        if t.is_empty() {
            return Ok(default);
        }
        t.trim()
            .parse::<u64>()
            .map_err(|_| format!("`{s}` is not a line range (A:B, A:, :B or A)"))
    };
    let (a, b) = match s.split_once(':') {
        Some((a, b)) => (num(a, 1)?, num(b, u64::MAX)?),
        None => {
            let n = num(s, 0)?;
            (n, n)
        }
    };
    if a == 0 || b < a {
        return Err(format!(
            "`{s}` is not a line range: lines count from 1 and A must not exceed B"
        ));
    }
    Ok((a, b))
}

pub(super) fn run(args: Args, ctx: &mut Ctx) -> Result<(), CliError> {
    let id = memory_id(&args.id)?;
    with_memory(ctx, |memory, ctx| {
        if args.summary {
            let s = memory.summary(id)?;
            return ctx.out.record(&s, |out| super::render::summary(out, &s));
        }
        let part = match (args.chunk, args.lines) {
            (Some(n), _) => Part::Chunk(n),
            (None, Some((a, b))) => Part::Lines(a, b),
            (None, None) => Part::Whole,
        };
        let entry = memory.get(id)?;
        if ctx.json() {
            return fetch_json(memory, id, part, entry.text, ctx);
        }
        if !entry.text && ctx.out.is_terminal() && !args.force {
            return Err(
                CliError::usage(format!("{id} is binary; it would garble the terminal")).with_hint(
                    format!("redirect it: `memory fetch {id} > file`, or pass --force"),
                ),
            );
        }
        memory.fetch(id, part, ctx.out.raw()).map_err(cli_error)?;
        Ok(())
    })
}

/// The content as one JSON document: text as a JSON string when the entry
/// is text, else base64; streamed, so memory stays small for large entries.
fn fetch_json(
    memory: &Memory<'_>,
    id: MemoryId,
    part: Part,
    text: bool,
    ctx: &mut Ctx,
) -> Result<(), CliError> {
    let entry = memory.get(id)?;
    let part_name = match part {
        Part::Whole => "whole".to_string(),
        Part::Chunk(n) => format!("chunk {n}"),
        Part::Lines(a, b) if b == u64::MAX => format!("lines {a}:"),
        Part::Lines(a, b) => format!("lines {a}:{b}"),
    };
    // A chunk may end inside a UTF-8 sequence: look at it whole first.
    let chunk = match part {
        Part::Chunk(_) => {
            let mut buf = Vec::new();
            memory.fetch(id, part, &mut buf)?;
            Some(buf)
        }
        _ => None,
    };
    let utf8 = match &chunk {
        Some(c) => std::str::from_utf8(c).is_ok() && memchr_nul(c),
        None => text,
    };
    let out = ctx.out.raw();
    let head = serde_json::json!({
        "id": entry.id,
        "title": entry.title,
        "part": part_name,
        "encoding": if utf8 { "utf-8" } else { "base64" },
    })
    .to_string();
    let io = |e: std::io::Error| CliError::io("cannot write to standard output", e);
    out.write_all(&head.as_bytes()[..head.len() - 1])
        .and_then(|()| out.write_all(b",\"content\":\""))
        .map_err(io)?;
    let bytes = if utf8 {
        let mut w = JsonText {
            out,
            carry: Vec::new(),
        };
        let n = match chunk {
            Some(c) => w.write_all(&c).map(|()| c.len() as u64).map_err(io)?,
            None => memory.fetch(id, part, &mut w).map_err(cli_error)?,
        };
        w.finish().map_err(io)?;
        n
    } else {
        let mut w = base64::write::EncoderWriter::new(&mut *out, &STANDARD);
        let n = match chunk {
            Some(c) => w.write_all(&c).map(|()| c.len() as u64).map_err(io)?,
            None => memory.fetch(id, part, &mut w).map_err(cli_error)?,
        };
        w.finish().map_err(io)?;
        n
    };
    writeln!(out, "\",\"bytes\":{bytes}}}").map_err(io)?;
    Ok(())
}

/// True when there is no NUL byte (text as the store defines it).
fn memchr_nul(b: &[u8]) -> bool {
    !b.contains(&0)
}

/// Writes UTF-8 text as the inside of a JSON string, carrying a sequence
/// split between two writes over to the next.
struct JsonText<'a> {
    out: &'a mut dyn Write,
    carry: Vec<u8>,
}

impl JsonText<'_> {
    fn emit(&mut self, s: &str) -> std::io::Result<()> {
        let quoted = serde_json::to_string(s).map_err(std::io::Error::other)?;
        self.out.write_all(&quoted.as_bytes()[1..quoted.len() - 1])
    }

    fn finish(self) -> std::io::Result<()> {
        if self.carry.is_empty() {
            Ok(())
        } else {
            Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "the content ends inside a UTF-8 sequence",
            ))
        }
    }
}

impl Write for JsonText<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut joined = std::mem::take(&mut self.carry);
        joined.extend_from_slice(buf);
        let valid = match std::str::from_utf8(&joined) {
            Ok(_) => joined.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "the content is not valid UTF-8",
                ));
            }
        };
        let (text, rest) = joined.split_at(valid);
        self.emit(std::str::from_utf8(text).map_err(std::io::Error::other)?)?;
        self.carry = rest.to_vec();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ranges_parse_every_documented_form() {
        assert_eq!(parse_lines("120:180"), Ok((120, 180)));
        assert_eq!(parse_lines("120:"), Ok((120, u64::MAX)));
        assert_eq!(parse_lines(":50"), Ok((1, 50)));
        assert_eq!(parse_lines("7"), Ok((7, 7)));
        for bad in ["0", "0:3", "5:2", "a:b", "", "1:2:3"] {
            assert!(parse_lines(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn json_text_carries_split_sequences() {
        let mut out = Vec::new();
        let mut w = JsonText {
            out: &mut out,
            carry: Vec::new(),
        };
        let s = "é\"\n€".as_bytes();
        for b in s {
            w.write_all(std::slice::from_ref(b)).unwrap();
        }
        w.finish().unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "é\\\"\\n€");
    }
}
