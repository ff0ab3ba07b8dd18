//! Streaming content into the chunk store with bounded memory.
//!
//! Three stages run at once, joined by bounded channels so that at most a
//! few chunks are in flight whatever the input's size: this thread reads,
//! hashes the whole stream and cuts chunks ([`crate::chunker`]); worker
//! threads hash, compress and take notes on each chunk; a writer thread
//! stores them in the chunk store, a chunk already there (same tenant and
//! SHA-256) only being touched. The chunks are durable when this returns; the
//! entry that lists them is committed afterwards by the caller, so an
//! interrupted log leaves only unreferenced chunks, which `memory prune`
//! collects.

use std::io::Read;
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

use crate::chunker::{MAX_CHUNK, find_cut};
use crate::error::MemoryError;
use crate::model::{Line, summary_text};
use crate::notes::{ChunkNotes, MAX_ERROR_LINES, MAX_HEADINGS, chunk_notes, merge_lines};

/// Codec of a chunk stored as is.
pub(crate) const CODEC_RAW: i64 = 0;
/// Codec of a zstd-compressed chunk.
pub(crate) const CODEC_ZSTD: i64 = 1;
/// zstd level: fast, and still 4-8× on logs.
const ZSTD_LEVEL: i32 = 1;
/// Bytes read from the input at a time.
const READ_STEP: usize = 128 * 1024;
/// Lines of the start and the end kept for the summary.
const EDGE_LINES: usize = 10;
/// Bytes of the stream's end kept to find its last lines.
const TAIL_BYTES: usize = 64 * 1024;
/// Raw bytes written per chunk-store transaction at most.
const BATCH_BYTES: u64 = 16 << 20;

struct RawChunk {
    seq: u64,
    first_line: u64,
    offset: u64,
    data: Vec<u8>,
}

struct Processed {
    seq: u64,
    first_line: u64,
    offset: u64,
    raw_len: u64,
    hash: [u8; 32],
    codec: i64,
    stored: Vec<u8>,
    notes: ChunkNotes,
}

/// A chunk of the new entry, as the entry lists it.
#[derive(Clone, Debug)]
pub(crate) struct StoredChunk {
    pub seq: u64,
    pub hash: [u8; 32],
    pub raw_len: u64,
    pub first_line: u64,
    pub offset: u64,
    pub stored_len: u64,
}

/// What streaming the input produced.
#[derive(Debug, Default)]
pub(crate) struct Ingested {
    pub chunks: Vec<StoredChunk>,
    pub bytes: u64,
    pub lines: u64,
    pub sha256: String,
    pub text: bool,
    /// Chunks that were not in the store before.
    pub new_chunks: u64,
    /// Their compressed size.
    pub new_stored_bytes: u64,
    pub first_lines: Vec<Line>,
    pub last_lines: Vec<Line>,
    pub errors: Vec<Line>,
    pub error_count: u64,
    pub headings: Vec<Line>,
}

/// What the writer thread hands back.
#[derive(Default)]
struct Written {
    chunks: Vec<StoredChunk>,
    new_chunks: u64,
    new_stored_bytes: u64,
    errors: Vec<Line>,
    error_count: u64,
    headings: Vec<Line>,
    has_nul: bool,
}

fn process(c: RawChunk, zstd: &mut zstd::bulk::Compressor<'_>) -> std::io::Result<Processed> {
    let hash: [u8; 32] = Sha256::digest(&c.data).into();
    let raw_len = c.data.len() as u64;
    let notes = chunk_notes(&c.data, c.first_line);
    let mut stored = Vec::with_capacity(zstd::zstd_safe::compress_bound(c.data.len()));
    zstd.compress_to_buffer(&c.data, &mut stored)?;
    let (codec, stored) = if stored.len() < c.data.len() - c.data.len() / 32 {
        (CODEC_ZSTD, stored)
    } else {
        (CODEC_RAW, c.data)
    };
    Ok(Processed {
        seq: c.seq,
        first_line: c.first_line,
        offset: c.offset,
        raw_len,
        hash,
        codec,
        stored,
        notes,
    })
}

fn worker(
    rx: Arc<Mutex<Receiver<RawChunk>>>,
    tx: SyncSender<Processed>,
) -> Result<(), MemoryError> {
    let mut zstd = zstd::bulk::Compressor::new(ZSTD_LEVEL).map_err(MemoryError::Compress)?;
    loop {
        let next = rx
            .lock()
            .map_err(|_| MemoryError::Internal("a worker panicked".into()))?
            .recv();
        let Ok(chunk) = next else { return Ok(()) };
        let p = process(chunk, &mut zstd).map_err(MemoryError::Compress)?;
        if tx.send(p).is_err() {
            return Ok(()); // the writer stopped; it reports why
        }
    }
}

fn write_batch(
    conn: &mut Connection,
    tenant: &str,
    batch: &mut Vec<Processed>,
    out: &mut Written,
) -> rusqlite::Result<()> {
    let now = agov_core::time::now_us();
    let tx = agov_sqlite::write_tx(conn)?;
    for p in batch.drain(..) {
        let inserted = tx
            .prepare_cached(
                "INSERT INTO chunks (tenant, hash, raw_len, codec, touched_us, stored_len, data)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (tenant, hash) DO NOTHING",
            )?
            .execute(params![
                tenant,
                &p.hash[..],
                p.raw_len as i64,
                p.codec,
                now,
                p.stored.len() as i64,
                p.stored
            ])?;
        let stored_len = if inserted == 1 {
            out.new_chunks += 1;
            out.new_stored_bytes += p.stored.len() as u64;
            p.stored.len() as u64
        } else {
            tx.prepare_cached(
                "UPDATE chunks SET touched_us = ?3 WHERE tenant = ?1 AND hash = ?2 RETURNING stored_len",
            )?
            .query_row(params![tenant, &p.hash[..], now], |r| r.get::<_, i64>(0))? as u64
        };
        out.error_count += p.notes.error_count;
        out.has_nul |= p.notes.has_nul;
        merge_lines(&mut out.errors, p.notes.errors, MAX_ERROR_LINES);
        merge_lines(&mut out.headings, p.notes.headings, MAX_HEADINGS);
        out.chunks.push(StoredChunk {
            seq: p.seq,
            hash: p.hash,
            raw_len: p.raw_len,
            first_line: p.first_line,
            offset: p.offset,
            stored_len,
        });
    }
    tx.commit()
}

fn writer(
    mut conn: Connection,
    path: &Path,
    tenant: &str,
    rx: Receiver<Processed>,
) -> Result<Written, MemoryError> {
    let db = |e| MemoryError::db(path, e);
    let mut out = Written::default();
    let mut batch = Vec::new();
    while let Ok(first) = rx.recv() {
        let mut raw = first.raw_len;
        batch.push(first);
        while raw < BATCH_BYTES {
            match rx.try_recv() {
                Ok(p) => {
                    raw += p.raw_len;
                    batch.push(p);
                }
                Err(_) => break,
            }
        }
        write_batch(&mut conn, tenant, &mut batch, &mut out).map_err(db)?;
    }
    // Batches commit without waiting for the disk; one last write with
    // synchronous=FULL syncs the log they are all in, before the caller
    // commits an entry that lists them.
    if let Some(c) = out.chunks.last() {
        conn.execute_batch("PRAGMA synchronous=FULL").map_err(db)?;
        let tx = agov_sqlite::write_tx(&mut conn).map_err(db)?;
        tx.execute(
            "UPDATE chunks SET touched_us = ?3 WHERE tenant = ?1 AND hash = ?2",
            params![tenant, &c.hash[..], agov_core::time::now_us()],
        )
        .map_err(db)?;
        tx.commit().map_err(db)?;
    }
    out.chunks.sort_by_key(|c| c.seq);
    Ok(out)
}

/// Lines of `bytes` (split on '\n'), numbered from `first`.
fn numbered_lines(bytes: &[u8], first: u64) -> Vec<Line> {
    bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, l)| Line {
            line: first + i as u64,
            text: summary_text(l),
        })
        .collect()
}

/// The reading side's running state.
struct Reader {
    sha: Sha256,
    bytes: u64,
    newlines: u64,
    utf8_ok: bool,
    utf8_carry: Vec<u8>,
    head: Vec<u8>,
    tail: Vec<u8>,
}

impl Reader {
    /// Takes in the next chunk; returns its number of line breaks.
    fn take(&mut self, data: &[u8]) -> u64 {
        self.sha.update(data);
        self.bytes += data.len() as u64;
        let newlines = memchr::memchr_iter(b'\n', data).count() as u64;
        self.newlines += newlines;
        if self.utf8_ok {
            self.check_utf8(data);
        }
        if self.head.len() < TAIL_BYTES
            && memchr::memchr_iter(b'\n', &self.head).count() < EDGE_LINES
        {
            let room = TAIL_BYTES - self.head.len();
            self.head.extend_from_slice(&data[..data.len().min(room)]);
        }
        if data.len() >= TAIL_BYTES {
            self.tail.clear();
            self.tail
                .extend_from_slice(&data[data.len() - TAIL_BYTES..]);
        } else {
            self.tail.extend_from_slice(data);
            let excess = self.tail.len().saturating_sub(TAIL_BYTES);
            self.tail.drain(..excess);
        }
        newlines
    }

    /// Validates UTF-8 across chunk edges: an incomplete sequence at the end
    /// of one chunk is carried into the next.
    fn check_utf8(&mut self, data: &[u8]) {
        let mut joined;
        let bytes = if self.utf8_carry.is_empty() {
            data
        } else {
            joined = std::mem::take(&mut self.utf8_carry);
            joined.extend_from_slice(data);
            &joined[..]
        };
        match std::str::from_utf8(bytes) {
            Ok(_) => {}
            Err(e) if e.error_len().is_none() => {
                self.utf8_carry = bytes[e.valid_up_to()..].to_vec();
            }
            Err(_) => self.utf8_ok = false,
        }
    }
}

/// Reads `input` to its end, storing its chunks for `tenant` in the chunk
/// store at `path` (`conn` is a connection to it, handed to the writer).
/// `progress` is told the bytes read so far.
pub(crate) fn ingest(
    input: &mut dyn Read,
    conn: Connection,
    path: &Path,
    tenant: &str,
    progress: &mut dyn FnMut(u64),
) -> Result<Ingested, MemoryError> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 4));
    let (raw_tx, raw_rx) = sync_channel::<RawChunk>(workers);
    let (done_tx, done_rx) = sync_channel::<Processed>(workers * 2);
    let raw_rx = Arc::new(Mutex::new(raw_rx));
    let mut reader = Reader {
        sha: Sha256::new(),
        bytes: 0,
        newlines: 0,
        utf8_ok: true,
        utf8_carry: Vec::new(),
        head: Vec::new(),
        tail: Vec::new(),
    };
    let (read_result, written, worker_results) = std::thread::scope(|s| {
        let writer = s.spawn(move || writer(conn, path, tenant, done_rx));
        let pool: Vec<_> = (0..workers)
            .map(|_| {
                let (rx, tx) = (Arc::clone(&raw_rx), done_tx.clone());
                s.spawn(move || worker(rx, tx))
            })
            .collect();
        drop(done_tx);
        let read_result = read_chunks(input, &raw_tx, &mut reader, progress);
        drop(raw_tx);
        let worker_results: Vec<_> = pool.into_iter().map(|h| h.join()).collect();
        (read_result, writer.join(), worker_results)
    });
    let panicked = || MemoryError::Internal("a memory log thread panicked".into());
    // The writer's error explains a reader that could not send, so it comes first.
    let written = written.map_err(|_| panicked())??;
    for r in worker_results {
        r.map_err(|_| panicked())??;
    }
    read_result?;
    if reader.bytes == 0 {
        return Err(MemoryError::BadInput(
            "nothing to store: the input is empty".into(),
        ));
    }
    let ends_with_newline = reader.tail.last() == Some(&b'\n');
    let lines = reader.newlines + u64::from(!ends_with_newline);
    let text = reader.utf8_ok && reader.utf8_carry.is_empty() && !written.has_nul;
    let (first_lines, last_lines) = if text {
        edge_lines(&reader.head, &reader.tail, lines, ends_with_newline)
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(Ingested {
        chunks: written.chunks,
        bytes: reader.bytes,
        lines,
        sha256: hex::encode(reader.sha.finalize()),
        text,
        new_chunks: written.new_chunks,
        new_stored_bytes: written.new_stored_bytes,
        first_lines,
        last_lines,
        errors: if text { written.errors } else { Vec::new() },
        error_count: if text { written.error_count } else { 0 },
        headings: if text { written.headings } else { Vec::new() },
    })
}

/// The first and the last lines (the last not repeating the first).
fn edge_lines(
    head: &[u8],
    tail: &[u8],
    lines: u64,
    ends_with_newline: bool,
) -> (Vec<Line>, Vec<Line>) {
    let strip = |b: &'_ [u8]| -> Vec<u8> {
        let mut v = b.to_vec();
        if v.last() == Some(&b'\n') {
            v.pop();
        }
        v
    };
    let mut first = numbered_lines(&strip(head), 1);
    first.truncate(EDGE_LINES.min(lines as usize));
    let tail = if ends_with_newline {
        strip(tail)
    } else {
        tail.to_vec()
    };
    let mut last = numbered_lines(&tail, 0);
    // The first line of the kept tail may be partial: drop it unless the
    // tail is the whole content.
    let whole = (tail.len() as u64) < TAIL_BYTES as u64;
    if !whole && !last.is_empty() {
        last.remove(0);
    }
    let keep = last.len().min(EDGE_LINES);
    let mut last: Vec<Line> = last.split_off(last.len() - keep);
    let n = last.len() as u64;
    for (i, l) in last.iter_mut().enumerate() {
        l.line = lines - n + 1 + i as u64;
    }
    let shown = first.last().map_or(0, |l| l.line);
    last.retain(|l| l.line > shown);
    (first, last)
}

fn read_chunks(
    input: &mut dyn Read,
    tx: &SyncSender<RawChunk>,
    reader: &mut Reader,
    progress: &mut dyn FnMut(u64),
) -> Result<(), MemoryError> {
    let mut buf: Vec<u8> = Vec::with_capacity(MAX_CHUNK + READ_STEP);
    let (mut scan, mut line_start) = (0usize, 0usize);
    let (mut seq, mut offset, mut first_line) = (0u64, 0u64, 1u64);
    let mut eof = false;
    loop {
        if let Some(cut) = find_cut(&buf, eof, &mut scan, &mut line_start) {
            let data = buf[..cut].to_vec();
            buf.drain(..cut);
            (scan, line_start) = (0, 0);
            let newlines = reader.take(&data);
            let len = data.len() as u64;
            let chunk = RawChunk {
                seq,
                first_line,
                offset,
                data,
            };
            if tx.send(chunk).is_err() {
                return Ok(()); // the writer failed; its error is reported
            }
            seq += 1;
            offset += len;
            first_line += newlines;
            progress(offset);
            continue;
        }
        if eof {
            return Ok(());
        }
        let len = buf.len();
        buf.resize(len + READ_STEP, 0);
        let n = loop {
            match input.read(&mut buf[len..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    buf.truncate(len);
                    return Err(MemoryError::Read(e));
                }
            }
        };
        buf.truncate(len + n);
        eof = n == 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edge_lines_number_the_start_and_the_end() {
        let text = b"a\nb\nc\n";
        let (f, l) = edge_lines(text, text, 3, true);
        assert_eq!(
            f.iter().map(|x| x.text.as_str()).collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
        assert!(l.is_empty());
        let many: String = (1..=30).map(|i| format!("l{i}\n")).collect();
        let (f, l) = edge_lines(many.as_bytes(), many.as_bytes(), 30, true);
        assert_eq!(f.len(), 10);
        assert_eq!((l[0].line, l[0].text.as_str()), (21, "l21"));
        assert_eq!((l[9].line, l[9].text.as_str()), (30, "l30"));
    }
}
