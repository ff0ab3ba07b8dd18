-- The memory store's entries. The content itself is in the chunk store
-- (agov.memory.db beside this file, schema/migrations/memory/), chunked,
-- compressed and deduplicated by SHA-256; an entry becomes visible only when
-- this row, its chunk list and its memory.log ledger event commit together.
CREATE TABLE memory_entries (
    num          INTEGER PRIMARY KEY,   -- shown as m<num>, e.g. m42
    tenant       TEXT NOT NULL,
    title        TEXT NOT NULL,
    source       TEXT NOT NULL,         -- "stdin" or the file it was read from
    bytes        INTEGER NOT NULL,
    lines        INTEGER NOT NULL,
    sha256       TEXT NOT NULL,         -- of the whole content, hex
    stored_bytes INTEGER NOT NULL,      -- compressed size of its chunks
    is_text      INTEGER NOT NULL,      -- 1 when valid UTF-8 without NUL bytes
    summary      TEXT NOT NULL,         -- JSON, schema/json/memory-summary.schema.json
    actor        TEXT NOT NULL,
    created_us   INTEGER NOT NULL
) STRICT;

CREATE INDEX memory_entries_tenant_created ON memory_entries (tenant, created_us);

CREATE TABLE memory_tags (
    num INTEGER NOT NULL REFERENCES memory_entries (num),
    tag TEXT NOT NULL,
    PRIMARY KEY (num, tag)
) STRICT, WITHOUT ROWID;

-- An entry's chunks in order. `hash` names the chunk in the chunk store
-- (with the entry's tenant); `first_line` is the line number, from 1, at the
-- chunk's first byte, and `offset` its byte offset in the entry.
CREATE TABLE memory_chunks (
    num        INTEGER NOT NULL REFERENCES memory_entries (num),
    seq        INTEGER NOT NULL,        -- 0-based position in the entry
    hash       BLOB NOT NULL,
    raw_len    INTEGER NOT NULL,
    first_line INTEGER NOT NULL,
    offset     INTEGER NOT NULL,
    PRIMARY KEY (num, seq)
) STRICT, WITHOUT ROWID;

CREATE INDEX memory_chunks_hash ON memory_chunks (hash);
