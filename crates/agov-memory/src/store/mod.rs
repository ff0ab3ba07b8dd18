//! The memory store of one tenant: log, list, fetch, search, remove, prune.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use agov_ledger::{Ledger, NewEvent, append_in};
use agov_sqlite::{Durability, Migration, OpenMode};
use rusqlite::{Connection, OptionalExtension, Row, params};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::error::MemoryError;
use crate::ingest::{CODEC_RAW, CODEC_ZSTD, Ingested, ingest};
use crate::model::{Entry, MemoryId, Summary};

mod fetch;
mod removal;
mod search;

/// Migrations of the chunk store, from `schema/migrations/memory/`.
pub const CHUNK_MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "0001_chunks.sql",
    sql: include_str!("../../../../schema/migrations/memory/0001_chunks.sql"),
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
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Hit {
    /// The entry.
    pub entry: Entry,
    /// The chunk that matched best (from 1).
    #[schemars(range(min = 1))]
    pub chunk: u64,
    /// The line of the snippet (from 1): `memory fetch ID --lines N:M`
    /// around it.
    #[schemars(range(min = 1))]
    pub line: u64,
    /// The line around the first match, matches in [brackets].
    pub snippet: String,
    /// BM25 relevance; lower is better.
    pub rank: f64,
}

/// What indexing did.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq, JsonSchema)]
#[schemars(
    title = "What memory index did",
    description = "`memory index --json`."
)]
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
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq, JsonSchema)]
#[schemars(
    title = "What memory prune removed",
    description = "`memory prune --json`."
)]
pub struct PruneReport {
    /// Ids of removed entries.
    pub removed: Vec<String>,
    /// Chunks deleted (of removed entries, or left by interrupted logs).
    pub chunks_deleted: u64,
    /// Their compressed size.
    pub bytes_freed: u64,
    /// True when nothing was changed.
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
