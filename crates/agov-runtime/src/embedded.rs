//! The embedded runtime store: Redis's semantics in one SQLite file.
//!
//! Each write is one IMMEDIATE transaction (a batch is one too), so
//! concurrent processes see whole changes only. An expired key reads as
//! absent and is purged by the next write that touches it, and every
//! expired row by the first write of each process.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use agov_sqlite::{DbError, Durability, Migration, OpenMode};
use rusqlite::{Connection, OptionalExtension, params};

use crate::RuntimeStore;
use crate::error::RuntimeError;
use crate::op::{Op, Reply, StreamEntry, Ttl, parse_stream_id};

/// Migrations of the embedded runtime database.
pub const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "0001_runtime.sql",
    sql: include_str!("../../../schema/migrations/runtime/0001_runtime.sql"),
}];

/// How often a blocking stream read looks again.
const POLL: Duration = Duration::from_millis(10);

/// The runtime store in a local SQLite file.
pub struct EmbeddedStore {
    conn: Mutex<Option<Connection>>,
    /// Whether this process's first write purged the expired rows.
    purged: AtomicBool,
    path: PathBuf,
    namespace: String,
}

/// An SQLite error or a store error, inside a transaction.
enum Fail {
    Sql(rusqlite::Error),
    Store(RuntimeError),
}

impl From<rusqlite::Error> for Fail {
    fn from(e: rusqlite::Error) -> Fail {
        Fail::Sql(e)
    }
}

impl From<RuntimeError> for Fail {
    fn from(e: RuntimeError) -> Fail {
        Fail::Store(e)
    }
}

type R<T> = Result<T, Fail>;

fn now_ms() -> i64 {
    agov_core::time::now_us() / 1000
}

fn deadline(ttl: Option<Duration>, now: i64) -> Option<i64> {
    ttl.map(|d| now + d.as_millis() as i64)
}

impl EmbeddedStore {
    /// The store at `path`; every key gets `namespace` in front. The file
    /// is opened on first use and created by the first write: reading a
    /// store that does not exist yet finds it empty and creates nothing.
    pub fn open(path: &Path, namespace: &str) -> Result<EmbeddedStore, RuntimeError> {
        Ok(EmbeddedStore {
            conn: Mutex::new(None),
            purged: AtomicBool::new(false),
            path: path.to_path_buf(),
            namespace: namespace.to_string(),
        })
    }

    fn connect(&self) -> Result<Connection, RuntimeError> {
        Ok(agov_sqlite::open(
            &self.path,
            MIGRATIONS,
            OpenMode::Create,
            Durability::Normal,
        )?)
    }

    /// An empty store in memory, for reads before the file exists.
    fn empty(&self) -> Result<Connection, RuntimeError> {
        let db = |e| RuntimeError::Db(DbError::sqlite(&self.path, e));
        let conn = Connection::open_in_memory().map_err(db)?;
        for m in MIGRATIONS {
            conn.execute_batch(m.sql).map_err(db)?;
        }
        Ok(conn)
    }

    fn k(&self, key: &str) -> String {
        format!("{}{key}", self.namespace)
    }

    fn finish<T>(&self, r: R<T>) -> Result<T, RuntimeError> {
        r.map_err(|f| match f {
            Fail::Sql(e) => RuntimeError::Db(DbError::sqlite(&self.path, e)),
            Fail::Store(e) => e,
        })
    }

    fn write<T>(&self, f: impl FnOnce(&Connection, i64) -> R<T>) -> Result<T, RuntimeError> {
        let mut guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            *guard = Some(self.connect()?);
        }
        let first = !self.purged.swap(true, Ordering::Relaxed);
        let conn = guard.as_mut().expect("opened above");
        let r = (|| {
            let tx = agov_sqlite::write_tx(conn)?;
            if first {
                purge_expired(&tx, now_ms())?;
            }
            // After the purge: a TTL this write sets starts now.
            let out = f(&tx, now_ms())?;
            tx.commit()?;
            Ok(out)
        })();
        self.finish(r)
    }

    fn read<T>(&self, f: impl FnOnce(&Connection, i64) -> R<T>) -> Result<T, RuntimeError> {
        let mut guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            if !self.path.exists() {
                let r = f(&self.empty()?, now_ms());
                return self.finish(r);
            }
            *guard = Some(self.connect()?);
        }
        let r = f(guard.as_ref().expect("opened above"), now_ms());
        self.finish(r)
    }
}

/// The live kind of `key` (reads only; an expired key is `None`).
fn live_kind(c: &Connection, key: &str, now: i64) -> R<Option<String>> {
    Ok(c.prepare_cached(
        "SELECT kind FROM entries WHERE key = ?1 AND (expires_ms IS NULL OR expires_ms > ?2)",
    )?
    .query_row(params![key, now], |r| r.get(0))
    .optional()?)
}

/// Like [`live_kind`], but fails unless the key is absent or of `wanted` kind.
fn kind_is(c: &Connection, key: &str, wanted: &'static str, now: i64) -> R<bool> {
    match live_kind(c, key, now)? {
        None => Ok(false),
        Some(k) if k == wanted => Ok(true),
        Some(found) => Err(RuntimeError::WrongType {
            key: key.to_string(),
            found,
            wanted,
        }
        .into()),
    }
}

/// In a write: drops `key` entirely if it has expired.
fn purge_if_expired(c: &Connection, key: &str, now: i64) -> R<()> {
    let expired: bool = c
        .prepare_cached(
            "SELECT expires_ms <= ?2 FROM entries WHERE key = ?1 AND expires_ms IS NOT NULL",
        )?
        .query_row(params![key, now], |r| r.get(0))
        .optional()?
        .unwrap_or(false);
    if expired {
        purge(c, key)?;
    }
    Ok(())
}

/// In a write: purges an expired `key`, then returns its kind as [`kind_is`] does.
fn kind_for_write(c: &Connection, key: &str, wanted: &'static str, now: i64) -> R<bool> {
    purge_if_expired(c, key, now)?;
    kind_is(c, key, wanted, now)
}

/// Deletes every key that has expired, with its members (the expiry is
/// indexed: cheap when there is nothing to do).
fn purge_expired(c: &Connection, now: i64) -> R<()> {
    for table in ["hash_fields", "list_items", "stream_entries"] {
        c.prepare_cached(&format!(
            "DELETE FROM {table} WHERE key IN
             (SELECT key FROM entries WHERE expires_ms IS NOT NULL AND expires_ms <= ?1)"
        ))?
        .execute([now])?;
    }
    c.prepare_cached("DELETE FROM entries WHERE expires_ms IS NOT NULL AND expires_ms <= ?1")?
        .execute([now])?;
    Ok(())
}

fn purge(c: &Connection, key: &str) -> R<bool> {
    let n = c
        .prepare_cached("DELETE FROM entries WHERE key = ?1")?
        .execute([key])?;
    for table in ["hash_fields", "list_items", "stream_entries"] {
        c.prepare_cached(&format!("DELETE FROM {table} WHERE key = ?1"))?
            .execute([key])?;
    }
    Ok(n > 0)
}

fn put_string(c: &Connection, key: &str, value: &[u8], expires: Option<i64>) -> R<()> {
    purge(c, key)?;
    c.prepare_cached(
        "INSERT INTO entries (key, kind, value, expires_ms) VALUES (?1, 'string', ?2, ?3)",
    )?
    .execute(params![key, value, expires])?;
    Ok(())
}

fn string_value(c: &Connection, key: &str, now: i64) -> R<Option<Vec<u8>>> {
    if !kind_is(c, key, "string", now)? {
        return Ok(None);
    }
    Ok(
        c.prepare_cached("SELECT value FROM entries WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?,
    )
}

fn ensure_entry(c: &Connection, key: &str, kind: &str) -> R<()> {
    c.prepare_cached("INSERT OR IGNORE INTO entries (key, kind) VALUES (?1, ?2)")?
        .execute(params![key, kind])?;
    Ok(())
}

fn parse_int(key: &str, v: &[u8]) -> R<i64> {
    std::str::from_utf8(v)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| RuntimeError::NotInteger(key.to_string()).into())
}

fn apply_one(c: &Connection, op: &Op, now: i64) -> R<Reply> {
    Ok(match op {
        Op::Set { key, value, ttl } => {
            put_string(c, key, value, deadline(*ttl, now))?;
            Reply::Ok
        }
        Op::SetNx { key, value, ttl } => Reply::Bool(set_nx(c, key, value, *ttl, now)?),
        Op::LockAcquire { key, owner, ttl } => {
            Reply::Bool(set_nx(c, key, owner.as_bytes(), Some(*ttl), now)?)
        }
        Op::Del { key } => {
            let live = live_kind(c, key, now)?.is_some();
            purge(c, key)?;
            Reply::Bool(live)
        }
        Op::Expire { key, ttl } => {
            let live = live_kind(c, key, now)?.is_some();
            if live {
                c.prepare_cached("UPDATE entries SET expires_ms = ?2 WHERE key = ?1")?
                    .execute(params![key, now + ttl.as_millis() as i64])?;
            } else {
                purge(c, key)?;
            }
            Reply::Bool(live)
        }
        Op::Incr {
            key,
            by,
            ttl_on_create,
        } => {
            let value = if kind_for_write(c, key, "string", now)? {
                let old = string_value(c, key, now)?.unwrap_or_default();
                let v = parse_int(key, &old)?
                    .checked_add(*by)
                    .ok_or_else(|| RuntimeError::NotInteger(key.clone()))?;
                c.prepare_cached("UPDATE entries SET value = ?2 WHERE key = ?1")?
                    .execute(params![key, v.to_string().as_bytes()])?;
                v
            } else {
                put_string(
                    c,
                    key,
                    by.to_string().as_bytes(),
                    deadline(*ttl_on_create, now),
                )?;
                *by
            };
            Reply::Int(value)
        }
        Op::CompareAndSet {
            key,
            expected,
            value,
            ttl,
        } => {
            kind_for_write(c, key, "string", now)?;
            let current = string_value(c, key, now)?;
            if current.as_deref() != expected.as_deref() {
                return Ok(Reply::Bool(false));
            }
            put_string(c, key, value, deadline(*ttl, now))?;
            Reply::Bool(true)
        }
        Op::HSet { key, field, value } => {
            kind_for_write(c, key, "hash", now)?;
            ensure_entry(c, key, "hash")?;
            c.prepare_cached(
                "INSERT OR REPLACE INTO hash_fields (key, field, value) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![key, field, value])?;
            Reply::Ok
        }
        Op::HDel { key, field } => {
            if !kind_for_write(c, key, "hash", now)? {
                return Ok(Reply::Bool(false));
            }
            let n = c
                .prepare_cached("DELETE FROM hash_fields WHERE key = ?1 AND field = ?2")?
                .execute(params![key, field])?;
            let left: i64 = c
                .prepare_cached("SELECT count(*) FROM hash_fields WHERE key = ?1")?
                .query_row([key], |r| r.get(0))?;
            if left == 0 {
                purge(c, key)?;
            }
            Reply::Bool(n > 0)
        }
        Op::HIncr { key, field, by } => {
            kind_for_write(c, key, "hash", now)?;
            ensure_entry(c, key, "hash")?;
            let old: Option<Vec<u8>> = c
                .prepare_cached("SELECT value FROM hash_fields WHERE key = ?1 AND field = ?2")?
                .query_row(params![key, field], |r| r.get(0))
                .optional()?;
            let old = match old {
                Some(v) => parse_int(key, &v)?,
                None => 0,
            };
            let v = old
                .checked_add(*by)
                .ok_or_else(|| RuntimeError::NotInteger(key.clone()))?;
            c.prepare_cached(
                "INSERT OR REPLACE INTO hash_fields (key, field, value) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![key, field, v.to_string().as_bytes()])?;
            Reply::Int(v)
        }
        Op::RPush { key, value } => {
            kind_for_write(c, key, "list", now)?;
            ensure_entry(c, key, "list")?;
            c.prepare_cached(
                "INSERT INTO list_items (key, pos, value)
                 VALUES (?1, (SELECT coalesce(max(pos) + 1, 0) FROM list_items WHERE key = ?1), ?2)",
            )?
            .execute(params![key, value])?;
            let n: i64 = c
                .prepare_cached("SELECT count(*) FROM list_items WHERE key = ?1")?
                .query_row([key], |r| r.get(0))?;
            Reply::Int(n)
        }
        Op::LockExtend { key, owner, ttl } => {
            kind_for_write(c, key, "string", now)?;
            let held = string_value(c, key, now)?.as_deref() == Some(owner.as_bytes());
            if held {
                c.prepare_cached("UPDATE entries SET expires_ms = ?2 WHERE key = ?1")?
                    .execute(params![key, now + ttl.as_millis() as i64])?;
            }
            Reply::Bool(held)
        }
        Op::LockRelease { key, owner } => {
            kind_for_write(c, key, "string", now)?;
            let held = string_value(c, key, now)?.as_deref() == Some(owner.as_bytes());
            if held {
                purge(c, key)?;
            }
            Reply::Bool(held)
        }
        Op::SetIfLocked {
            key,
            value,
            lock,
            owner,
        } => {
            let held = string_value(c, lock, now)?.as_deref() == Some(owner.as_bytes());
            if held {
                put_string(c, key, value, None)?;
            }
            Reply::Bool(held)
        }
        Op::XAdd {
            key,
            fields,
            max_len,
        } => {
            kind_for_write(c, key, "stream", now)?;
            ensure_entry(c, key, "stream")?;
            let last: Option<(i64, i64)> = c
                .prepare_cached("SELECT ms, seq FROM stream_entries WHERE key = ?1 ORDER BY ms DESC, seq DESC LIMIT 1")?
                .query_row([key], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let (ms, seq) = match last {
                Some((lms, lseq)) if lms >= now => (lms, lseq + 1),
                _ => (now, 0),
            };
            let encoded: Vec<(String, String)> = fields
                .iter()
                .map(|(f, v)| (f.clone(), hex::encode(v)))
                .collect();
            let json = serde_json::to_string(&encoded)
                .map_err(|e| RuntimeError::Protocol(e.to_string()))?;
            c.prepare_cached(
                "INSERT INTO stream_entries (key, ms, seq, fields) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![key, ms, seq, json])?;
            if let Some(max) = max_len {
                c.prepare_cached(
                    "DELETE FROM stream_entries WHERE key = ?1 AND (ms, seq) NOT IN
                       (SELECT ms, seq FROM stream_entries WHERE key = ?1 ORDER BY ms DESC, seq DESC LIMIT ?2)",
                )?
                .execute(params![key, *max as i64])?;
            }
            Reply::Id(format!("{ms}-{seq}"))
        }
    })
}

fn set_nx(c: &Connection, key: &str, value: &[u8], ttl: Option<Duration>, now: i64) -> R<bool> {
    purge_if_expired(c, key, now)?;
    if live_kind(c, key, now)?.is_some() {
        return Ok(false);
    }
    put_string(c, key, value, deadline(ttl, now))?;
    Ok(true)
}

impl RuntimeStore for EmbeddedStore {
    fn backend(&self) -> &'static str {
        "embedded"
    }

    fn data_version(&self) -> Result<Option<i64>, RuntimeError> {
        if !self.path.exists() {
            return Ok(Some(0));
        }
        self.read(|c, _| Ok(Some(c.query_row("PRAGMA data_version", [], |r| r.get(0))?)))
    }

    fn apply(&self, op: Op) -> Result<Reply, RuntimeError> {
        let op = op.prefixed(&self.namespace);
        self.write(|c, now| apply_one(c, &op, now))
    }

    fn batch(&self, ops: Vec<Op>) -> Result<Vec<Reply>, RuntimeError> {
        let ops: Vec<Op> = ops
            .into_iter()
            .map(|o| o.prefixed(&self.namespace))
            .collect();
        self.write(|c, now| ops.iter().map(|op| apply_one(c, op, now)).collect())
    }

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, RuntimeError> {
        let key = self.k(key);
        self.read(|c, now| string_value(c, &key, now))
    }

    fn ttl(&self, key: &str) -> Result<Ttl, RuntimeError> {
        let key = self.k(key);
        self.read(|c, now| {
            let row: Option<Option<i64>> = c
                .prepare_cached("SELECT expires_ms FROM entries WHERE key = ?1 AND (expires_ms IS NULL OR expires_ms > ?2)")?
                .query_row(params![key, now], |r| r.get(0))
                .optional()?;
            Ok(match row {
                None => Ttl::Missing,
                Some(None) => Ttl::Persistent,
                Some(Some(at)) => Ttl::Expires(Duration::from_millis((at - now).max(0) as u64)),
            })
        })
    }

    fn hget(&self, key: &str, field: &str) -> Result<Option<Vec<u8>>, RuntimeError> {
        let key = self.k(key);
        self.read(|c, now| {
            if !kind_is(c, &key, "hash", now)? {
                return Ok(None);
            }
            Ok(
                c.prepare_cached("SELECT value FROM hash_fields WHERE key = ?1 AND field = ?2")?
                    .query_row(params![key, field], |r| r.get(0))
                    .optional()?,
            )
        })
    }

    fn hgetall(&self, key: &str) -> Result<BTreeMap<String, Vec<u8>>, RuntimeError> {
        let key = self.k(key);
        self.read(|c, now| {
            if !kind_is(c, &key, "hash", now)? {
                return Ok(BTreeMap::new());
            }
            let mut stmt =
                c.prepare_cached("SELECT field, value FROM hash_fields WHERE key = ?1")?;
            let rows = stmt.query_map([&key], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn lrange(&self, key: &str, start: i64, stop: i64) -> Result<Vec<Vec<u8>>, RuntimeError> {
        let key = self.k(key);
        self.read(|c, now| {
            if !kind_is(c, &key, "list", now)? {
                return Ok(Vec::new());
            }
            let mut stmt =
                c.prepare_cached("SELECT value FROM list_items WHERE key = ?1 ORDER BY pos")?;
            let all: Vec<Vec<u8>> = stmt
                .query_map([&key], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            Ok(slice(all, start, stop))
        })
    }

    fn llen(&self, key: &str) -> Result<u64, RuntimeError> {
        let key = self.k(key);
        self.read(|c, now| {
            if !kind_is(c, &key, "list", now)? {
                return Ok(0);
            }
            let n: i64 = c
                .prepare_cached("SELECT count(*) FROM list_items WHERE key = ?1")?
                .query_row([&key], |r| r.get(0))?;
            Ok(n as u64)
        })
    }

    fn xread(
        &self,
        key: &str,
        after: &str,
        count: usize,
        block: Option<Duration>,
    ) -> Result<Vec<StreamEntry>, RuntimeError> {
        let key = self.k(key);
        let (ams, aseq) = parse_stream_id(after)?;
        let until = block.map(|b| std::time::Instant::now() + b);
        loop {
            let entries = self.read(|c, now| {
                if !kind_is(c, &key, "stream", now)? {
                    return Ok(Vec::new());
                }
                let mut stmt = c.prepare_cached(
                    "SELECT ms, seq, fields FROM stream_entries WHERE key = ?1 AND (ms, seq) > (?2, ?3)
                     ORDER BY ms, seq LIMIT ?4",
                )?;
                let rows = stmt.query_map(params![key, ams, aseq, count as i64], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?))
                })?;
                let mut out = Vec::new();
                for row in rows {
                    let (ms, seq, json) = row?;
                    let pairs: Vec<(String, String)> = serde_json::from_str(&json).map_err(|e| RuntimeError::Protocol(e.to_string()))?;
                    let fields = pairs.into_iter().map(|(f, v)| (f, hex::decode(v).unwrap_or_default())).collect();
                    out.push(StreamEntry { id: format!("{ms}-{seq}"), fields });
                }
                Ok(out)
            })?;
            match until {
                Some(t) if entries.is_empty() && std::time::Instant::now() < t => {
                    std::thread::sleep(POLL)
                }
                _ => return Ok(entries),
            }
        }
    }

    fn scan(&self, prefix: &str) -> Result<Vec<String>, RuntimeError> {
        let full = self.k(prefix);
        let ns = self.namespace.len();
        self.read(|c, now| {
            let mut stmt = c.prepare_cached(
                "SELECT key FROM entries WHERE substr(key, 1, length(?1)) = ?1 AND (expires_ms IS NULL OR expires_ms > ?2) ORDER BY key",
            )?;
            let keys: Vec<String> = stmt.query_map(params![full, now], |r| r.get(0))?.collect::<Result<_, _>>()?;
            Ok(keys.into_iter().map(|k| k[ns..].to_string()).collect())
        })
    }
}

/// Redis's LRANGE index rules.
pub(crate) fn slice(all: Vec<Vec<u8>>, start: i64, stop: i64) -> Vec<Vec<u8>> {
    let n = all.len() as i64;
    let start = if start < 0 { (n + start).max(0) } else { start };
    let stop = if stop < 0 { n + stop } else { stop.min(n - 1) };
    if start > stop || start >= n {
        return Vec::new();
    }
    all.into_iter()
        .skip(start as usize)
        .take((stop - start + 1) as usize)
        .collect()
}
