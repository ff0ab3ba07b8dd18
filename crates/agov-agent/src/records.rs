//! Durable trust state in the governance database: agent metrics,
//! violations and handoffs, each change committed with its ledger event.

use agov_core::Tier;
use agov_governance::Handoff;
use agov_governance::rules::Promotion;
use agov_ledger::{Ledger, NewEvent, append_in};
use rusqlite::{OptionalExtension, Row, Transaction, params};
use serde::Serialize;
use serde_json::json;

use crate::error::AgentError;

/// An agent's trust state. JSON shape: `schema/json/agent.schema.json`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[schemars(
    title = "An agent's trust state",
    description = "`pipeline agents promote|demote --json`, each element of `pipeline agents list --json`, and `agent` in `pipeline agents show --json`."
)]
pub struct Metrics {
    /// The agent.
    pub agent_id: String,
    /// The tier it has earned, 0-4.
    pub tier: Tier,
    /// Runs finished (completed, revoked or failed).
    pub runs: u64,
    /// Runs completed without a violation.
    pub compliant_runs: u64,
    /// Consecutive compliant runs at this tier.
    pub streak: u64,
    /// Runs needed for the next tier (policies/tiers.toml); null at tier 4.
    pub streak_needed: Option<u64>,
    /// The streak is reached and the next tier (3 or 4) needs `--approve`.
    pub awaiting_approval: bool,
    /// Times revoked.
    pub revocations: u64,
    /// Errors over all runs.
    pub errors: u64,
    /// completed, revoked or failed.
    #[schemars(extend("enum" = ["completed", "revoked", "failed", null]))]
    pub last_outcome: Option<String>,
    /// When it last ran, RFC 3339.
    #[schemars(extend("format" = "date-time"))]
    pub last_run: Option<String>,
}

/// How a run ended, for the metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunEnd {
    /// Completed with no violation.
    Compliant,
    /// Completed, but with violations the budget allowed.
    Completed,
    /// Stopped without a revocation (the process failed).
    Failed,
}

const COLUMNS: &str = "agent, tier, runs, compliant_runs, consecutive_compliant, revocations, errors, last_outcome, last_run_us";

fn read(r: &Row<'_>, promotion: &Promotion) -> rusqlite::Result<Metrics> {
    let tier_n: i64 = r.get(1)?;
    let tier = Tier::from_number(tier_n as u8).unwrap_or(Tier::Observer);
    let streak = r.get::<_, i64>(4)? as u64;
    let needed = promotion.runs_to_leave(tier).map(u64::from);
    Ok(Metrics {
        agent_id: r.get(0)?,
        tier,
        runs: r.get::<_, i64>(2)? as u64,
        compliant_runs: r.get::<_, i64>(3)? as u64,
        streak,
        streak_needed: needed,
        awaiting_approval: needed.is_some_and(|n| streak >= n) && tier >= Tier::Builder,
        revocations: r.get::<_, i64>(5)? as u64,
        errors: r.get::<_, i64>(6)? as u64,
        last_outcome: r.get(7)?,
        last_run: r.get::<_, Option<i64>>(8)?.map(agov_core::time::format_us),
    })
}

fn load(
    tx: &rusqlite::Connection,
    tenant: &str,
    agent: &str,
    promotion: &Promotion,
) -> rusqlite::Result<Option<Metrics>> {
    tx.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM agent_metrics WHERE tenant = ?1 AND agent = ?2"
    ))?
    .query_row(params![tenant, agent], |r| read(r, promotion))
    .optional()
}

/// An agent's trust state, if it has ever run.
pub fn metrics(
    ledger: &Ledger,
    tenant: &str,
    agent: &str,
    promotion: &Promotion,
) -> Result<Option<Metrics>, AgentError> {
    load(ledger.conn(), tenant, agent, promotion).map_err(|e| AgentError::db(ledger.path(), e))
}

/// Every agent of the tenant, by id.
pub fn list(
    ledger: &Ledger,
    tenant: &str,
    promotion: &Promotion,
) -> Result<Vec<Metrics>, AgentError> {
    let run = || -> rusqlite::Result<Vec<Metrics>> {
        let mut stmt = ledger.conn().prepare_cached(&format!(
            "SELECT {COLUMNS} FROM agent_metrics WHERE tenant = ?1 ORDER BY agent"
        ))?;
        let rows = stmt.query_map([tenant], |r| read(r, promotion))?;
        rows.collect()
    };
    run().map_err(|e| AgentError::db(ledger.path(), e))
}

fn ensure(tx: &Transaction<'_>, tenant: &str, agent: &str, now: i64) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO agent_metrics (tenant, agent, tier, updated_us) VALUES (?1, ?2, 0, ?3)
         ON CONFLICT (tenant, agent) DO NOTHING",
    )?
    .execute(params![tenant, agent, now])?;
    Ok(())
}

/// Moves an agent to `to`: the tier, its ledger event and its `promotions` row.
fn change_tier(
    tx: &Transaction<'_>,
    w: &Writer<'_>,
    agent: &str,
    (from, to): (Tier, Tier),
    reason: &str,
    approved_by: Option<&str>,
) -> rusqlite::Result<()> {
    let now = agov_core::time::now_us();
    set_tier(tx, w.tenant, agent, to, now)?;
    let action = if to > from {
        "agent.promote"
    } else {
        "agent.demote"
    };
    let e = append_in(
        tx,
        &w.event(action, agent)
            .with("from", from.number())
            .with("to", to.number())
            .with("reason", reason)
            .with("approved_by", approved_by.unwrap_or_default()),
    )?;
    tx.prepare_cached(
        "INSERT INTO promotions (event_seq, tenant, agent, from_tier, to_tier, reason, approved_by, ts_us)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        e.seq as i64,
        w.tenant,
        agent,
        i64::from(from.number()),
        i64::from(to.number()),
        reason,
        approved_by,
        now
    ])?;
    Ok(())
}

fn set_tier(
    tx: &Transaction<'_>,
    tenant: &str,
    agent: &str,
    tier: Tier,
    now: i64,
) -> rusqlite::Result<()> {
    tx.prepare_cached("UPDATE agent_metrics SET tier = ?3, consecutive_compliant = 0, updated_us = ?4 WHERE tenant = ?1 AND agent = ?2")?
        .execute(params![tenant, agent, i64::from(tier.number()), now])?;
    Ok(())
}

/// Who is writing, for events.
#[derive(Clone, Debug)]
pub struct Writer<'a> {
    /// Tenant.
    pub tenant: &'a str,
    /// Actor recorded in events.
    pub actor: &'a str,
    /// Promotion thresholds.
    pub promotion: &'a Promotion,
}

impl Writer<'_> {
    fn event(&self, action: &str, agent: &str) -> NewEvent {
        let mut e = NewEvent::new(self.tenant, self.actor, action);
        e.agent = Some(agent.to_string());
        e
    }

    fn tx<T>(
        &self,
        ledger: &mut Ledger,
        f: impl FnOnce(&Transaction<'_>) -> rusqlite::Result<Result<T, AgentError>>,
    ) -> Result<T, AgentError> {
        let path = ledger.path().to_path_buf();
        let conn = ledger.connection();
        let run = || -> rusqlite::Result<Result<T, AgentError>> {
            let tx = agov_sqlite::write_tx(conn)?;
            let out = f(&tx)?;
            if out.is_ok() {
                tx.commit()?;
            }
            Ok(out)
        };
        run().map_err(|e| AgentError::db(&path, e))?
    }

    /// The agent's earned tier, creating its record at T0 on first sight.
    pub fn earned_tier(&self, ledger: &mut Ledger, agent: &str) -> Result<Tier, AgentError> {
        if let Some(m) = metrics(ledger, self.tenant, agent, self.promotion)? {
            return Ok(m.tier);
        }
        self.tx(ledger, |tx| {
            ensure(tx, self.tenant, agent, agov_core::time::now_us())?;
            Ok(Ok(Tier::Observer))
        })
    }

    /// Records a finished run; a compliant streak that reaches the threshold
    /// promotes the agent to T1 or T2 at once (higher tiers wait for
    /// `--approve`). Returns the new metrics and the tier it was promoted to.
    pub fn record_run(
        &self,
        ledger: &mut Ledger,
        agent: &str,
        run_id: &str,
        end: RunEnd,
        errors: u32,
        handoff: Option<(&str, &Handoff)>,
    ) -> Result<(Metrics, Option<Tier>), AgentError> {
        self.tx(ledger, |tx| {
            let now = agov_core::time::now_us();
            ensure(tx, self.tenant, agent, now)?;
            let (compliant, outcome) = match end {
                RunEnd::Compliant => (true, "completed"),
                RunEnd::Completed => (false, "completed"),
                RunEnd::Failed => (false, "failed"),
            };
            tx.prepare_cached(
                "UPDATE agent_metrics SET runs = runs + 1, compliant_runs = compliant_runs + ?3,
                     consecutive_compliant = CASE WHEN ?3 = 1 THEN consecutive_compliant + 1 ELSE 0 END, errors = errors + ?4,
                     last_outcome = ?5, last_run_us = ?6, updated_us = ?6
                 WHERE tenant = ?1 AND agent = ?2",
            )?
            .execute(params![
                self.tenant,
                agent,
                i64::from(compliant),
                i64::from(errors),
                outcome,
                now
            ])?;
            let m = load(tx, self.tenant, agent, self.promotion)?
                .ok_or(rusqlite::Error::QueryReturnedNoRows)?;
            let e = append_in(
                tx,
                &self
                    .event("agent.run", agent)
                    .subject(run_id)
                    .with("outcome", outcome)
                    .with("compliant", compliant)
                    .with("errors", errors)
                    .with("streak", m.streak),
            )?;
            if let Some((task, h)) = handoff {
                insert_handoff(tx, e.seq, self.tenant, task, agent, h, now)?;
            }
            let promote_to = match (m.streak_needed, Tier::from_number(m.tier.number() + 1)) {
                (Some(n), Some(next)) if m.streak >= n && next <= Tier::Builder => Some(next),
                _ => None,
            };
            if let Some(next) = promote_to {
                let reason = format!("{} consecutive compliant runs", m.streak);
                change_tier(tx, self, agent, (m.tier, next), &reason, None)?;
            }
            let m = load(tx, self.tenant, agent, self.promotion)?
                .ok_or(rusqlite::Error::QueryReturnedNoRows)?;
            Ok(Ok((m, promote_to)))
        })
    }

    /// Records a violation that did not (by itself) revoke the agent.
    pub fn record_violation(
        &self,
        ledger: &mut Ledger,
        v: &ViolationRecord<'_>,
    ) -> Result<(), AgentError> {
        self.tx(ledger, |tx| {
            insert_violation(tx, self, v)?;
            Ok(Ok(()))
        })
    }

    /// Records a revocation: the violation, the handoff, the demotion, and
    /// their ledger events, in one transaction.
    pub fn record_revocation(
        &self,
        ledger: &mut Ledger,
        v: &ViolationRecord<'_>,
        handoff: &Handoff,
        errors: u32,
    ) -> Result<Metrics, AgentError> {
        self.tx(ledger, |tx| {
            let now = agov_core::time::now_us();
            ensure(tx, self.tenant, v.agent, now)?;
            insert_violation(tx, self, v)?;
            let before = load(tx, self.tenant, v.agent, self.promotion)?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
            tx.prepare_cached(
                "UPDATE agent_metrics SET runs = runs + 1, revocations = revocations + 1, consecutive_compliant = 0, violations = violations + 1,
                     errors = errors + ?3, last_outcome = 'revoked', last_run_us = ?4, updated_us = ?4
                 WHERE tenant = ?1 AND agent = ?2",
            )?
            .execute(params![self.tenant, v.agent, i64::from(errors), now])?;
            let revoked = append_in(
                tx,
                &self
                    .event("agent.revoke", v.agent)
                    .subject(v.run_id)
                    .with("task", v.task)
                    .with("reason", v.detail)
                    .with("phase", v.phase),
            )?;
            insert_handoff(tx, revoked.seq, self.tenant, v.task, v.agent, handoff, now)?;
            if let Some(lower) = before.tier.number().checked_sub(1).and_then(Tier::from_number) {
                change_tier(tx, self, v.agent, (before.tier, lower), "revoked", None)?;
            }
            let m = load(tx, self.tenant, v.agent, self.promotion)?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
            Ok(Ok(m))
        })
    }

    /// Moves an agent to `to` by hand (ledgered with who did it). Going up to
    /// T3 or T4 needs `approve`.
    pub fn set_tier_by_hand(
        &self,
        ledger: &mut Ledger,
        agent: &str,
        to: Tier,
        approve: bool,
    ) -> Result<Metrics, AgentError> {
        self.tx(ledger, |tx| {
            let Some(m) = load(tx, self.tenant, agent, self.promotion)? else {
                return Ok(Err(AgentError::BadInput(format!(
                    "no agent {agent} has run yet"
                ))));
            };
            if to > m.tier && to >= Tier::Executor && !approve {
                return Ok(Err(AgentError::BadInput(format!(
                    "promotion to tier {} needs a human approval: pass --approve",
                    to.number()
                ))));
            }
            if to == m.tier {
                return Ok(Ok(m));
            }
            let approved_by = approve.then_some(self.actor);
            change_tier(tx, self, agent, (m.tier, to), "by hand", approved_by)?;
            let m = load(tx, self.tenant, agent, self.promotion)?
                .ok_or(rusqlite::Error::QueryReturnedNoRows)?;
            Ok(Ok(m))
        })
    }
}

/// A violation to record.
#[derive(Clone, Debug)]
pub struct ViolationRecord<'a> {
    /// Agent.
    pub agent: &'a str,
    /// Task.
    pub task: &'a str,
    /// Run.
    pub run_id: &'a str,
    /// procedure, forbidden_action, budget, missing_artifact, trigger.
    pub kind: &'a str,
    /// low … critical.
    pub severity: &'a str,
    /// Phase it happened in.
    pub phase: &'a str,
    /// In words.
    pub detail: &'a str,
}

fn insert_handoff(
    tx: &Transaction<'_>,
    event_seq: u64,
    tenant: &str,
    task: &str,
    agent: &str,
    handoff: &Handoff,
    now: i64,
) -> rusqlite::Result<()> {
    let text = serde_json::to_string(handoff).unwrap_or_default();
    tx.prepare_cached(
        "INSERT INTO handoffs (event_seq, tenant, task, agent, handoff, ts_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![event_seq as i64, tenant, task, agent, text, now])?;
    Ok(())
}

fn insert_violation(
    tx: &Transaction<'_>,
    w: &Writer<'_>,
    v: &ViolationRecord<'_>,
) -> rusqlite::Result<()> {
    let e = append_in(
        tx,
        &w.event("agent.violation", v.agent)
            .subject(v.run_id)
            .with("kind", v.kind)
            .with("severity", v.severity)
            .with("phase", v.phase)
            .with("detail", v.detail),
    )?;
    tx.prepare_cached(
        "INSERT INTO violations (event_seq, tenant, agent, kind, severity, phase, detail, ts_us, task, run_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        e.seq as i64,
        w.tenant,
        v.agent,
        v.kind,
        v.severity.to_uppercase(),
        v.phase,
        v.detail,
        agov_core::time::now_us(),
        v.task,
        v.run_id
    ])?;
    Ok(())
}

/// The newest handoff left on a task.
pub fn latest_handoff(
    ledger: &Ledger,
    tenant: &str,
    task: &str,
) -> Result<Option<serde_json::Value>, AgentError> {
    let text: Option<String> = ledger
        .conn()
        .prepare_cached(
            "SELECT handoff FROM handoffs WHERE tenant = ?1 AND task = ?2 ORDER BY id DESC LIMIT 1",
        )
        .and_then(|mut s| s.query_row(params![tenant, task], |r| r.get(0)).optional())
        .map_err(|e| AgentError::db(ledger.path(), e))?;
    Ok(text.and_then(|t| handoff_json(&t)))
}

/// A stored handoff as JSON in today's shape (one an earlier version wrote
/// is read and written again), or as stored when it does not read.
fn handoff_json(text: &str) -> Option<serde_json::Value> {
    match Handoff::parse("handoff", text) {
        Ok(h) => serde_json::to_value(h).ok(),
        Err(_) => serde_json::from_str(text).ok(),
    }
}

/// An agent's newest violations.
pub fn violations(
    ledger: &Ledger,
    tenant: &str,
    agent: &str,
    limit: u64,
) -> Result<Vec<serde_json::Value>, AgentError> {
    let run = || -> rusqlite::Result<Vec<serde_json::Value>> {
        let mut stmt = ledger.conn().prepare_cached(
            "SELECT task, run_id, kind, lower(severity), phase, detail, ts_us FROM violations
             WHERE tenant = ?1 AND agent = ?2 ORDER BY id DESC LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![tenant, agent, limit as i64], |r| {
            Ok(json!({
                "task": r.get::<_, Option<String>>(0)?,
                "run_id": r.get::<_, Option<String>>(1)?,
                "kind": r.get::<_, String>(2)?,
                "severity": r.get::<_, String>(3)?,
                "phase": r.get::<_, Option<String>>(4)?,
                "detail": r.get::<_, String>(5)?,
                "created": agov_core::time::format_us(r.get(6)?),
            }))
        })?;
        rows.collect()
    };
    run().map_err(|e| AgentError::db(ledger.path(), e))
}

/// Deletes a (scratch) tenant's trust rows: metrics, violations, handoffs,
/// promotions. Its ledger events stay.
pub fn purge_tenant(ledger: &mut Ledger, tenant: &str) -> Result<(), AgentError> {
    let path = ledger.path().to_path_buf();
    let mut run = || -> rusqlite::Result<()> {
        let tx = agov_sqlite::write_tx(ledger.connection())?;
        for table in ["agent_metrics", "violations", "handoffs", "promotions"] {
            tx.execute(&format!("DELETE FROM {table} WHERE tenant = ?1"), [tenant])?;
        }
        tx.commit()
    };
    run().map_err(|e| AgentError::db(&path, e))
}

/// The action an agent asked for that a digest stands for, from the ledger
/// (its `agent.action` event answered `needs_approval`).
pub fn pending_action(
    ledger: &Ledger,
    tenant: &str,
    agent: &str,
    digest: &str,
) -> Result<Option<String>, AgentError> {
    let q = agov_ledger::Query {
        tenant: Some(tenant.to_string()),
        agent: Some(agent.to_string()),
        action: Some("agent.action".into()),
        newest_first: true,
        ..agov_ledger::Query::default()
    };
    let mut found = None;
    ledger.for_each(&q, |e| {
        if e.detail["decision"] == "needs_approval" && e.detail["digest"] == digest {
            found = e.detail["action"].as_str().map(str::to_string);
            return false;
        }
        true
    })?;
    Ok(found)
}

impl Writer<'_> {
    /// Records a person's approval of the action behind `digest`.
    pub fn approve(
        &self,
        ledger: &mut Ledger,
        agent: &str,
        digest: &str,
        action: &str,
        reason: Option<&str>,
    ) -> Result<(), AgentError> {
        self.tx(ledger, |tx| {
            let e = append_in(
                tx,
                &self
                    .event("agent.approve", agent)
                    .with("digest", digest)
                    .with("action", action)
                    .with("approved_by", self.actor)
                    .with("reason", reason.unwrap_or_default()),
            )?;
            tx.prepare_cached(
                "INSERT INTO approvals (event_seq, tenant, digest, agent, action, approved_by, reason, ts_us)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![e.seq as i64, self.tenant, digest, agent, action, self.actor, reason, agov_core::time::now_us()])?;
            Ok(Ok(()))
        })
    }

    /// Uses up an open approval of `digest` for `run_id`; returns who approved it.
    pub fn use_approval(
        &self,
        ledger: &mut Ledger,
        agent: &str,
        digest: &str,
        run_id: &str,
    ) -> Result<Option<String>, AgentError> {
        self.tx(ledger, |tx| {
            let row: Option<(i64, String)> = tx
                .prepare_cached(
                    "SELECT id, approved_by FROM approvals
                     WHERE tenant = ?1 AND digest = ?2 AND agent = ?3 AND used_by_run IS NULL ORDER BY id LIMIT 1",
                )?
                .query_row(params![self.tenant, digest, agent], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let Some((id, by)) = row else { return Ok(Ok(None)) };
            tx.prepare_cached("UPDATE approvals SET used_by_run = ?2, used_us = ?3 WHERE id = ?1")?
                .execute(params![id, run_id, agov_core::time::now_us()])?;
            Ok(Ok(Some(by)))
        })
    }
}

/// The newest handoffs of the tenant (one per task, newest first).
pub fn recent_handoffs(
    ledger: &Ledger,
    tenant: &str,
    limit: u64,
) -> Result<Vec<serde_json::Value>, AgentError> {
    let run = || -> rusqlite::Result<Vec<String>> {
        let mut stmt = ledger.conn().prepare_cached(
            "SELECT handoff FROM handoffs h WHERE tenant = ?1
               AND id = (SELECT max(id) FROM handoffs WHERE tenant = h.tenant AND task = h.task)
             ORDER BY id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![tenant, limit as i64], |r| r.get(0))?;
        rows.collect()
    };
    let texts = run().map_err(|e| AgentError::db(ledger.path(), e))?;
    Ok(texts.iter().filter_map(|t| handoff_json(t)).collect())
}
