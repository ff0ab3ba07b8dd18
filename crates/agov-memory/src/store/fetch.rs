//! Reading an entry back: its chunks, decompressed and checked, written out
//! whole or by part (lines, bytes).

use super::*;

impl Memory<'_> {
    pub(super) fn chunk_refs(&self, id: MemoryId) -> Result<Vec<ChunkRef>, MemoryError> {
        let run = || -> rusqlite::Result<Vec<ChunkRef>> {
            let mut stmt = self.ledger.conn().prepare_cached(
                "SELECT hash, first_line FROM memory_chunks WHERE num = ?1 ORDER BY seq",
            )?;
            let rows = stmt.query_map([id.0], |r| {
                Ok(ChunkRef {
                    hash: r.get(0)?,
                    first_line: r.get::<_, i64>(1)? as u64,
                })
            })?;
            rows.collect()
        };
        run().map_err(|e| self.db_err(e))
    }

    /// Reads one chunk into `buf`, checking it against its hash.
    pub(super) fn read_chunk(
        &self,
        id: MemoryId,
        hash: &[u8],
        buf: &mut Vec<u8>,
    ) -> Result<(), MemoryError> {
        let row: Option<(i64, i64, Vec<u8>)> = self
            .chunks
            .prepare_cached(
                "SELECT codec, raw_len, data FROM chunks WHERE tenant = ?1 AND hash = ?2",
            )
            .and_then(|mut s| {
                s.query_row(params![self.tenant, hash], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()
            })
            .map_err(|e| self.chunk_err(e))?;
        let Some((codec, raw_len, data)) = row else {
            return Err(MemoryError::Corrupt(format!(
                "a chunk of {id} ({}) is missing from {}",
                hex::encode(hash),
                self.chunks_path.display()
            )));
        };
        buf.clear();
        match codec {
            CODEC_RAW => buf.extend_from_slice(&data),
            CODEC_ZSTD => {
                buf.reserve(raw_len as usize);
                zstd::bulk::Decompressor::new()
                    .and_then(|mut d| d.decompress_to_buffer(&data, buf))
                    .map_err(MemoryError::Compress)?;
            }
            other => {
                return Err(MemoryError::Corrupt(format!(
                    "a chunk of {id} has unknown codec {other}"
                )));
            }
        }
        if Sha256::digest(&buf[..]).as_slice() != hash {
            return Err(MemoryError::Corrupt(format!(
                "a chunk of {id} ({}) does not match its SHA-256",
                hex::encode(hash)
            )));
        }
        Ok(())
    }

    /// Writes `part` of an entry to `out`, byte for byte; returns the bytes written.
    pub fn fetch(&self, id: MemoryId, part: Part, out: &mut dyn Write) -> Result<u64, MemoryError> {
        let entry = self.get(id)?;
        let refs = self.chunk_refs(id)?;
        let mut buf = Vec::new();
        let mut written = 0u64;
        let mut emit = |out: &mut dyn Write, bytes: &[u8]| -> Result<(), MemoryError> {
            written += bytes.len() as u64;
            out.write_all(bytes).map_err(MemoryError::Write)
        };
        match part {
            Part::Whole => {
                for r in &refs {
                    self.read_chunk(id, &r.hash, &mut buf)?;
                    emit(out, &buf)?;
                }
            }
            Part::Chunk(n) => {
                let Some(r) = n.checked_sub(1).and_then(|i| refs.get(i as usize)) else {
                    return Err(MemoryError::BadInput(format!(
                        "{id} has {} chunk{} (1-{}); there is no chunk {n}",
                        refs.len(),
                        if refs.len() == 1 { "" } else { "s" },
                        refs.len()
                    )));
                };
                self.read_chunk(id, &r.hash, &mut buf)?;
                emit(out, &buf)?;
            }
            Part::Lines(a, b) => {
                if a == 0 || b < a || a > entry.lines {
                    return Err(MemoryError::BadInput(format!(
                        "{id} has lines 1-{}; `--lines {a}:{b}` is not within them",
                        entry.lines
                    )));
                }
                // Start in the last chunk that begins before line A.
                let start = refs.iter().rposition(|r| r.first_line < a).unwrap_or(0);
                for r in &refs[start..] {
                    if r.first_line > b {
                        break;
                    }
                    self.read_chunk(id, &r.hash, &mut buf)?;
                    let mut line = r.first_line;
                    let mut from = if line >= a { Some(0) } else { None };
                    let mut to = buf.len();
                    for pos in memchr::memchr_iter(b'\n', &buf) {
                        if line == b {
                            to = pos + 1;
                            break;
                        }
                        line += 1;
                        if line == a {
                            from = Some(pos + 1);
                        }
                    }
                    if let Some(f) = from {
                        emit(out, &buf[f..to])?;
                    }
                    if to < buf.len() || line > b {
                        break;
                    }
                }
            }
        }
        Ok(written)
    }
}
