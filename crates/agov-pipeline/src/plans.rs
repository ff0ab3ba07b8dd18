//! Stored plans: a tenant's plans kept as written in the governance
//! database, so that `pipeline spawn --plan pl3` runs one by id (or by its
//! name, the newest stored with it). Every add and remove is ledgered in the
//! same transaction; the same text added twice is one plan.

use agov_ledger::{Ledger, NewEvent, append_in};
use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use crate::error::PipelineError;
use crate::plan::Plan;

/// A stored plan.
#[derive(Clone, Debug, Serialize)]
pub struct StoredPlan {
    /// `pl<num>`.
    pub id: String,
    /// The plan's name.
    pub name: String,
    /// Its objective.
    pub objective: String,
    /// The file it was read from.
    pub source: String,
    /// SHA-256 of its text, hex.
    pub digest: String,
    /// Who added it.
    pub added_by: String,
    /// When (RFC 3339).
    pub added: String,
    /// The plan as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// Parses `pl<num>`.
pub fn parse_id(s: &str) -> Option<i64> {
    s.strip_prefix("pl")
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && n.len() <= 15)
        .and_then(|n| n.parse().ok())
}

fn read(r: &Row<'_>, with_text: bool) -> rusqlite::Result<StoredPlan> {
    let text: String = r.get(2)?;
    let objective = Plan::parse("plan", &text)
        .map(|p| p.objective)
        .unwrap_or_default();
    Ok(StoredPlan {
        id: format!("pl{}", r.get::<_, i64>(0)?),
        name: r.get(1)?,
        objective,
        source: r.get(3)?,
        digest: r.get(4)?,
        added_by: r.get(5)?,
        added: agov_core::time::format_us(r.get(6)?),
        text: with_text.then_some(text),
    })
}

const COLUMNS: &str = "num, name, text, source, digest, actor, created_us";

/// The stored plans of one tenant, acting as one actor.
pub struct Plans<'a> {
    ledger: &'a mut Ledger,
    tenant: String,
    actor: String,
}

impl<'a> Plans<'a> {
    /// The stored plans of `tenant`, changed as `actor`.
    pub fn new(
        ledger: &'a mut Ledger,
        tenant: impl Into<String>,
        actor: impl Into<String>,
    ) -> Plans<'a> {
        Plans {
            ledger,
            tenant: tenant.into(),
            actor: actor.into(),
        }
    }

    fn db_err(&self, e: rusqlite::Error) -> PipelineError {
        PipelineError::Ledger(agov_ledger::LedgerError::Db(agov_sqlite::DbError::sqlite(
            self.ledger.path(),
            e,
        )))
    }

    /// Stores `text` (already checked as `plan`) read from `source`; returns
    /// the stored plan and whether it is new.
    pub fn add(
        &mut self,
        plan: &Plan,
        text: &str,
        source: &str,
    ) -> Result<(StoredPlan, bool), PipelineError> {
        use sha2::{Digest, Sha256};
        let digest = hex::encode(Sha256::digest(text.as_bytes()));
        let (tenant, actor) = (self.tenant.clone(), self.actor.clone());
        let conn = self.ledger.connection();
        let mut run = || -> rusqlite::Result<(i64, bool)> {
            let tx = agov_sqlite::write_tx(conn)?;
            let existing: Option<i64> = tx
                .prepare_cached("SELECT num FROM plans WHERE tenant = ?1 AND digest = ?2")?
                .query_row(params![tenant, digest], |r| r.get(0))
                .optional()?;
            if let Some(num) = existing {
                return Ok((num, false));
            }
            tx.prepare_cached(
                "INSERT INTO plans (tenant, name, text, digest, source, actor, created_us)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                tenant,
                plan.name,
                text,
                digest,
                source,
                actor,
                agov_core::time::now_us()
            ])?;
            let num = tx.last_insert_rowid();
            append_in(
                &tx,
                &NewEvent::new(&tenant, &actor, "plan.add")
                    .subject(format!("pl{num}"))
                    .with("name", plan.name.clone())
                    .with("digest", digest.clone())
                    .with("source", source),
            )?;
            tx.commit()?;
            Ok((num, true))
        };
        let (num, created) = run().map_err(|e| self.db_err(e))?;
        Ok((self.get(&format!("pl{num}"))?, created))
    }

    /// The stored plans, oldest first.
    pub fn list(&self) -> Result<Vec<StoredPlan>, PipelineError> {
        let run = || -> rusqlite::Result<Vec<StoredPlan>> {
            let mut stmt = self.ledger.conn().prepare_cached(&format!(
                "SELECT {COLUMNS} FROM plans WHERE tenant = ?1 ORDER BY num"
            ))?;
            let rows = stmt.query_map([&self.tenant], |r| read(r, false))?;
            rows.collect()
        };
        run().map_err(|e| self.db_err(e))
    }

    /// The plan `key` names: `pl<num>`, or a plan name (the newest stored with it).
    pub fn get(&self, key: &str) -> Result<StoredPlan, PipelineError> {
        let sql = match parse_id(key) {
            Some(_) => format!("SELECT {COLUMNS} FROM plans WHERE tenant = ?1 AND num = ?2"),
            None => format!(
                "SELECT {COLUMNS} FROM plans WHERE tenant = ?1 AND name = ?2 ORDER BY num DESC LIMIT 1"
            ),
        };
        let arg: rusqlite::types::Value = match parse_id(key) {
            Some(n) => n.into(),
            None => key.to_string().into(),
        };
        self.ledger
            .conn()
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_row(params![self.tenant, arg], |r| read(r, true))
                    .optional()
            })
            .map_err(|e| self.db_err(e))?
            .ok_or_else(|| PipelineError::PlanNotFound(key.to_string()))
    }

    /// Removes the plan `key` names; returns it.
    pub fn remove(&mut self, key: &str) -> Result<StoredPlan, PipelineError> {
        let plan = self.get(key)?;
        let num = parse_id(&plan.id).unwrap_or_default();
        let (tenant, actor) = (self.tenant.clone(), self.actor.clone());
        let conn = self.ledger.connection();
        let mut run = || -> rusqlite::Result<()> {
            let tx = agov_sqlite::write_tx(conn)?;
            tx.prepare_cached("DELETE FROM plans WHERE tenant = ?1 AND num = ?2")?
                .execute(params![tenant, num])?;
            append_in(
                &tx,
                &NewEvent::new(&tenant, &actor, "plan.rm")
                    .subject(plan.id.clone())
                    .with("name", plan.name.clone())
                    .with("digest", plan.digest.clone()),
            )?;
            tx.commit()
        };
        run().map_err(|e| self.db_err(e))?;
        Ok(plan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str =
        "name: demo\nobjective: check\nagents:\n  alpha: {command: [a]}\n  beta: {command: [b]}\n";

    #[test]
    fn plans_are_stored_once_found_by_id_or_name_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = Ledger::open(&dir.path().join("agov.db"), true).unwrap();
        let mut plans = Plans::new(&mut l, "acme", "user:ana");
        let plan = Plan::parse("plan", TEXT).unwrap();
        let (first, new) = plans.add(&plan, TEXT, "demo.yaml").unwrap();
        assert!(new);
        assert_eq!(first.id, "pl1");
        let (again, new) = plans.add(&plan, TEXT, "demo.yaml").unwrap();
        assert!(!new);
        assert_eq!(again.id, "pl1");
        let changed = TEXT.replace("check", "check more");
        let (second, _) = plans
            .add(&Plan::parse("p", &changed).unwrap(), &changed, "d2.yaml")
            .unwrap();
        assert_eq!(plans.get("demo").unwrap().id, second.id);
        assert_eq!(plans.get("pl1").unwrap().text.as_deref(), Some(TEXT));
        assert_eq!(plans.list().unwrap().len(), 2);
        assert!(matches!(
            Plans::new(&mut l, "globex", "user:bo").get("pl1"),
            Err(PipelineError::PlanNotFound(_))
        ));
        assert!(
            Plans::new(&mut l, "globex", "user:bo")
                .remove("pl1")
                .is_err()
        );
        let mut plans = Plans::new(&mut l, "acme", "user:ana");
        plans.remove("pl1").unwrap();
        assert!(matches!(
            plans.get("pl1"),
            Err(PipelineError::PlanNotFound(_))
        ));
        assert_eq!(plans.list().unwrap().len(), 1);
    }

    #[test]
    fn ids_parse() {
        assert_eq!(parse_id("pl12"), Some(12));
        assert_eq!(parse_id("pl"), None);
        assert_eq!(parse_id("p-12"), None);
        assert_eq!(parse_id("pl1x"), None);
    }
}
