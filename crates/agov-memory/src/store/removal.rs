//! Removing memory: one entry, or old entries by a rule, and the chunks no
//! entry lists any more.

use super::*;

impl Memory<'_> {
    /// Removes an entry; its chunks no other entry lists are deleted.
    pub fn rm(&mut self, id: MemoryId) -> Result<(Entry, u64), MemoryError> {
        let entry = self.get(id)?;
        let event = NewEvent::new(&self.tenant, &self.actor, "memory.rm")
            .subject(id.to_string())
            .with("title", entry.title.as_str())
            .with("bytes", entry.bytes)
            .with("sha256", entry.sha256.as_str());
        let tenant = self.tenant.clone();
        let path = self.ledger.path().to_path_buf();
        let conn = self.ledger.connection();
        let mut run = || -> rusqlite::Result<Result<u64, MemoryError>> {
            let tx = agov_sqlite::write_tx(conn)?;
            let still: Option<String> = tx
                .query_row(
                    "SELECT tenant FROM memory_entries WHERE num = ?1",
                    [id.0],
                    |r| r.get(0),
                )
                .optional()?;
            if still.as_deref() != Some(tenant.as_str()) {
                return Ok(Err(MemoryError::NotFound(id.to_string())));
            }
            let hashes: Vec<Vec<u8>> = tx
                .prepare("SELECT DISTINCT hash FROM memory_chunks WHERE num = ?1")?
                .query_map([id.0], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            tx.execute("DELETE FROM memory_chunks WHERE num = ?1", [id.0])?;
            tx.execute("DELETE FROM memory_tags WHERE num = ?1", [id.0])?;
            tx.execute("DELETE FROM memory_entries WHERE num = ?1", [id.0])?;
            // A chunk touched after this entry was logged is being reused by a
            // log still running: leave it.
            let freed = delete_orphans(&tx, &tenant, &hashes, entry.created_us)?;
            append_in(&tx, &event.clone().with("bytes_freed", freed.1))?;
            tx.commit()?;
            Ok(Ok(freed.1))
        };
        let freed = run().map_err(|e| MemoryError::db(&path, e))??;
        Ok((entry, freed))
    }

    /// Removes old entries by `rule`, then deletes chunks no entry lists
    /// that have not been touched for an hour (left by interrupted logs).
    pub fn prune(&mut self, rule: &PruneRule) -> Result<PruneReport, MemoryError> {
        let tenant = self.tenant.clone();
        let path = self.ledger.path().to_path_buf();
        let actor = self.actor.clone();
        let conn = self.ledger.connection();
        let mut run = || -> rusqlite::Result<PruneReport> {
            let tx = agov_sqlite::write_tx(conn)?;
            let doomed: Vec<(i64, i64)> = tx
                .prepare(
                    "SELECT num, created_us FROM memory_entries WHERE tenant = ?1 AND (
                         created_us < ?2 OR num NOT IN (
                             SELECT num FROM memory_entries WHERE tenant = ?1
                             ORDER BY created_us DESC, num DESC LIMIT ?3))
                     ORDER BY num",
                )?
                .query_map(
                    params![
                        tenant,
                        rule.before_us.unwrap_or(i64::MIN),
                        rule.keep.map_or(-1, |k| k as i64)
                    ],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?
                .collect::<rusqlite::Result<_>>()?;
            let mut report = PruneReport {
                removed: doomed
                    .iter()
                    .map(|(n, _)| MemoryId(*n).to_string())
                    .collect(),
                dry_run: rule.dry_run,
                ..PruneReport::default()
            };
            for (num, _) in &doomed {
                tx.execute("DELETE FROM memory_chunks WHERE num = ?1", [num])?;
                tx.execute("DELETE FROM memory_tags WHERE num = ?1", [num])?;
                tx.execute("DELETE FROM memory_entries WHERE num = ?1", [num])?;
            }
            let cutoff = agov_core::time::now_us() - ORPHAN_GRACE_US;
            let orphans: Vec<Vec<u8>> = tx
                .prepare(
                    "SELECT hash FROM mem.chunks c WHERE c.tenant = ?1 AND NOT EXISTS (
                         SELECT 1 FROM memory_chunks mc JOIN memory_entries e ON e.num = mc.num
                         WHERE mc.hash = c.hash AND e.tenant = c.tenant)",
                )?
                .query_map([&tenant], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            // Chunks of entries removed now go whatever their age unless a
            // running log touched them since; older orphans after the grace.
            let newest_removed = doomed.iter().map(|(_, c)| *c).max().unwrap_or(i64::MIN);
            let (n, freed) = delete_orphans(&tx, &tenant, &orphans, newest_removed.max(cutoff))?;
            report.chunks_deleted = n;
            report.bytes_freed = freed;
            if rule.dry_run {
                tx.rollback()?;
                return Ok(report);
            }
            if !report.removed.is_empty() || n > 0 {
                let event = NewEvent::new(&tenant, &actor, "memory.prune")
                    .with("removed", json!(report.removed))
                    .with("chunks_deleted", n)
                    .with("bytes_freed", freed);
                append_in(&tx, &event)?;
            }
            tx.commit()?;
            Ok(report)
        };
        run().map_err(|e| MemoryError::db(&path, e))
    }
}

/// Deletes those of `hashes` (chunks of `tenant`) that no entry of the
/// tenant lists and that were last touched at or before `touched_by`;
/// returns (chunks, compressed bytes) deleted.
fn delete_orphans(
    tx: &rusqlite::Transaction<'_>,
    tenant: &str,
    hashes: &[Vec<u8>],
    touched_by: i64,
) -> rusqlite::Result<(u64, u64)> {
    let (mut n, mut freed) = (0u64, 0u64);
    for h in hashes {
        let row: Option<(i64, i64)> = tx
            .prepare_cached(
                "SELECT c.id, c.stored_len FROM mem.chunks c
                 WHERE c.tenant = ?1 AND c.hash = ?2 AND c.touched_us <= ?3 AND NOT EXISTS (
                     SELECT 1 FROM memory_chunks mc JOIN memory_entries e ON e.num = mc.num
                     WHERE mc.hash = c.hash AND e.tenant = c.tenant)",
            )?
            .query_row(params![tenant, h, touched_by], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        if let Some((id, len)) = row {
            tx.prepare_cached("DELETE FROM mem.chunk_fts WHERE rowid = ?1")?
                .execute([id])?;
            tx.prepare_cached("DELETE FROM mem.chunks WHERE id = ?1")?
                .execute([id])?;
            n += 1;
            freed += len as u64;
        }
    }
    Ok((n, freed))
}
