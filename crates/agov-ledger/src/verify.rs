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

impl Ledger {
    /// Recomputes every hash from the first event and compares each with the
    /// stored one and with the seals. Stops at the first problem.
    /// `progress(done, total)` is called every 65,536 events.
    pub fn verify(
        &self,
        seals: &[Seal],
        mut progress: impl FnMut(u64, u64),
    ) -> Result<VerifyReport, LedgerError> {
        let mut sealed: BTreeMap<u64, &Seal> = BTreeMap::new();
        for s in seals {
            sealed.insert(s.seq, s);
        }
        let total = self.count()?;
        let mut report = VerifyReport {
            ok: true,
            events: 0,
            head_seq: 0,
            head_hash: None,
            seals_checked: 0,
            problem: None,
        };
        let mut prev = chain::GENESIS;
        let mut expected: u64 = 1;
        let mut walk = |report: &mut VerifyReport,
                        prev: &mut [u8; 32],
                        expected: &mut u64|
         -> rusqlite::Result<Option<Problem>> {
            let mut stmt = self.conn().prepare(
                "SELECT seq, ts_us, tenant, actor, action, agent, pipeline, subject, detail, hash FROM events ORDER BY seq",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let seq = row.get::<_, i64>(0)? as u64;
                if seq != *expected {
                    return Ok(Some(Problem {
                        seq: *expected,
                        reason: format!(
                            "event #{expected} is missing (the next one is #{seq}): events were removed"
                        ),
                    }));
                }
                let text = |i: usize| -> rusqlite::Result<Option<&str>> {
                    Ok(row.get_ref(i)?.as_str_or_null().map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(
                            i,
                            rusqlite::types::Type::Text,
                            Box::new(e),
                        )
                    })?)
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
                let computed = chain::hash(prev, &fields);
                let stored = row.get_ref(9)?.as_blob().unwrap_or_default();
                if stored != computed {
                    return Ok(Some(Problem {
                        seq,
                        reason: "its hash does not match its contents and the hash before it: this event or the one before it was altered".into(),
                    }));
                }
                if let Some(seal) = sealed.get(&seq) {
                    report.seals_checked += 1;
                    if seal.hash != hex::encode(computed) {
                        return Ok(Some(Problem {
                            seq,
                            reason: format!(
                                "it does not match the seal taken at {} by {}: the chain was rewritten",
                                seal.sealed_at, seal.sealed_by
                            ),
                        }));
                    }
                }
                *prev = computed;
                report.events += 1;
                *expected += 1;
                if report.events % PROGRESS_EVERY == 0 {
                    progress(report.events, total);
                }
            }
            Ok(None)
        };
        let mut problem = walk(&mut report, &mut prev, &mut expected)
            .map_err(|e| LedgerError::db(self.path(), e))?;
        report.head_seq = expected - 1;
        if report.head_seq > 0 {
            report.head_hash = Some(hex::encode(prev));
        }
        if problem.is_none() {
            if let Some((_, seal)) = sealed.range(expected..).next() {
                problem = Some(Problem {
                    seq: expected,
                    reason: format!(
                        "the ledger ends at #{} but was sealed at #{} ({} by {}): events were removed from the end",
                        expected - 1,
                        seal.seq,
                        seal.sealed_at,
                        seal.sealed_by
                    ),
                });
            }
        }
        progress(report.events, total);
        report.ok = problem.is_none();
        report.problem = problem;
        Ok(report)
    }
}
