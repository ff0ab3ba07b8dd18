//! Walking the chain and the seals.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::chain::{self, Fields};
use crate::error::LedgerError;
use crate::seal::Seal;
use crate::store::Ledger;

/// The result of [`Ledger::verify`]. JSON shape: `schema/json/ledger-verify.schema.json`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct VerifyReport {
    /// True when every event and every seal checked out.
    pub ok: bool,
    /// Events walked.
    pub events: u64,
    /// Sequence number of the last event (0 when empty).
    pub head_seq: u64,
    /// Hash of the last event, hex.
    pub head_hash: Option<String>,
    /// Seals compared with the chain.
    pub seals_checked: usize,
    /// The first problem found.
    pub problem: Option<Problem>,
}

/// The first bad row, and why.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Problem {
    /// Sequence number of the first event that does not check out.
    pub seq: u64,
    /// What is wrong with it.
    pub reason: String,
}

const PROGRESS_EVERY: u64 = 1 << 16;

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
        let sealed: BTreeMap<u64, &Seal> = seals.iter().map(|s| (s.seq, s)).collect();
        let total = self.count()?;
        let walk = self
            .walk(&sealed, |done| progress(done, total))
            .map_err(|e| LedgerError::db(self.path(), e))?;
        progress(walk.good, total);
        let mut problem = walk.problem;
        if problem.is_none()
            && let Some((_, seal)) = sealed.range(walk.good + 1..).next()
        {
            problem = Some(Problem {
                seq: walk.good + 1,
                reason: format!(
                    "the ledger ends at #{} but was sealed at #{} ({} by {}): events were removed from the end",
                    walk.good, seal.seq, seal.sealed_at, seal.sealed_by
                ),
            });
        }
        Ok(VerifyReport {
            ok: problem.is_none(),
            events: walk.good,
            head_seq: walk.good,
            head_hash: (walk.good > 0).then(|| hex::encode(walk.head)),
            seals_checked: walk.seals_checked,
            problem,
        })
    }

    fn walk(
        &self,
        sealed: &BTreeMap<u64, &Seal>,
        mut progress: impl FnMut(u64),
    ) -> rusqlite::Result<Walk> {
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
            if let Some(seal) = sealed.get(&seq) {
                w.seals_checked += 1;
                if seal.hash != hex::encode(computed) {
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
            w.head = computed;
            w.good = seq;
            if w.good.is_multiple_of(PROGRESS_EVERY) {
                progress(w.good);
            }
        }
        Ok(w)
    }
}
