//! Reading and changing bugs, each change with its ledger event.

use std::collections::BTreeMap;

use agov_ledger::{Event, Ledger, NewEvent, Query, append_in};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::json;

use crate::error::BugError;
use crate::model::{Bug, BugId, Severity, Status};

/// Longest title, in bytes.
const MAX_TITLE: usize = 1000;
/// Longest description, in bytes.
const MAX_DESCRIPTION: usize = 1 << 20;

/// A bug to log.
#[derive(Clone, Debug)]
pub struct NewBug {
    /// One line.
    pub title: String,
    /// Longer text.
    pub description: String,
    /// Severity.
    pub severity: Severity,
    /// Component.
    pub component: Option<String>,
    /// Directory.
    pub dir: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Set by anomaly scans: a bug with the same fingerprint is logged once.
    pub fingerprint: Option<String>,
}

impl NewBug {
    /// A medium-severity bug with only a title.
    pub fn new(title: impl Into<String>) -> NewBug {
        NewBug {
            title: title.into(),
            description: String::new(),
            severity: Severity::Medium,
            component: None,
            dir: None,
            tags: Vec::new(),
            fingerprint: None,
        }
    }
}

/// Changes to a bug; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct Changes {
    /// New status.
    pub status: Option<Status>,
    /// New severity.
    pub severity: Option<Severity>,
    /// New assignee (`Some(None)` clears it).
    pub assignee: Option<Option<String>>,
    /// A note recorded in the ledger event.
    pub note: Option<String>,
}

/// How to order a list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// Most severe first, then newest.
    #[default]
    Severity,
    /// Newest first.
    Created,
    /// Most recently changed first.
    Updated,
}

/// Which bugs to list.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    /// Only these statuses (empty: all).
    pub statuses: Vec<Status>,
    /// Only these severities (empty: all).
    pub severities: Vec<Severity>,
    /// Only this component.
    pub component: Option<String>,
    /// Only bugs created at or after this time (µs).
    pub since_us: Option<i64>,
    /// At most this many.
    pub limit: Option<u64>,
    /// Order.
    pub sort: Sort,
}

/// A search result.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Hit {
    /// The bug.
    pub bug: Bug,
    /// BM25 relevance; lower is better.
    pub rank: f64,
    /// The matching text with the matches in [brackets].
    pub snippet: String,
}

/// Bug counts by status and severity.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq, JsonSchema)]
#[schemars(
    title = "Bug counts",
    description = "`bugs status --json`: counts by status, then severity (zeros included)."
)]
pub struct Counts {
    /// Every bug of the tenant.
    pub total: u64,
    /// status → severity → count (every status and severity present, zeros included).
    pub by_status: BTreeMap<String, BTreeMap<String, u64>>,
}

/// The bug log of one tenant, acting as one actor.
pub struct Bugs<'a> {
    ledger: &'a mut Ledger,
    tenant: String,
    actor: String,
}

const COLUMNS: &str = "bugs.num, bugs.tenant, bugs.title, bugs.description, bugs.severity, bugs.status,
     bugs.component, bugs.dir, bugs.assignee, bugs.reporter, bugs.created_us, bugs.updated_us,
     bugs.status_changed_us, (SELECT group_concat(tag, char(31)) FROM bug_tags t WHERE t.num = bugs.num)";

fn read_bug(r: &Row<'_>) -> rusqlite::Result<(String, Bug)> {
    let parse_err = |i: usize, e: String| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into())
    };
    let severity: String = r.get(4)?;
    let status: String = r.get(5)?;
    let created_us: i64 = r.get(10)?;
    let updated_us: i64 = r.get(11)?;
    let status_changed_us: i64 = r.get(12)?;
    let mut tags: Vec<String> = r
        .get::<_, Option<String>>(13)?
        .map(|t| t.split('\u{1f}').map(str::to_string).collect())
        .unwrap_or_default();
    tags.sort();
    let bug = Bug {
        id: BugId(r.get(0)?).to_string(),
        title: r.get(2)?,
        description: r.get(3)?,
        severity: severity.parse().map_err(|e| parse_err(4, e))?,
        status: status.parse().map_err(|e| parse_err(5, e))?,
        component: r.get(6)?,
        dir: r.get(7)?,
        tags,
        assignee: r.get(8)?,
        reporter: r.get(9)?,
        created: agov_core::time::format_us(created_us),
        updated: agov_core::time::format_us(updated_us),
        status_changed: agov_core::time::format_us(status_changed_us),
        status_changed_us,
        created_us,
    };
    Ok((r.get(1)?, bug))
}

fn load(conn: &Connection, id: BugId) -> rusqlite::Result<Option<(String, Bug)>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM bugs WHERE num = ?1"))?
        .query_row([id.0], read_bug)
        .optional()
}

fn check_text(what: &str, s: &str, max: usize) -> Result<(), BugError> {
    if s.len() > max {
        return Err(BugError::BadInput(format!(
            "the {what} is longer than {max} bytes"
        )));
    }
    Ok(())
}

impl<'a> Bugs<'a> {
    /// The bug log of `tenant`, recording changes as made by `actor`.
    pub fn new(
        ledger: &'a mut Ledger,
        tenant: impl Into<String>,
        actor: impl Into<String>,
    ) -> Bugs<'a> {
        Bugs {
            ledger,
            tenant: tenant.into(),
            actor: actor.into(),
        }
    }

    fn db_err(&self, e: rusqlite::Error) -> BugError {
        BugError::db(self.ledger.path(), e)
    }

    fn event(&self, action: &str, id: BugId) -> NewEvent {
        NewEvent::new(&self.tenant, &self.actor, action).subject(id.to_string())
    }

    /// A bug of this tenant, from inside a transaction or not.
    fn own(&self, conn: &Connection, id: BugId) -> Result<Bug, BugError> {
        match load(conn, id).map_err(|e| self.db_err(e))? {
            None => Err(BugError::NotFound(id.to_string())),
            Some((tenant, _)) if tenant != self.tenant => {
                Err(BugError::OtherTenant(id.to_string()))
            }
            Some((_, bug)) => Ok(bug),
        }
    }

    /// Logs a bug; with a fingerprint already logged, returns that bug and `false`.
    pub fn log(&mut self, new: &NewBug) -> Result<(Bug, bool), BugError> {
        let title = new.title.trim();
        if title.is_empty() {
            return Err(BugError::BadInput("a bug needs a title".into()));
        }
        check_text("title", title, MAX_TITLE)?;
        check_text("description", &new.description, MAX_DESCRIPTION)?;
        let tags = agov_core::tags::normalize(&new.tags).map_err(BugError::BadInput)?;
        let path = self.ledger.path().to_path_buf();
        let tenant = self.tenant.clone();
        let mut event_base = NewEvent::new(&self.tenant, &self.actor, "bug.log");
        let actor = self.actor.clone();
        let conn = self.ledger.connection();
        let run = || -> rusqlite::Result<Result<(i64, bool), BugError>> {
            let tx = agov_sqlite::write_tx(conn)?;
            if let Some(fp) = &new.fingerprint {
                let existing: Option<i64> = tx
                    .prepare_cached("SELECT num FROM bugs WHERE tenant = ?1 AND fingerprint = ?2")?
                    .query_row(params![tenant, fp], |r| r.get(0))
                    .optional()?;
                if let Some(num) = existing {
                    return Ok(Ok((num, false)));
                }
            }
            let now = agov_core::time::now_us();
            tx.prepare_cached(
                "INSERT INTO bugs (tenant, title, description, severity, severity_rank, status, component, dir, reporter,
                                   fingerprint, created_us, updated_us, status_changed_us)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6, ?7, ?8, ?9, ?10, ?10, ?10)",
            )?
            .execute(params![
                tenant,
                title,
                new.description,
                new.severity.as_str(),
                new.severity.rank(),
                new.component,
                new.dir,
                actor,
                new.fingerprint,
                now
            ])?;
            let num = tx.last_insert_rowid();
            for tag in &tags {
                tx.prepare_cached("INSERT INTO bug_tags (num, tag) VALUES (?1, ?2)")?
                    .execute(params![num, tag])?;
            }
            event_base.subject = Some(BugId(num).to_string());
            let event = event_base
                .with("title", title)
                .with("severity", new.severity.as_str())
                .with("component", new.component.clone())
                .with("tags", tags.clone())
                .with("description_bytes", new.description.len());
            append_in(&tx, &event)?;
            tx.commit()?;
            Ok(Ok((num, true)))
        };
        let (num, created) = run().map_err(|e| BugError::db(&path, e))??;
        let bug = self.get(BugId(num))?;
        Ok((bug, created))
    }

    /// One bug of this tenant.
    pub fn get(&self, id: BugId) -> Result<Bug, BugError> {
        self.own(self.ledger.conn(), id)
    }

    /// Changes a bug's status, severity or assignee. An illegal status move
    /// is refused and names the legal ones.
    pub fn update(&mut self, id: BugId, ch: &Changes) -> Result<Bug, BugError> {
        if ch.status.is_none()
            && ch.severity.is_none()
            && ch.assignee.is_none()
            && ch.note.is_none()
        {
            return Err(BugError::BadInput(
                "nothing to change: give a status, --severity, --assignee or --note".into(),
            ));
        }
        if let Some(note) = &ch.note {
            check_text("note", note, MAX_TITLE * 10)?;
        }
        self.change(id, "bug.update", |bug| {
            let mut detail = json!({});
            if let Some(to) = ch.status
                && to != bug.status
            {
                if !bug.status.next().contains(&to) {
                    return Err(BugError::IllegalTransition {
                        id: bug.id.clone(),
                        from: bug.status,
                        to,
                    });
                }
                detail["from"] = json!(bug.status);
                detail["to"] = json!(to);
                if bug.status == Status::InProgress && to == Status::Open && ch.assignee.is_none() {
                    bug.assignee = None;
                }
                bug.status = to;
            }
            if let Some(sev) = ch.severity {
                detail["severity"] = json!(sev);
                bug.severity = sev;
            }
            if let Some(a) = &ch.assignee {
                detail["assignee"] = json!(a);
                bug.assignee.clone_from(a);
            }
            if let Some(note) = &ch.note {
                detail["note"] = json!(note);
            }
            Ok(detail)
        })
    }

    /// Takes a bug for `agent`: exactly one of many racing claimers wins; the
    /// others get [`BugError::Claimed`] naming the holder. Claiming again by
    /// the holder is a no-op.
    pub fn claim(&mut self, id: BugId, agent: &str) -> Result<Bug, BugError> {
        if agent.trim().is_empty() {
            return Err(BugError::BadInput("--agent needs a name".into()));
        }
        self.change(id, "bug.claim", |bug| {
            if !bug.status.is_active() {
                return Err(BugError::NotClaimable {
                    id: bug.id.clone(),
                    status: bug.status,
                });
            }
            match &bug.assignee {
                Some(holder) if holder != agent => {
                    return Err(BugError::Claimed {
                        id: bug.id.clone(),
                        holder: holder.clone(),
                    });
                }
                _ => {}
            }
            let detail = json!({ "agent": agent, "from": bug.status });
            bug.assignee = Some(agent.to_string());
            bug.status = Status::InProgress;
            Ok(detail)
        })
    }

    /// Loads a bug in a write transaction, lets `edit` change it (returning the
    /// event's detail), writes it back with its ledger event, and commits.
    fn change(
        &mut self,
        id: BugId,
        action: &str,
        edit: impl FnOnce(&mut Bug) -> Result<serde_json::Value, BugError>,
    ) -> Result<Bug, BugError> {
        let path = self.ledger.path().to_path_buf();
        let mut event = self.event(action, id);
        let tenant = self.tenant.clone();
        let conn = self.ledger.connection();
        let tx = agov_sqlite::write_tx(conn).map_err(|e| BugError::db(&path, e))?;
        let mut bug = match load(&tx, id).map_err(|e| BugError::db(&path, e))? {
            None => return Err(BugError::NotFound(id.to_string())),
            Some((t, _)) if t != tenant => return Err(BugError::OtherTenant(id.to_string())),
            Some((_, b)) => b,
        };
        let before_status = bug.status;
        let detail = edit(&mut bug)?;
        let now = agov_core::time::now_us();
        let status_changed = if bug.status == before_status {
            bug.status_changed_us
        } else {
            now
        };
        let write = || -> rusqlite::Result<()> {
            tx.prepare_cached(
                "UPDATE bugs SET status = ?2, severity = ?3, severity_rank = ?4, assignee = ?5, updated_us = ?6,
                                 status_changed_us = ?7 WHERE num = ?1",
            )?
            .execute(params![
                id.0,
                bug.status.as_str(),
                bug.severity.as_str(),
                bug.severity.rank(),
                bug.assignee,
                now,
                status_changed
            ])?;
            event.detail = detail;
            append_in(&tx, &event)?;
            Ok(())
        };
        write().map_err(|e| BugError::db(&path, e))?;
        tx.commit().map_err(|e| BugError::db(&path, e))?;
        self.get(id)
    }

    /// Bugs matching `q`.
    pub fn list(&self, q: &ListQuery) -> Result<Vec<Bug>, BugError> {
        let mut sql = format!("SELECT {COLUMNS} FROM bugs WHERE tenant = ?1");
        let mut params: Vec<Value> = vec![Value::Text(self.tenant.clone())];
        let mut any_of = |column: &str, values: Vec<&str>, sql: &mut String| {
            if values.is_empty() {
                return;
            }
            let marks: Vec<String> = values
                .into_iter()
                .map(|v| {
                    params.push(Value::Text(v.to_string()));
                    format!("?{}", params.len())
                })
                .collect();
            sql.push_str(&format!(" AND {column} IN ({})", marks.join(", ")));
        };
        any_of(
            "status",
            q.statuses.iter().map(|s| s.as_str()).collect(),
            &mut sql,
        );
        any_of(
            "severity",
            q.severities.iter().map(|s| s.as_str()).collect(),
            &mut sql,
        );
        if let Some(c) = &q.component {
            params.push(Value::Text(c.clone()));
            sql.push_str(&format!(" AND component = ?{}", params.len()));
        }
        if let Some(since) = q.since_us {
            params.push(Value::Integer(since));
            sql.push_str(&format!(" AND created_us >= ?{}", params.len()));
        }
        sql.push_str(match q.sort {
            Sort::Severity => " ORDER BY severity_rank DESC, created_us DESC, num DESC",
            Sort::Created => " ORDER BY created_us DESC, num DESC",
            Sort::Updated => " ORDER BY updated_us DESC, num DESC",
        });
        if let Some(limit) = q.limit {
            sql.push_str(&format!(" LIMIT {limit}"));
        }
        let run = || -> rusqlite::Result<Vec<Bug>> {
            let mut stmt = self.ledger.conn().prepare_cached(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(params.iter()), read_bug)?;
            rows.map(|r| r.map(|(_, b)| b)).collect()
        };
        run().map_err(|e| self.db_err(e))
    }

    /// Full-text search over titles and descriptions, best match first.
    /// Only the best `limit` matches are read back in full.
    pub fn search(&self, query: &str, limit: u64) -> Result<Vec<Hit>, BugError> {
        let Some(fts) = agov_sqlite::fts::match_expression(query) else {
            return Err(BugError::BadInput("the search query is empty".into()));
        };
        let sql = format!(
            "SELECT {COLUMNS}, top.rank FROM (
                 SELECT bugs_fts.rowid AS num, bugs_fts.rank AS rank
                 FROM bugs_fts JOIN bugs b ON b.num = bugs_fts.rowid
                 WHERE bugs_fts MATCH ?1 AND b.tenant = ?2
                 ORDER BY bugs_fts.rank LIMIT ?3) AS top
             JOIN bugs ON bugs.num = top.num
             ORDER BY top.rank"
        );
        let terms = agov_sqlite::fts::Terms::new(query);
        let run = || -> rusqlite::Result<Vec<Hit>> {
            let mut stmt = self.ledger.conn().prepare_cached(&sql)?;
            let rows = stmt.query_map(params![fts, self.tenant, limit as i64], |r| {
                let (_, bug) = read_bug(r)?;
                let snippet = terms
                    .snippet(&bug.title)
                    .or_else(|| terms.snippet(&bug.description))
                    .unwrap_or_else(|| bug.title.clone());
                Ok(Hit {
                    bug,
                    rank: r.get(14)?,
                    snippet,
                })
            })?;
            rows.collect()
        };
        run().map_err(|e| self.db_err(e))
    }

    /// A bug's ledger events, oldest first.
    pub fn history(&self, id: BugId) -> Result<Vec<Event>, BugError> {
        self.get(id)?;
        let q = Query {
            tenant: Some(self.tenant.clone()),
            subject: Some(id.to_string()),
            action: Some("bug.*".into()),
            ..Query::default()
        };
        Ok(self.ledger.query(&q)?)
    }

    /// Counts by status and severity.
    pub fn counts(&self) -> Result<Counts, BugError> {
        let mut counts = Counts::default();
        for s in Status::ALL {
            let row = counts.by_status.entry(s.as_str().to_string()).or_default();
            for v in Severity::ALL {
                row.insert(v.as_str().to_string(), 0);
            }
        }
        let run = || -> rusqlite::Result<Vec<(String, String, u64)>> {
            let mut stmt = self
                .ledger
                .conn()
                .prepare_cached("SELECT status, severity, count(*) FROM bugs WHERE tenant = ?1 GROUP BY status, severity")?;
            let rows = stmt.query_map([&self.tenant], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? as u64))
            })?;
            rows.collect()
        };
        for (status, severity, n) in run().map_err(|e| self.db_err(e))? {
            *counts
                .by_status
                .entry(status)
                .or_default()
                .entry(severity)
                .or_default() += n;
            counts.total += n;
        }
        Ok(counts)
    }

    /// The tenant.
    pub fn tenant(&self) -> &str {
        &self.tenant
    }

    /// The ledger, for scans that read events.
    pub fn ledger(&self) -> &Ledger {
        self.ledger
    }
}
