//! Storing, finding and pruning checkpoints.

use std::fmt;
use std::str::FromStr;

use agov_ledger::{Ledger, NewEvent, append_in};
use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;
use serde_json::json;

use crate::error::CheckpointError;
use crate::snapshot::Snapshot;

/// A checkpoint's id, shown as `c12`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CheckpointId(pub i64);

impl fmt::Display for CheckpointId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "c{}", self.0)
    }
}

impl FromStr for CheckpointId {
    type Err = String;
    fn from_str(s: &str) -> Result<CheckpointId, String> {
        let t = s.trim();
        let digits = t
            .strip_prefix(['c', 'C'])
            .map(|r| r.strip_prefix('-').unwrap_or(r))
            .unwrap_or(t);
        match digits.parse::<i64>() {
            Ok(n) if n > 0 => Ok(CheckpointId(n)),
            _ => Err(format!("`{s}` is not a checkpoint id (they look like c12)")),
        }
    }
}

/// A checkpoint without its snapshot, for listings.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct Summary {
    /// c<number>, e.g. c12.
    #[schemars(regex(pattern = "^c[0-9]+$"))]
    pub id: String,
    /// When, RFC 3339.
    #[schemars(extend("format" = "date-time"))]
    pub created: String,
    /// Who took it.
    pub actor: String,
    /// Their notes.
    pub notes: String,
    /// The ledger's head when it was taken (its own `checkpoint.create` event).
    pub head_seq: u64,
    /// Microseconds.
    #[serde(skip)]
    pub created_us: i64,
}

/// A whole checkpoint.
#[derive(Clone, Debug, Serialize, PartialEq, schemars::JsonSchema)]
#[schemars(
    title = "A checkpoint",
    description = "`checkpoint now|show --json`. `snapshot` alone is `checkpoint report --json`."
)]
pub struct Checkpoint {
    /// Id, time, author, notes, ledger head.
    #[serde(flatten)]
    pub summary: Summary,
    /// What was captured.
    pub snapshot: Snapshot,
}

/// The checkpoints of one tenant.
pub struct Checkpoints<'a> {
    ledger: &'a mut Ledger,
    tenant: String,
    actor: String,
}

fn read_summary(r: &Row<'_>) -> rusqlite::Result<Summary> {
    let created_us: i64 = r.get(1)?;
    Ok(Summary {
        id: CheckpointId(r.get(0)?).to_string(),
        created: agov_core::time::format_us(created_us),
        actor: r.get(2)?,
        notes: r.get(3)?,
        head_seq: r.get::<_, i64>(4)? as u64,
        created_us,
    })
}

const SUMMARY: &str = "num, created_us, actor, notes, head_seq";

impl<'a> Checkpoints<'a> {
    /// The checkpoints of `tenant`, created as `actor`.
    pub fn new(
        ledger: &'a mut Ledger,
        tenant: impl Into<String>,
        actor: impl Into<String>,
    ) -> Checkpoints<'a> {
        Checkpoints {
            ledger,
            tenant: tenant.into(),
            actor: actor.into(),
        }
    }

    fn db(&self, e: rusqlite::Error) -> CheckpointError {
        CheckpointError::db(self.ledger.path(), e)
    }

    /// Stores a snapshot; its `checkpoint.create` ledger event commits with it.
    pub fn create(
        &mut self,
        notes: &str,
        snapshot: &Snapshot,
    ) -> Result<Checkpoint, CheckpointError> {
        if notes.len() > 64 * 1024 {
            return Err(CheckpointError::BadInput(
                "the notes are longer than 64 KiB".into(),
            ));
        }
        let json = serde_json::to_string(snapshot)
            .map_err(|e| CheckpointError::BadInput(e.to_string()))?;
        let path = self.ledger.path().to_path_buf();
        let (tenant, actor) = (self.tenant.clone(), self.actor.clone());
        let conn = self.ledger.connection();
        let mut run = || -> rusqlite::Result<i64> {
            let tx = agov_sqlite::write_tx(conn)?;
            let head: i64 =
                tx.query_row("SELECT coalesce(max(seq), 0) FROM events", [], |r| r.get(0))?;
            let now = agov_core::time::now_us();
            tx.prepare_cached(
                "INSERT INTO checkpoints (tenant, created_us, actor, notes, head_seq, snapshot) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![tenant, now, actor, notes, head + 1, json])?;
            let num = tx.last_insert_rowid();
            let event = NewEvent::new(&tenant, &actor, "checkpoint.create")
                .subject(CheckpointId(num).to_string())
                .with("notes", notes)
                .with("bugs_active", snapshot.bugs.active);
            let appended = append_in(&tx, &event)?;
            debug_assert_eq!(appended.seq as i64, head + 1);
            tx.commit()?;
            Ok(num)
        };
        let num = run().map_err(|e| CheckpointError::db(&path, e))?;
        self.get(CheckpointId(num))
    }

    /// One checkpoint of this tenant.
    pub fn get(&self, id: CheckpointId) -> Result<Checkpoint, CheckpointError> {
        let row = self
            .ledger
            .conn()
            .prepare_cached(&format!(
                "SELECT {SUMMARY}, snapshot, tenant FROM checkpoints WHERE num = ?1"
            ))
            .and_then(|mut s| {
                s.query_row(params![id.0], |r| {
                    Ok((
                        read_summary(r)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                    ))
                })
                .optional()
            })
            .map_err(|e| self.db(e))?;
        let (summary, json, tenant) =
            row.ok_or_else(|| CheckpointError::NotFound(id.to_string()))?;
        if tenant != self.tenant {
            return Err(CheckpointError::OtherTenant(id.to_string()));
        }
        let snapshot = serde_json::from_str(&json).map_err(|e| {
            CheckpointError::BadInput(format!("checkpoint {id} holds an unreadable snapshot: {e}"))
        })?;
        Ok(Checkpoint { summary, snapshot })
    }

    /// The newest checkpoint, if any.
    pub fn latest(&self) -> Result<Option<Checkpoint>, CheckpointError> {
        let num: Option<i64> = self
            .ledger
            .conn()
            .prepare_cached("SELECT num FROM checkpoints WHERE tenant = ?1 ORDER BY created_us DESC, num DESC LIMIT 1")
            .and_then(|mut s| s.query_row([&self.tenant], |r| r.get(0)).optional())
            .map_err(|e| self.db(e))?;
        num.map(|n| self.get(CheckpointId(n))).transpose()
    }

    /// Checkpoints taken since `since_us` (all when `None`), newest first.
    pub fn list(&self, since_us: Option<i64>, limit: u64) -> Result<Vec<Summary>, CheckpointError> {
        let run = || -> rusqlite::Result<Vec<Summary>> {
            let mut stmt = self.ledger.conn().prepare_cached(&format!(
                "SELECT {SUMMARY} FROM checkpoints WHERE tenant = ?1 AND created_us >= ?2 ORDER BY created_us DESC, num DESC LIMIT ?3"
            ))?;
            let rows = stmt.query_map(
                params![self.tenant, since_us.unwrap_or(0), limit as i64],
                read_summary,
            )?;
            rows.collect()
        };
        run().map_err(|e| self.db(e))
    }

    /// Deletes checkpoints beyond the newest `keep` and/or older than
    /// `older_than_us`; records a `checkpoint.prune` event; returns how many went.
    pub fn prune(
        &mut self,
        keep: Option<u64>,
        older_than_us: Option<i64>,
    ) -> Result<u64, CheckpointError> {
        if keep.is_none() && older_than_us.is_none() {
            return Err(CheckpointError::BadInput(
                "say what to prune: --keep N or --older-than DURATION".into(),
            ));
        }
        let path = self.ledger.path().to_path_buf();
        let (tenant, actor) = (self.tenant.clone(), self.actor.clone());
        let conn = self.ledger.connection();
        let mut run = || -> rusqlite::Result<u64> {
            let tx = agov_sqlite::write_tx(conn)?;
            let mut deleted = 0;
            if let Some(k) = keep {
                deleted += tx.execute(
                    "DELETE FROM checkpoints WHERE tenant = ?1 AND num NOT IN
                       (SELECT num FROM checkpoints WHERE tenant = ?1 ORDER BY created_us DESC, num DESC LIMIT ?2)",
                    params![tenant, k as i64],
                )? as u64;
            }
            if let Some(t) = older_than_us {
                deleted += tx.execute(
                    "DELETE FROM checkpoints WHERE tenant = ?1 AND created_us < ?2",
                    params![tenant, t],
                )? as u64;
            }
            if deleted > 0 {
                let event = NewEvent::new(&tenant, &actor, "checkpoint.prune").with("deleted", deleted).with("detail", json!({
                    "keep": keep, "older_than": older_than_us.map(agov_core::time::format_us)
                }));
                append_in(&tx, &event)?;
            }
            tx.commit()?;
            Ok(deleted)
        };
        run().map_err(|e| CheckpointError::db(&path, e))
    }

    /// The ledger, for summarising what happened since a checkpoint.
    pub fn ledger(&self) -> &Ledger {
        self.ledger
    }

    /// The tenant.
    pub fn tenant(&self) -> &str {
        &self.tenant
    }
}
