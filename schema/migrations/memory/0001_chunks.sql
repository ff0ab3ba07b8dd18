-- The memory chunk store (agov.memory.db): content-addressed chunks, written
-- before the entry that lists them (in agov.db) commits. A chunk no entry
-- lists is garbage from a removed entry or an interrupted log; `memory
-- prune` deletes those not touched for an hour (a log that reuses a chunk
-- touches it first, so a running log never loses one).
CREATE TABLE chunks (
    id         INTEGER PRIMARY KEY,     -- also the rowid in chunk_fts
    tenant     TEXT NOT NULL,
    hash       BLOB NOT NULL,           -- SHA-256 of the raw bytes
    raw_len    INTEGER NOT NULL,
    codec      INTEGER NOT NULL CHECK (codec IN (0, 1)),  -- 0 stored as is, 1 zstd
    indexed    INTEGER NOT NULL DEFAULT 0 CHECK (indexed IN (0, 1, 2)),  -- 0 pending, 1 in chunk_fts, 2 not text
    touched_us INTEGER NOT NULL,
    stored_len INTEGER NOT NULL,
    data       BLOB NOT NULL
) STRICT;

CREATE UNIQUE INDEX chunks_tenant_hash ON chunks (tenant, hash);
CREATE INDEX chunks_pending ON chunks (id) WHERE indexed = 0;

-- Search over chunk text. Contentless: the text lives compressed in chunks,
-- and snippets are cut from it after the search. No positions (detail=none):
-- a common word in a gigabyte of logs would otherwise mean decoding millions
-- of positions per query; queries are "all tokens in the chunk" anyway.
CREATE VIRTUAL TABLE chunk_fts USING fts5 (text, content = '', contentless_delete = 1, detail = none);
