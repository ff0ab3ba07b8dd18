//! The memory store of one tenant: log, list, fetch, search, remove, prune.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use agov_ledger::{Ledger, NewEvent, append_in};
use agov_sqlite::{Durability, Migration, OpenMode};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::error::MemoryError;
use crate::ingest::{CODEC_RAW, CODEC_ZSTD, Ingested, ingest};
use crate::model::{Entry, MemoryId, Summary};

/// Migrations of the chunk store, from `schema/migrations/memory/`.
pub const CHUNK_MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "0001_chunks.sql",
    sql: include_str!("../../../schema/migrations/memory/0001_chunks.sql"),
}];

/// Longest title, in bytes.
const MAX_TITLE: usize = 1000;
/// A chunk nobody lists is collected only when untouched this long (µs), so
/// that a log still running never loses a chunk it is about to list.
pub const ORPHAN_GRACE_US: i64 = 3600 * 1_000_000;
/// Raw bytes indexed per transaction.
const INDEX_BATCH_BYTES: i64 = 4 << 20;

/// The chunk store that goes with a governance database: `agov.db` →
/// `agov.memory.db`, beside it.
pub fn chunk_store_path(ledger_path: &Path) -> PathBuf {
    ledger_path.with_extension("memory.db")
}

/// An entry to log.
#[derive(Clone, Debug, Default)]
pub struct NewEntry {
    /// Title; empty: the file name, else the first non-blank line.
    pub title: String,
    /// `stdin` or the file's path.
    pub source: String,
    /// Tags.
    pub tags: Vec<String>,
}

/// The part of an entry to fetch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Everything.
    Whole,
    /// Chunk N, from 1.
    Chunk(u64),
    /// Lines A to B, from 1, inclusive.
    Lines(u64, u64),
}

/// Which entries to list.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    /// Only entries with this tag.
    pub tag: Option<String>,
    /// Only entries logged at or after this time (µs).
    pub since_us: Option<i64>,
    /// At most this many, newest first.
    pub limit: Option<u64>,
}

/// A search result: the best-matching place in one entry.
#[derive(Clone, Debug, Serialize)]
pub struct Hit {
    /// The entry.
    pub entry: Entry,
    /// The chunk that matched best (from 1).
    pub chunk: u64,
    /// The line of the snippet (from 1).
    pub line: u64,
    /// The line around the first match, matches in [brackets].
    pub snippet: String,
    /// Relevance (BM25; lower is better).
    pub rank: f64,
}

/// What indexing did.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq)]
pub struct IndexReport {
    /// Chunks added to the search index.
    pub chunks: u64,
    /// Their raw size.
    pub bytes: u64,
}

/// What to prune.
#[derive(Clone, Debug, Default)]
pub struct PruneRule {
    /// Remove entries logged before this time (µs).
    pub before_us: Option<i64>,
    /// Keep only the newest N entries.
    pub keep: Option<u64>,
    /// Report without changing anything.
    pub dry_run: bool,
}

/// What pruning removed (or would).
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct PruneReport {
    /// Entries removed.
    pub removed: Vec<String>,
    /// Chunks deleted (of removed entries, or left by interrupted logs).
    pub chunks_deleted: u64,
    /// Their compressed size.
    pub bytes_freed: u64,
    /// Nothing was changed.
    pub dry_run: bool,
}

/// The memory store of one tenant, acting as one actor.
pub struct Memory<'a> {
    ledger: &'a mut Ledger,
    chunks: Connection,
    chunks_path: PathBuf,
    tenant: String,
    actor: String,
}

const COLUMNS: &str =
    "e.num, e.tenant, e.title, e.source, e.bytes, e.lines, e.sha256, e.stored_bytes,
     e.is_text, e.actor, e.created_us, (SELECT count(*) FROM memory_chunks c WHERE c.num = e.num),
     (SELECT group_concat(tag, char(31)) FROM memory_tags t WHERE t.num = e.num)";

fn read_entry(r: &Row<'_>) -> rusqlite::Result<(String, Entry)> {
    let bytes: i64 = r.get(4)?;
    let created_us: i64 = r.get(10)?;
    let mut tags: Vec<String> = r
        .get::<_, Option<String>>(12)?
        .map(|t| t.split('\u{1f}').map(str::to_string).collect())
        .unwrap_or_default();
    tags.sort();
    let entry = Entry {
        id: MemoryId(r.get(0)?).to_string(),
        title: r.get(2)?,
        source: r.get(3)?,
        bytes: bytes as u64,
        lines: r.get::<_, i64>(5)? as u64,
        tokens_estimate: (bytes as u64).div_ceil(4),
        chunks: r.get::<_, i64>(11)? as u64,
        stored_bytes: r.get::<_, i64>(7)? as u64,
        sha256: r.get(6)?,
        text: r.get::<_, i64>(8)? != 0,
        tags,
        actor: r.get(9)?,
        created: agov_core::time::format_us(created_us),
        created_us,
    };
    Ok((r.get(1)?, entry))
}

/// One chunk of an entry, as listed in `memory_chunks`.
struct ChunkRef {
    hash: Vec<u8>,
    first_line: u64,
}

impl<'a> Memory<'a> {
    /// The memory store of `tenant` beside `ledger`, recording changes as
    /// made by `actor`. Creates the chunk store when missing.
    pub fn open(
        ledger: &'a mut Ledger,
        tenant: impl Into<String>,
        actor: impl Into<String>,
    ) -> Result<Memory<'a>, MemoryError> {
        let chunks_path = chunk_store_path(ledger.path());
        let chunks = agov_sqlite::open(
            &chunks_path,
            CHUNK_MIGRATIONS,
            OpenMode::Create,
            Durability::Normal,
        )?;
        let ledger_path = ledger.path().to_path_buf();
        let conn = ledger.connection();
        let attached: bool = conn
            .query_row(
                "SELECT count(*) FROM pragma_database_list WHERE name = 'mem'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map_err(|e| MemoryError::db(&ledger_path, e))?
            > 0;
        if !attached {
            conn.execute("ATTACH DATABASE ?1 AS mem", [chunks_path.to_string_lossy()])
                .map_err(|e| MemoryError::db(&chunks_path, e))?;
        }
        Ok(Memory {
            ledger,
            chunks,
            chunks_path,
            tenant: tenant.into(),
            actor: actor.into(),
        })
    }

    fn db_err(&self, e: rusqlite::Error) -> MemoryError {
        MemoryError::db(self.ledger.path(), e)
    }

    fn chunk_err(&self, e: rusqlite::Error) -> MemoryError {
        MemoryError::db(&self.chunks_path, e)
    }

    /// Streams `input` into the store as a new entry and returns it. The
    /// entry, its chunk list and its `memory.log` ledger event commit in one
    /// transaction after the chunks are durable. `progress` is told the
    /// bytes read so far.
    pub fn log(
        &mut self,
        input: &mut dyn Read,
        new: &NewEntry,
        progress: &mut dyn FnMut(u64),
    ) -> Result<Entry, MemoryError> {
        let title = new.title.trim();
        if title.len() > MAX_TITLE || title.contains(['\n', '\r']) {
            return Err(MemoryError::BadInput(format!(
                "a title is one line of at most {MAX_TITLE} bytes"
            )));
        }
        let tags = agov_core::tags::normalize(&new.tags).map_err(MemoryError::BadInput)?;
        let writer = agov_sqlite::open(
            &self.chunks_path,
            CHUNK_MIGRATIONS,
            OpenMode::Create,
            Durability::Normal,
        )?;
        let ingested = ingest(input, writer, &self.chunks_path, &self.tenant, progress)?;
        let title = if title.is_empty() {
            default_title(&ingested)
        } else {
            title.to_string()
        };
        let num = self.commit_entry(&ingested, &title, &new.source, &tags)?;
        self.get(MemoryId(num))
    }

    fn commit_entry(
        &mut self,
        ing: &Ingested,
        title: &str,
        source: &str,
        tags: &[String],
    ) -> Result<i64, MemoryError> {
        let stored: u64 = ing.chunks.iter().map(|c| c.stored_len).sum();
        let summary = Summary {
            id: String::new(),
            title: String::new(),
            bytes: ing.bytes,
            lines: ing.lines,
            tokens_estimate: ing.bytes.div_ceil(4),
            chunks: ing.chunks.len() as u64,
            text: ing.text,
            headings: ing.headings.clone(),
            first_lines: ing.first_lines.clone(),
            last_lines: ing.last_lines.clone(),
            error_lines: ing.errors.clone(),
            error_line_count: ing.error_count,
        };
        let summary_json = serde_json::to_string(&summary)
            .map_err(|e| MemoryError::Internal(format!("summary: {e}")))?;
        let mut event = NewEvent::new(&self.tenant, &self.actor, "memory.log")
            .with("title", title)
            .with("source", source)
            .with("bytes", ing.bytes)
            .with("lines", ing.lines)
            .with("sha256", ing.sha256.as_str())
            .with("chunks", ing.chunks.len() as u64)
            .with("new_chunks", ing.new_chunks)
            .with("new_stored_bytes", ing.new_stored_bytes)
            .with("stored_bytes", stored)
            .with("tags", json!(tags));
        let (tenant, actor) = (self.tenant.clone(), self.actor.clone());
        let path = self.ledger.path().to_path_buf();
        let conn = self.ledger.connection();
        let mut run = || -> rusqlite::Result<Result<i64, MemoryError>> {
            let tx = agov_sqlite::write_tx(conn)?;
            // A prune may have collected a chunk this log reused: refuse rather than list it.
            for c in &ing.chunks {
                let present: Option<i64> = tx
                    .prepare_cached("SELECT id FROM mem.chunks WHERE tenant = ?1 AND hash = ?2")?
                    .query_row(params![tenant, &c.hash[..]], |r| r.get(0))
                    .optional()?;
                if present.is_none() {
                    return Ok(Err(MemoryError::Corrupt(
                        "a chunk was collected by a concurrent `memory prune` while this log ran; log it again".into(),
                    )));
                }
            }
            tx.prepare_cached(
                "INSERT INTO memory_entries (tenant, title, source, bytes, lines, sha256, stored_bytes, is_text, summary, actor, created_us)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                tenant,
                title,
                source,
                ing.bytes as i64,
                ing.lines as i64,
                ing.sha256,
                stored as i64,
                i64::from(ing.text),
                summary_json,
                actor,
                agov_core::time::now_us()
            ])?;
            let num = tx.last_insert_rowid();
            for c in &ing.chunks {
                tx.prepare_cached(
                    "INSERT INTO memory_chunks (num, seq, hash, raw_len, first_line, offset) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![
                    num,
                    c.seq as i64,
                    &c.hash[..],
                    c.raw_len as i64,
                    c.first_line as i64,
                    c.offset as i64
                ])?;
            }
            for tag in tags {
                tx.prepare_cached("INSERT INTO memory_tags (num, tag) VALUES (?1, ?2)")?
                    .execute(params![num, tag])?;
            }
            event.subject = Some(MemoryId(num).to_string());
            append_in(&tx, &event)?;
            tx.commit()?;
            Ok(Ok(num))
        };
        run().map_err(|e| MemoryError::db(&path, e))?
    }

    /// An entry of this tenant.
    pub fn get(&self, id: MemoryId) -> Result<Entry, MemoryError> {
        let row = self
            .ledger
            .conn()
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM memory_entries e WHERE e.num = ?1"
            ))
            .and_then(|mut s| s.query_row([id.0], read_entry).optional())
            .map_err(|e| self.db_err(e))?;
        match row {
            None => Err(MemoryError::NotFound(id.to_string())),
            Some((tenant, _)) if tenant != self.tenant => {
                Err(MemoryError::OtherTenant(id.to_string()))
            }
            Some((_, entry)) => Ok(entry),
        }
    }

    /// An entry's extractive summary.
    pub fn summary(&self, id: MemoryId) -> Result<Summary, MemoryError> {
        let entry = self.get(id)?;
        let text: String = self
            .ledger
            .conn()
            .query_row(
                "SELECT summary FROM memory_entries WHERE num = ?1",
                [id.0],
                |r| r.get(0),
            )
            .map_err(|e| self.db_err(e))?;
        let mut summary: Summary = serde_json::from_str(&text).map_err(|e| {
            MemoryError::Corrupt(format!("the summary of {id} does not parse: {e}"))
        })?;
        summary.id = entry.id;
        summary.title = entry.title;
        Ok(summary)
    }

    /// Entries, newest first.
    pub fn list(&self, q: &ListQuery) -> Result<Vec<Entry>, MemoryError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM memory_entries e
             WHERE e.tenant = ?1 AND e.created_us >= ?2
               AND (?3 IS NULL OR EXISTS (SELECT 1 FROM memory_tags t WHERE t.num = e.num AND t.tag = ?3))
             ORDER BY e.created_us DESC, e.num DESC LIMIT ?4"
        );
        let run = || -> rusqlite::Result<Vec<Entry>> {
            let mut stmt = self.ledger.conn().prepare_cached(&sql)?;
            let rows = stmt.query_map(
                params![
                    self.tenant,
                    q.since_us.unwrap_or(i64::MIN),
                    q.tag,
                    q.limit.map_or(-1, |l| l as i64)
                ],
                |r| read_entry(r).map(|(_, e)| e),
            )?;
            rows.collect()
        };
        run().map_err(|e| self.db_err(e))
    }

    fn chunk_refs(&self, id: MemoryId) -> Result<Vec<ChunkRef>, MemoryError> {
        let run = || -> rusqlite::Result<Vec<ChunkRef>> {
            let mut stmt = self.ledger.conn().prepare_cached(
                "SELECT hash, first_line FROM memory_chunks WHERE num = ?1 ORDER BY seq",
            )?;
            let rows = stmt.query_map([id.0], |r| {
                Ok(ChunkRef {
                    hash: r.get(0)?,
                    first_line: r.get::<_, i64>(1)? as u64,
                })
            })?;
            rows.collect()
        };
        run().map_err(|e| self.db_err(e))
    }

    /// Reads one chunk into `buf`, checking it against its hash.
    fn read_chunk(&self, id: MemoryId, hash: &[u8], buf: &mut Vec<u8>) -> Result<(), MemoryError> {
        let row: Option<(i64, i64, Vec<u8>)> = self
            .chunks
            .prepare_cached(
                "SELECT codec, raw_len, data FROM chunks WHERE tenant = ?1 AND hash = ?2",
            )
            .and_then(|mut s| {
                s.query_row(params![self.tenant, hash], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()
            })
            .map_err(|e| self.chunk_err(e))?;
        let Some((codec, raw_len, data)) = row else {
            return Err(MemoryError::Corrupt(format!(
                "a chunk of {id} ({}) is missing from {}",
                hex::encode(hash),
                self.chunks_path.display()
            )));
        };
        buf.clear();
        match codec {
            CODEC_RAW => buf.extend_from_slice(&data),
            CODEC_ZSTD => {
                buf.reserve(raw_len as usize);
                zstd::bulk::Decompressor::new()
                    .and_then(|mut d| d.decompress_to_buffer(&data, buf))
                    .map_err(MemoryError::Compress)?;
            }
            other => {
                return Err(MemoryError::Corrupt(format!(
                    "a chunk of {id} has unknown codec {other}"
                )));
            }
        }
        if Sha256::digest(&buf[..]).as_slice() != hash {
            return Err(MemoryError::Corrupt(format!(
                "a chunk of {id} ({}) does not match its SHA-256",
                hex::encode(hash)
            )));
        }
        Ok(())
    }

    /// Writes `part` of an entry to `out`, byte for byte; returns the bytes written.
    pub fn fetch(&self, id: MemoryId, part: Part, out: &mut dyn Write) -> Result<u64, MemoryError> {
        let entry = self.get(id)?;
        let refs = self.chunk_refs(id)?;
        let mut buf = Vec::new();
        let mut written = 0u64;
        let mut emit = |out: &mut dyn Write, bytes: &[u8]| -> Result<(), MemoryError> {
            written += bytes.len() as u64;
            out.write_all(bytes).map_err(MemoryError::Write)
        };
        match part {
            Part::Whole => {
                for r in &refs {
                    self.read_chunk(id, &r.hash, &mut buf)?;
                    emit(out, &buf)?;
                }
            }
            Part::Chunk(n) => {
                let Some(r) = n.checked_sub(1).and_then(|i| refs.get(i as usize)) else {
                    return Err(MemoryError::BadInput(format!(
                        "{id} has {} chunk{} (1-{}); there is no chunk {n}",
                        refs.len(),
                        if refs.len() == 1 { "" } else { "s" },
                        refs.len()
                    )));
                };
                self.read_chunk(id, &r.hash, &mut buf)?;
                emit(out, &buf)?;
            }
            Part::Lines(a, b) => {
                if a == 0 || b < a || a > entry.lines {
                    return Err(MemoryError::BadInput(format!(
                        "{id} has lines 1-{}; `--lines {a}:{b}` is not within them",
                        entry.lines
                    )));
                }
                // Start in the last chunk that begins before line A.
                let start = refs.iter().rposition(|r| r.first_line < a).unwrap_or(0);
                for r in &refs[start..] {
                    if r.first_line > b {
                        break;
                    }
                    self.read_chunk(id, &r.hash, &mut buf)?;
                    let mut line = r.first_line;
                    let mut from = if line >= a { Some(0) } else { None };
                    let mut to = buf.len();
                    for pos in memchr::memchr_iter(b'\n', &buf) {
                        if line == b {
                            to = pos + 1;
                            break;
                        }
                        line += 1;
                        if line == a {
                            from = Some(pos + 1);
                        }
                    }
                    if let Some(f) = from {
                        emit(out, &buf[f..to])?;
                    }
                    if to < buf.len() || line > b {
                        break;
                    }
                }
            }
        }
        Ok(written)
    }

    /// Chunks waiting for the search index: (count, raw bytes).
    pub fn pending(&self) -> Result<(u64, u64), MemoryError> {
        self.chunks
            .query_row(
                "SELECT count(*), coalesce(sum(raw_len), 0) FROM chunks WHERE indexed = 0",
                [],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
            )
            .map_err(|e| self.chunk_err(e))
    }

    /// Adds every chunk not yet in the search index (of every tenant), a few
    /// megabytes per transaction; `progress` is told the raw bytes done.
    pub fn index_pending(
        &mut self,
        progress: &mut dyn FnMut(u64),
    ) -> Result<IndexReport, MemoryError> {
        let mut report = IndexReport::default();
        let mut buf = Vec::new();
        let path = self.chunks_path.clone();
        loop {
            let tx =
                agov_sqlite::write_tx(&mut self.chunks).map_err(|e| MemoryError::db(&path, e))?;
            let batch: Vec<(i64, i64, i64, Vec<u8>)> = {
                let mut stmt = tx
                    .prepare_cached(
                        "SELECT id, codec, raw_len, data FROM chunks WHERE indexed = 0 ORDER BY id LIMIT 64",
                    )
                    .map_err(|e| MemoryError::db(&path, e))?;
                let mut rows = stmt.query([]).map_err(|e| MemoryError::db(&path, e))?;
                let mut batch = Vec::new();
                let mut bytes = 0;
                while let Some(r) = rows.next().map_err(|e| MemoryError::db(&path, e))? {
                    let raw_len: i64 = r.get(2).map_err(|e| MemoryError::db(&path, e))?;
                    batch.push((
                        r.get(0).map_err(|e| MemoryError::db(&path, e))?,
                        r.get(1).map_err(|e| MemoryError::db(&path, e))?,
                        raw_len,
                        r.get(3).map_err(|e| MemoryError::db(&path, e))?,
                    ));
                    bytes += raw_len;
                    if bytes >= INDEX_BATCH_BYTES {
                        break;
                    }
                }
                batch
            };
            if batch.is_empty() {
                return Ok(report);
            }
            for (id, codec, raw_len, data) in batch {
                buf.clear();
                if codec == CODEC_ZSTD {
                    buf.reserve(raw_len as usize);
                    zstd::bulk::Decompressor::new()
                        .and_then(|mut d| d.decompress_to_buffer(&data, &mut buf))
                        .map_err(MemoryError::Compress)?;
                } else {
                    buf.extend_from_slice(&data);
                }
                let text = memchr::memchr(0, &buf).is_none();
                let run = || -> rusqlite::Result<()> {
                    if text {
                        tx.prepare_cached("INSERT INTO chunk_fts (rowid, text) VALUES (?1, ?2)")?
                            .execute(params![id, String::from_utf8_lossy(&buf)])?;
                    }
                    tx.prepare_cached("UPDATE chunks SET indexed = ?2 WHERE id = ?1")?
                        .execute(params![id, if text { 1 } else { 2 }])?;
                    Ok(())
                };
                run().map_err(|e| MemoryError::db(&path, e))?;
                report.chunks += 1;
                report.bytes += raw_len as u64;
            }
            tx.commit().map_err(|e| MemoryError::db(&path, e))?;
            progress(report.bytes);
        }
    }

    /// Searches the content (every word must match; a trailing `*` asks for
    /// a prefix); the best place in each entry, best entry first. Call
    /// [`Memory::index_pending`] first for content logged moments ago.
    pub fn search(&self, query: &str, limit: u64) -> Result<Vec<Hit>, MemoryError> {
        let Some(fts) = agov_sqlite::fts::match_expression(query) else {
            return Err(MemoryError::BadInput("the search query is empty".into()));
        };
        let terms = agov_sqlite::fts::Terms::new(query);
        let run = || -> rusqlite::Result<Vec<(i64, u64, i64, f64)>> {
            let mut stmt = self.ledger.conn().prepare_cached(
                // The best chunk of each entry; among equally good ones the
                // first (ties are common: chunks of one log look alike).
                "SELECT num, rank, seq, id FROM (
                     SELECT mc.num AS num, f.rank AS rank, mc.seq AS seq, c.id AS id,
                            row_number() OVER (PARTITION BY mc.num ORDER BY f.rank, mc.seq) AS nth
                     FROM (SELECT rowid AS id, rank FROM mem.chunk_fts WHERE chunk_fts MATCH ?1) f
                     JOIN mem.chunks c ON c.id = f.id AND c.tenant = ?2
                     JOIN memory_chunks mc ON mc.hash = c.hash
                     JOIN memory_entries e ON e.num = mc.num AND e.tenant = ?2)
                 WHERE nth = 1 ORDER BY rank, num DESC LIMIT ?3",
            )?;
            let rows = stmt.query_map(params![fts, self.tenant, limit as i64], |r| {
                Ok((r.get(0)?, r.get::<_, i64>(2)? as u64, r.get(3)?, r.get(1)?))
            })?;
            rows.collect()
        };
        let found = run().map_err(|e| self.db_err(e))?;
        let mut hits = Vec::with_capacity(found.len());
        let mut buf = Vec::new();
        for (num, seq, _chunk_id, rank) in found {
            let id = MemoryId(num);
            let entry = self.get(id)?;
            let refs = self.chunk_refs(id)?;
            let Some(r) = refs.get(seq as usize) else {
                continue;
            };
            self.read_chunk(id, &r.hash, &mut buf)?;
            let text = String::from_utf8_lossy(&buf);
            let (mut line, mut snippet) = (r.first_line, None);
            for l in text.split('\n') {
                if let Some(s) = terms.snippet(l) {
                    snippet = Some(s);
                    break;
                }
                line += 1;
            }
            hits.push(Hit {
                entry,
                chunk: seq + 1,
                line: if snippet.is_some() {
                    line
                } else {
                    r.first_line
                },
                snippet: snippet.unwrap_or_default(),
                rank,
            });
        }
        Ok(hits)
    }

    /// Removes an entry; its chunks no other entry lists are deleted.
    pub fn rm(&mut self, id: MemoryId) -> Result<(Entry, u64), MemoryError> {
        let entry = self.get(id)?;
        let event = NewEvent::new(&self.tenant, &self.actor, "memory.rm")
            .subject(id.to_string())
            .with("title", entry.title.as_str())
            .with("bytes", entry.bytes)
            .with("sha256", entry.sha256.as_str());
        let tenant = self.tenant.clone();
        let path = self.ledger.path().to_path_buf();
        let conn = self.ledger.connection();
        let mut run = || -> rusqlite::Result<Result<u64, MemoryError>> {
            let tx = agov_sqlite::write_tx(conn)?;
            let still: Option<String> = tx
                .query_row(
                    "SELECT tenant FROM memory_entries WHERE num = ?1",
                    [id.0],
                    |r| r.get(0),
                )
                .optional()?;
            if still.as_deref() != Some(tenant.as_str()) {
                return Ok(Err(MemoryError::NotFound(id.to_string())));
            }
            let hashes: Vec<Vec<u8>> = tx
                .prepare("SELECT DISTINCT hash FROM memory_chunks WHERE num = ?1")?
                .query_map([id.0], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            tx.execute("DELETE FROM memory_chunks WHERE num = ?1", [id.0])?;
            tx.execute("DELETE FROM memory_tags WHERE num = ?1", [id.0])?;
            tx.execute("DELETE FROM memory_entries WHERE num = ?1", [id.0])?;
            // A chunk touched after this entry was logged is being reused by a
            // log still running: leave it.
            let freed = delete_orphans(&tx, &tenant, &hashes, entry.created_us)?;
            append_in(&tx, &event.clone().with("bytes_freed", freed.1))?;
            tx.commit()?;
            Ok(Ok(freed.1))
        };
        let freed = run().map_err(|e| MemoryError::db(&path, e))??;
        Ok((entry, freed))
    }

    /// Removes old entries by `rule`, then deletes chunks no entry lists
    /// that have not been touched for an hour (left by interrupted logs).
    pub fn prune(&mut self, rule: &PruneRule) -> Result<PruneReport, MemoryError> {
        let tenant = self.tenant.clone();
        let path = self.ledger.path().to_path_buf();
        let actor = self.actor.clone();
        let conn = self.ledger.connection();
        let mut run = || -> rusqlite::Result<PruneReport> {
            let tx = agov_sqlite::write_tx(conn)?;
            let doomed: Vec<(i64, i64)> = tx
                .prepare(
                    "SELECT num, created_us FROM memory_entries WHERE tenant = ?1 AND (
                         created_us < ?2 OR num NOT IN (
                             SELECT num FROM memory_entries WHERE tenant = ?1
                             ORDER BY created_us DESC, num DESC LIMIT ?3))
                     ORDER BY num",
                )?
                .query_map(
                    params![
                        tenant,
                        rule.before_us.unwrap_or(i64::MIN),
                        rule.keep.map_or(-1, |k| k as i64)
                    ],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?
                .collect::<rusqlite::Result<_>>()?;
            let mut report = PruneReport {
                removed: doomed
                    .iter()
                    .map(|(n, _)| MemoryId(*n).to_string())
                    .collect(),
                dry_run: rule.dry_run,
                ..PruneReport::default()
            };
            for (num, _) in &doomed {
                tx.execute("DELETE FROM memory_chunks WHERE num = ?1", [num])?;
                tx.execute("DELETE FROM memory_tags WHERE num = ?1", [num])?;
                tx.execute("DELETE FROM memory_entries WHERE num = ?1", [num])?;
            }
            let cutoff = agov_core::time::now_us() - ORPHAN_GRACE_US;
            let orphans: Vec<Vec<u8>> = tx
                .prepare(
                    "SELECT hash FROM mem.chunks c WHERE c.tenant = ?1 AND NOT EXISTS (
                         SELECT 1 FROM memory_chunks mc JOIN memory_entries e ON e.num = mc.num
                         WHERE mc.hash = c.hash AND e.tenant = c.tenant)",
                )?
                .query_map([&tenant], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            // Chunks of entries removed now go whatever their age unless a
            // running log touched them since; older orphans after the grace.
            let newest_removed = doomed.iter().map(|(_, c)| *c).max().unwrap_or(i64::MIN);
            let (n, freed) = delete_orphans(&tx, &tenant, &orphans, newest_removed.max(cutoff))?;
            report.chunks_deleted = n;
            report.bytes_freed = freed;
            if rule.dry_run {
                tx.rollback()?;
                return Ok(report);
            }
            if !report.removed.is_empty() || n > 0 {
                let event = NewEvent::new(&tenant, &actor, "memory.prune")
                    .with("removed", json!(report.removed))
                    .with("chunks_deleted", n)
                    .with("bytes_freed", freed);
                append_in(&tx, &event)?;
            }
            tx.commit()?;
            Ok(report)
        };
        run().map_err(|e| MemoryError::db(&path, e))
    }
}

/// The tenant's entry count, their total size and the `newest` entries,
/// read from the governance database alone (for checkpoints: the chunk
/// store is not opened, nor created).
pub fn overview(
    ledger: &Ledger,
    tenant: &str,
    newest: u64,
) -> Result<(u64, u64, Vec<Entry>), MemoryError> {
    let run = || -> rusqlite::Result<(u64, u64, Vec<Entry>)> {
        let conn = ledger.conn();
        let (count, bytes): (i64, i64) = conn
            .prepare_cached(
                "SELECT count(*), coalesce(sum(bytes), 0) FROM memory_entries WHERE tenant = ?1",
            )?
            .query_row([tenant], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM memory_entries e WHERE e.tenant = ?1 ORDER BY e.created_us DESC, e.num DESC LIMIT ?2"
        ))?;
        let entries = stmt
            .query_map(params![tenant, newest as i64], |r| {
                read_entry(r).map(|(_, e)| e)
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok((count as u64, bytes as u64, entries))
    };
    run().map_err(|e| MemoryError::db(ledger.path(), e))
}

/// Deletes those of `hashes` (chunks of `tenant`) that no entry of the
/// tenant lists and that were last touched at or before `touched_by`;
/// returns (chunks, compressed bytes) deleted.
fn delete_orphans(
    tx: &rusqlite::Transaction<'_>,
    tenant: &str,
    hashes: &[Vec<u8>],
    touched_by: i64,
) -> rusqlite::Result<(u64, u64)> {
    let (mut n, mut freed) = (0u64, 0u64);
    for h in hashes {
        let row: Option<(i64, i64)> = tx
            .prepare_cached(
                "SELECT c.id, c.stored_len FROM mem.chunks c
                 WHERE c.tenant = ?1 AND c.hash = ?2 AND c.touched_us <= ?3 AND NOT EXISTS (
                     SELECT 1 FROM memory_chunks mc JOIN memory_entries e ON e.num = mc.num
                     WHERE mc.hash = c.hash AND e.tenant = c.tenant)",
            )?
            .query_row(params![tenant, h, touched_by], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        if let Some((id, len)) = row {
            tx.prepare_cached("DELETE FROM mem.chunk_fts WHERE rowid = ?1")?
                .execute([id])?;
            tx.prepare_cached("DELETE FROM mem.chunks WHERE id = ?1")?
                .execute([id])?;
            n += 1;
            freed += len as u64;
        }
    }
    Ok((n, freed))
}

/// A title from the content: its first non-blank line, cut to 80 characters.
fn default_title(ing: &Ingested) -> String {
    ing.first_lines
        .iter()
        .map(|l| l.text.trim())
        .find(|t| !t.is_empty())
        .map(|t| match t.char_indices().nth(80) {
            Some((i, _)) => format!("{}…", &t[..i]),
            None => t.to_string(),
        })
        .unwrap_or_else(|| format!("{} bytes", ing.bytes))
}
