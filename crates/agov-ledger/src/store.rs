//! Opening the ledger, appending events and reading them back.

use std::path::{Path, PathBuf};

use agov_sqlite::{Durability, OpenMode};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, Transaction};

use crate::chain::{self, Fields};
use crate::error::LedgerError;
use crate::event::{Event, NewEvent, Query};
use crate::hmac::{self, HmacKey};

/// Loads the HMAC key the first time an event needs it.
pub type KeyLoader = Box<dyn FnOnce() -> Result<HmacKey, LedgerError> + Send>;

/// An open ledger database.
pub struct Ledger {
    conn: Connection,
    path: PathBuf,
    /// The HMAC key, once loaded …
    key: Option<HmacKey>,
    /// … by this, on first use.
    load_key: Option<KeyLoader>,
}

const COLUMNS: &str = "seq, ts_us, tenant, actor, action, agent, pipeline, subject, detail, hash";

impl Ledger {
    /// Opens the ledger at `path`, creating it (mode 0600) when `create` is true.
    pub fn open(path: &Path, create: bool) -> Result<Ledger, LedgerError> {
        let mode = if create {
            OpenMode::Create
        } else {
            OpenMode::Existing
        };
        let conn = agov_sqlite::open(path, crate::MIGRATIONS, mode, Durability::Full)?;
        let key_file = path.with_file_name("ledger-hmac.key");
        Ok(Ledger {
            conn,
            path: path.to_path_buf(),
            key: None,
            load_key: Some(Box::new(move || HmacKey::load_or_create_file(&key_file))),
        })
    }

    /// Where the HMAC key comes from (default: `ledger-hmac.key` beside the
    /// database, created mode 0600 on first use). `load` runs only when an
    /// event with an accessor in clear is appended, or [`Ledger::hmac_key`] is called.
    pub fn with_hmac_key(
        mut self,
        load: impl FnOnce() -> Result<HmacKey, LedgerError> + Send + 'static,
    ) -> Ledger {
        self.key = None;
        self.load_key = Some(Box::new(load));
        self
    }

    /// The HMAC key, loaded (or created) now if it was not yet.
    pub fn hmac_key(&mut self) -> Result<&HmacKey, LedgerError> {
        if let Some(load) = self.load_key.take() {
            self.key = Some(load()?);
        }
        self.key
            .as_ref()
            .ok_or_else(|| LedgerError::key("the HMAC key failed to load earlier in this process"))
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection, for crates that keep their own tables in the ledger
    /// database and append events in the same transaction ([`append_in`]).
    pub fn connection(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Appends one event in its own durable transaction. Token accessors in
    /// its detail ([`hmac::ACCESSOR_FIELDS`]) are stored as their HMAC.
    pub fn append(&mut self, event: &NewEvent) -> Result<Event, LedgerError> {
        let protected;
        let event = if hmac::needs_key(&event.detail) {
            let mut e = event.clone();
            hmac::protect(&mut e.detail, self.hmac_key()?);
            protected = e;
            &protected
        } else {
            event
        };
        let path = self.path.clone();
        let tx = agov_sqlite::write_tx(&mut self.conn).map_err(|e| LedgerError::db(&path, e))?;
        let appended = append_in(&tx, event).map_err(|e| LedgerError::db(&path, e))?;
        tx.commit().map_err(|e| LedgerError::db(&path, e))?;
        Ok(appended)
    }

    /// The newest event's sequence number and hash, or `None` for an empty ledger.
    pub fn head(&self) -> Result<Option<(u64, [u8; 32])>, LedgerError> {
        head(&self.conn).map_err(|e| LedgerError::db(&self.path, e))
    }

    /// One event by sequence number.
    pub fn get(&self, seq: u64) -> Result<Event, LedgerError> {
        self.conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM events WHERE seq = ?1"))
            .and_then(|mut s| s.query_row([seq as i64], read_event).optional())
            .map_err(|e| LedgerError::db(&self.path, e))?
            .ok_or(LedgerError::NoSuchEvent(seq))
    }

    /// The events matching `q`, oldest first (newest first with `q.newest_first`).
    pub fn query(&self, q: &Query) -> Result<Vec<Event>, LedgerError> {
        let mut out = Vec::new();
        self.for_each(q, |e| {
            out.push(e);
            true
        })?;
        Ok(out)
    }

    /// Streams the events matching `q` to `f`, which returns `false` to stop.
    pub fn for_each(&self, q: &Query, mut f: impl FnMut(Event) -> bool) -> Result<(), LedgerError> {
        let (sql, params) = build_query(q);
        let mut run = || -> rusqlite::Result<()> {
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
            while let Some(row) = rows.next()? {
                if !f(read_event(row)?) {
                    break;
                }
            }
            Ok(())
        };
        run().map_err(|e| LedgerError::db(&self.path, e))
    }

    /// The newest `n` events of `tenant` (all tenants when `None`), oldest first.
    pub fn tail(&self, tenant: Option<&str>, n: u64) -> Result<Vec<Event>, LedgerError> {
        let q = Query {
            tenant: tenant.map(str::to_string),
            limit: Some(n),
            newest_first: true,
            ..Query::default()
        };
        let mut events = self.query(&q)?;
        events.reverse();
        Ok(events)
    }

    /// How many events the ledger holds.
    pub fn count(&self) -> Result<u64, LedgerError> {
        Ok(self.head()?.map_or(0, |(seq, _)| seq))
    }

    /// Writes a consistent copy of the whole database (every tenant's
    /// events, the WAL included) to `dest`, atomically and mode 0600: the
    /// file `ledger verify --db` checks offline.
    pub fn copy_to(&self, dest: &Path) -> Result<(), LedgerError> {
        agov_core::fsutil::produce_atomic(dest, 0o600, |tmp| {
            self.conn
                .execute("VACUUM INTO ?1", [tmp.to_string_lossy()])
                .map(drop)
                .map_err(std::io::Error::other)
        })
        .map_err(|e| LedgerError::File {
            path: dest.to_path_buf(),
            message: format!("cannot write a copy of the ledger: {e}"),
        })
    }

    /// The connection, for reading tables that live beside the ledger.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }
}

fn head(conn: &Connection) -> rusqlite::Result<Option<(u64, [u8; 32])>> {
    conn.prepare_cached("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| {
            let seq: i64 = r.get(0)?;
            let hash: Vec<u8> = r.get(1)?;
            let mut h = [0u8; 32];
            h.copy_from_slice(&hash);
            Ok((seq as u64, h))
        })
        .optional()
}

/// Appends `event` inside a transaction the caller holds, so that a change to
/// another table and its ledger event commit together. It has no HMAC key:
/// events with token accessors go through [`Ledger::append`]. The transaction must
/// have been started with [`agov_sqlite::write_tx`] (IMMEDIATE), or two
/// writers could read the same head.
pub fn append_in(tx: &Transaction<'_>, event: &NewEvent) -> rusqlite::Result<Event> {
    let span = agov_trace::Span::start_with(|| format!("ledger {}", event.action));
    span.set("db.system.name", "sqlite");
    span.set("db.operation.name", "append");
    let (prev_seq, prev_hash) = head(tx)?.unwrap_or((0, chain::GENESIS));
    let seq = prev_seq + 1;
    let ts_us = agov_core::time::now_us();
    // In a traced context, the event names its trace (inside the hashed detail).
    let traced = crate::trace::stamp(&event.detail);
    let detail_value = traced.as_ref().unwrap_or(&event.detail);
    // serde_json's default map is ordered by key, so this text is canonical.
    let detail = detail_value.to_string();
    let fields = Fields {
        seq,
        ts_us,
        tenant: &event.tenant,
        actor: &event.actor,
        action: &event.action,
        agent: event.agent.as_deref(),
        pipeline: event.pipeline.as_deref(),
        subject: event.subject.as_deref(),
        detail: &detail,
    };
    let hash = chain::hash(&prev_hash, &fields);
    tx.prepare_cached(
        "INSERT INTO events (seq, ts_us, tenant, actor, action, agent, pipeline, subject, detail, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(rusqlite::params![
        seq as i64,
        ts_us,
        event.tenant,
        event.actor,
        event.action,
        event.agent,
        event.pipeline,
        event.subject,
        detail,
        &hash[..],
    ])?;
    span.set("agov.ledger.seq", seq as i64);
    tracing::info!(
        seq,
        tenant = %event.tenant,
        actor = %event.actor,
        action = %event.action,
        agent = event.agent.as_deref(),
        pipeline = event.pipeline.as_deref(),
        subject = event.subject.as_deref(),
        "ledger event"
    );
    Ok(Event {
        seq,
        ts: agov_core::time::format_us(ts_us),
        ts_us,
        tenant: event.tenant.clone(),
        actor: event.actor.clone(),
        action: event.action.clone(),
        agent: event.agent.clone(),
        pipeline: event.pipeline.clone(),
        subject: event.subject.clone(),
        detail: traced.unwrap_or_else(|| event.detail.clone()),
        hash: hex::encode(hash),
    })
}

fn build_query(q: &Query) -> (String, Vec<Value>) {
    let mut clauses = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    let mut push = |clause: &str, v: Value| {
        params.push(v);
        clauses.push(clause.replace('?', &format!("?{}", params.len())));
    };
    if let Some(t) = &q.tenant {
        push("tenant = ?", Value::Text(t.clone()));
    }
    if let Some(a) = &q.agent {
        push("agent = ?", Value::Text(a.clone()));
    }
    if let Some(action) = &q.action {
        match action.strip_suffix('*') {
            Some(prefix) => push(
                "action GLOB ?",
                Value::Text(format!("{}*", glob_escape(prefix))),
            ),
            None => push("action = ?", Value::Text(action.clone())),
        }
    }
    if let Some(subject) = &q.subject {
        push("subject = ?", Value::Text(subject.clone()));
    }
    if let Some(p) = &q.pipeline {
        push("pipeline = ?", Value::Text(p.clone()));
    }
    if let Some(s) = q.since_us {
        push("ts_us >= ?", Value::Integer(s));
    }
    if let Some(u) = q.until_us {
        push("ts_us < ?", Value::Integer(u));
    }
    if let Some(after) = q.after_seq {
        push("seq > ?", Value::Integer(after as i64));
    }
    let mut sql = format!("SELECT {COLUMNS} FROM events");
    if !clauses.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&clauses.join(" AND "));
    }
    sql.push_str(if q.newest_first {
        " ORDER BY seq DESC"
    } else {
        " ORDER BY seq"
    });
    if let Some(limit) = q.limit {
        sql.push_str(&format!(" LIMIT {limit}"));
    }
    (sql, params)
}

/// Escapes GLOB's special characters so a user's prefix matches literally.
fn glob_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '*' | '?' | '[' => {
                out.push('[');
                out.push(c);
                out.push(']');
            }
            _ => out.push(c),
        }
    }
    out
}

fn read_event(row: &Row<'_>) -> rusqlite::Result<Event> {
    let ts_us: i64 = row.get(1)?;
    let detail: String = row.get(8)?;
    let hash: Vec<u8> = row.get(9)?;
    Ok(Event {
        seq: row.get::<_, i64>(0)? as u64,
        ts: agov_core::time::format_us(ts_us),
        ts_us,
        tenant: row.get(2)?,
        actor: row.get(3)?,
        action: row.get(4)?,
        agent: row.get(5)?,
        pipeline: row.get(6)?,
        subject: row.get(7)?,
        detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::String(detail)),
        hash: hex::encode(hash),
    })
}
