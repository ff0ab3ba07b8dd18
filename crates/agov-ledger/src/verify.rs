//! Walking the chain and the seals.
//!
//! Every seal is checked, also several for one sequence number (a second,
//! different seal of a sealed event cannot replace the first), and a seal's
//! genesis hash must be the first event's. Missing append-only triggers and
//! the lack of any seal are warnings ([`VerifyReport::warnings`]).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use crate::chain::{self, Fields};
use crate::error::LedgerError;
use crate::seal::Seal;
use crate::store::Ledger;

/// The result of [`Ledger::verify`]. JSON shape: `schema/json/ledger-verify.schema.json`.
#[derive(Clone, Debug, Serialize, PartialEq, JsonSchema)]
#[schemars(
    title = "Ledger verification",
    description = "`ledger verify --json` (exit 0 when ok, 1 otherwise; with `--strict` warnings also make it not ok)."
)]
pub struct VerifyReport {
    /// True when every event and every seal checked out.
    pub ok: bool,
    /// Events that checked out.
    pub events: u64,
    /// Sequence number of the last event (0 when empty).
    pub head_seq: u64,
    /// Hash of the last event, hex.
    pub head_hash: Option<String>,
    /// Seals compared with the chain (every retained one, also several for
    /// one event).
    pub seals_checked: usize,
    /// The first problem found.
    pub problem: Option<Problem>,
    /// What weakens the guarantee without being a broken chain: missing
    /// append-only triggers, no seal at all. `ledger verify --strict` fails on them.
    pub warnings: Vec<String>,
}

/// The first bad row, and why.
#[derive(Clone, Debug, Serialize, PartialEq, JsonSchema)]
pub struct Problem {
    /// The first event that does not check out.
    pub seq: u64,
    /// What is wrong with it.
    pub reason: String,
}

const PROGRESS_EVERY: u64 = 1 << 16;

/// The seals by sequence number; one number may carry several.
type Sealed<'a> = BTreeMap<u64, Vec<&'a Seal>>;

/// Warning when the UPDATE/DELETE triggers are gone.
pub const NO_TRIGGERS: &str = "the append-only triggers (events_no_update, events_no_delete) are missing: anyone who can write the file can edit events in place";

/// Warning when the ledger has events but no seal.
pub const NO_SEAL: &str = "the ledger has no seal: a consistent rewrite of the whole chain would pass; run `ledger seal` (e.g. hourly from cron)";

/// Where a walk of the chain stopped.
struct Walk {
    /// Events that checked out.
    good: u64,
    /// Hash of the last good event.
    head: [u8; 32],
    /// Seals compared.
    seals_checked: usize,
    /// Why it stopped early, if it did.
    problem: Option<Problem>,
}

impl Ledger {
    /// Recomputes every hash from the first event and compares each with the
    /// stored one and with the seals. Stops at the first problem.
    /// `progress(done, total)` is called every 65,536 events.
    pub fn verify(
        &self,
        seals: &[Seal],
        mut progress: impl FnMut(u64, u64),
    ) -> Result<VerifyReport, LedgerError> {
        let mut sealed: Sealed<'_> = BTreeMap::new();
        for s in seals {
            sealed.entry(s.seq).or_default().push(s);
        }
        let total = self.count()?;
        let walk = self
            .walk(&sealed, |done| progress(done, total))
            .map_err(|e| LedgerError::db(self.path(), e))?;
        progress(walk.good, total);
        let mut problem = walk.problem;
        if problem.is_none()
            && let Some(seal) = sealed.range(walk.good + 1..).flat_map(|(_, v)| v).next()
        {
            problem = Some(Problem {
                seq: walk.good + 1,
                reason: format!(
                    "the ledger ends at #{} but was sealed at #{} ({} by {}): events were removed from the end",
                    walk.good, seal.seq, seal.sealed_at, seal.sealed_by
                ),
            });
        }
        let mut warnings = Vec::new();
        if !self.append_only()? {
            warnings.push(NO_TRIGGERS.to_string());
        }
        if seals.is_empty() && walk.good > 0 {
            warnings.push(NO_SEAL.to_string());
        }
        Ok(VerifyReport {
            ok: problem.is_none(),
            events: walk.good,
            head_seq: walk.good,
            head_hash: (walk.good > 0).then(|| hex::encode(walk.head)),
            seals_checked: walk.seals_checked,
            problem,
            warnings,
        })
    }

    /// True when both append-only triggers are in the database.
    pub fn append_only(&self) -> Result<bool, LedgerError> {
        self.conn()
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ('events_no_update', 'events_no_delete')",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n == 2)
            .map_err(|e| LedgerError::db(self.path(), e))
    }

    fn walk(&self, sealed: &Sealed<'_>, mut progress: impl FnMut(u64)) -> rusqlite::Result<Walk> {
        let mut w = Walk {
            good: 0,
            head: chain::GENESIS,
            seals_checked: 0,
            problem: None,
        };
        let mut stmt = self.conn().prepare(
            "SELECT seq, ts_us, tenant, actor, action, agent, pipeline, subject, detail, hash FROM events ORDER BY seq",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let seq = row.get::<_, i64>(0)? as u64;
            let expected = w.good + 1;
            if seq != expected {
                w.problem = Some(Problem {
                    seq: expected,
                    reason: format!(
                        "event #{expected} is missing (the next one is #{seq}): events were removed"
                    ),
                });
                break;
            }
            let text = |i: usize| -> rusqlite::Result<Option<&str>> {
                row.get_ref(i)?.as_str_or_null().map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        i,
                        rusqlite::types::Type::Text,
                        Box::new(e),
                    )
                })
            };
            let fields = Fields {
                seq,
                ts_us: row.get(1)?,
                tenant: text(2)?.unwrap_or_default(),
                actor: text(3)?.unwrap_or_default(),
                action: text(4)?.unwrap_or_default(),
                agent: text(5)?,
                pipeline: text(6)?,
                subject: text(7)?,
                detail: text(8)?.unwrap_or_default(),
            };
            let computed = chain::hash(&w.head, &fields);
            if row.get_ref(9)?.as_blob().unwrap_or_default() != computed {
                w.problem = Some(Problem {
                    seq,
                    reason: "its hash does not match its contents and the hash before it: this event or the one before it was altered".into(),
                });
                break;
            }
            let computed_hex = hex::encode(computed);
            if seq == 1
                && let Some(problem) = foreign_seal(sealed, &computed_hex)
            {
                w.problem = Some(problem);
                break;
            }
            for seal in sealed.get(&seq).into_iter().flatten() {
                w.seals_checked += 1;
                if seal.hash != computed_hex {
                    w.problem = Some(Problem {
                        seq,
                        reason: format!(
                            "it does not match the seal taken at {} by {}: the chain was rewritten",
                            seal.sealed_at, seal.sealed_by
                        ),
                    });
                    break;
                }
            }
            if w.problem.is_some() {
                break;
            }
            w.head = computed;
            w.good = seq;
            if w.good.is_multiple_of(PROGRESS_EVERY) {
                progress(w.good);
            }
        }
        Ok(w)
    }
}

/// A seal whose genesis is not this chain's first event: the whole chain,
/// from its first event, is not the one that was sealed.
fn foreign_seal(sealed: &Sealed<'_>, first_hash: &str) -> Option<Problem> {
    let seal = sealed
        .values()
        .flatten()
        .find(|s| s.genesis.as_deref().is_some_and(|g| g != first_hash))?;
    Some(Problem {
        seq: 1,
        reason: format!(
            "the first event is not the one of the ledger sealed at #{} ({} by {}): the chain was replaced from its first event",
            seal.seq, seal.sealed_at, seal.sealed_by
        ),
    })
}
