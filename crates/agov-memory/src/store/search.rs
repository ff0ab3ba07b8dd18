//! The search index: chunks indexed in batches after they are logged, and
//! searched by words or prefixes, the best place in each entry first.

use super::*;

impl Memory<'_> {
    /// Chunks waiting for the search index: (count, raw bytes).
    pub fn pending(&self) -> Result<(u64, u64), MemoryError> {
        self.chunks
            .query_row(
                "SELECT count(*), coalesce(sum(raw_len), 0) FROM chunks WHERE indexed = 0",
                [],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
            )
            .map_err(|e| self.chunk_err(e))
    }

    /// Adds every chunk not yet in the search index (of every tenant), a few
    /// megabytes per transaction; `progress` is told the raw bytes done.
    pub fn index_pending(
        &mut self,
        progress: &mut dyn FnMut(u64),
    ) -> Result<IndexReport, MemoryError> {
        let mut report = IndexReport::default();
        let mut buf = Vec::new();
        let path = self.chunks_path.clone();
        loop {
            let tx =
                agov_sqlite::write_tx(&mut self.chunks).map_err(|e| MemoryError::db(&path, e))?;
            let batch: Vec<(i64, i64, i64, Vec<u8>)> = {
                let mut stmt = tx
                    .prepare_cached(
                        "SELECT id, codec, raw_len, data FROM chunks WHERE indexed = 0 ORDER BY id LIMIT 64",
                    )
                    .map_err(|e| MemoryError::db(&path, e))?;
                let mut rows = stmt.query([]).map_err(|e| MemoryError::db(&path, e))?;
                let mut batch = Vec::new();
                let mut bytes = 0;
                while let Some(r) = rows.next().map_err(|e| MemoryError::db(&path, e))? {
                    let raw_len: i64 = r.get(2).map_err(|e| MemoryError::db(&path, e))?;
                    batch.push((
                        r.get(0).map_err(|e| MemoryError::db(&path, e))?,
                        r.get(1).map_err(|e| MemoryError::db(&path, e))?,
                        raw_len,
                        r.get(3).map_err(|e| MemoryError::db(&path, e))?,
                    ));
                    bytes += raw_len;
                    if bytes >= INDEX_BATCH_BYTES {
                        break;
                    }
                }
                batch
            };
            if batch.is_empty() {
                return Ok(report);
            }
            for (id, codec, raw_len, data) in batch {
                buf.clear();
                if codec == CODEC_ZSTD {
                    buf.reserve(raw_len as usize);
                    zstd::bulk::Decompressor::new()
                        .and_then(|mut d| d.decompress_to_buffer(&data, &mut buf))
                        .map_err(MemoryError::Compress)?;
                } else {
                    buf.extend_from_slice(&data);
                }
                let text = memchr::memchr(0, &buf).is_none();
                let run = || -> rusqlite::Result<()> {
                    if text {
                        tx.prepare_cached("INSERT INTO chunk_fts (rowid, text) VALUES (?1, ?2)")?
                            .execute(params![id, String::from_utf8_lossy(&buf)])?;
                    }
                    tx.prepare_cached("UPDATE chunks SET indexed = ?2 WHERE id = ?1")?
                        .execute(params![id, if text { 1 } else { 2 }])?;
                    Ok(())
                };
                run().map_err(|e| MemoryError::db(&path, e))?;
                report.chunks += 1;
                report.bytes += raw_len as u64;
            }
            tx.commit().map_err(|e| MemoryError::db(&path, e))?;
            progress(report.bytes);
        }
    }

    /// Searches the content (every word must match; a trailing `*` asks for
    /// a prefix); the best place in each entry, best entry first. Call
    /// [`Memory::index_pending`] first for content logged moments ago.
    pub fn search(&self, query: &str, limit: u64) -> Result<Vec<Hit>, MemoryError> {
        let Some(fts) = agov_sqlite::fts::match_expression(query) else {
            return Err(MemoryError::BadInput("the search query is empty".into()));
        };
        let terms = agov_sqlite::fts::Terms::new(query);
        let run = || -> rusqlite::Result<Vec<(i64, u64, i64, f64)>> {
            let mut stmt = self.ledger.conn().prepare_cached(
                // The best chunk of each entry; among equally good ones the
                // first (ties are common: chunks of one log look alike).
                "SELECT num, rank, seq, id FROM (
                     SELECT mc.num AS num, f.rank AS rank, mc.seq AS seq, c.id AS id,
                            row_number() OVER (PARTITION BY mc.num ORDER BY f.rank, mc.seq) AS nth
                     FROM (SELECT rowid AS id, rank FROM mem.chunk_fts WHERE chunk_fts MATCH ?1) f
                     JOIN mem.chunks c ON c.id = f.id AND c.tenant = ?2
                     JOIN memory_chunks mc ON mc.hash = c.hash
                     JOIN memory_entries e ON e.num = mc.num AND e.tenant = ?2)
                 WHERE nth = 1 ORDER BY rank, num DESC LIMIT ?3",
            )?;
            let rows = stmt.query_map(params![fts, self.tenant, limit as i64], |r| {
                Ok((r.get(0)?, r.get::<_, i64>(2)? as u64, r.get(3)?, r.get(1)?))
            })?;
            rows.collect()
        };
        let found = run().map_err(|e| self.db_err(e))?;
        let mut hits = Vec::with_capacity(found.len());
        let mut buf = Vec::new();
        for (num, seq, _chunk_id, rank) in found {
            let id = MemoryId(num);
            let entry = self.get(id)?;
            let refs = self.chunk_refs(id)?;
            let Some(r) = refs.get(seq as usize) else {
                continue;
            };
            self.read_chunk(id, &r.hash, &mut buf)?;
            let text = String::from_utf8_lossy(&buf);
            let (mut line, mut snippet) = (r.first_line, None);
            for l in text.split('\n') {
                if let Some(s) = terms.snippet(l) {
                    snippet = Some(s);
                    break;
                }
                line += 1;
            }
            hits.push(Hit {
                entry,
                chunk: seq + 1,
                line: if snippet.is_some() {
                    line
                } else {
                    r.first_line
                },
                snippet: snippet.unwrap_or_default(),
                rank,
            });
        }
        Ok(hits)
    }
}
