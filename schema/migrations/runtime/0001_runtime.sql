-- The embedded runtime store: Redis's data model in SQLite.
-- Every key has one row in `entries` (its type and expiry); hashes, lists
-- and streams keep their members in their own tables. An expired key is
-- treated as absent and purged by the next write that touches it.
CREATE TABLE entries (
    key        TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('string', 'hash', 'list', 'stream')),
    value      BLOB,                 -- strings only
    expires_ms INTEGER               -- Unix milliseconds; NULL = no expiry
) STRICT, WITHOUT ROWID;
CREATE INDEX entries_expiry ON entries (expires_ms) WHERE expires_ms IS NOT NULL;

CREATE TABLE hash_fields (
    key   TEXT NOT NULL,
    field TEXT NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (key, field)
) STRICT, WITHOUT ROWID;

CREATE TABLE list_items (
    key   TEXT NOT NULL,
    pos   INTEGER NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (key, pos)
) STRICT, WITHOUT ROWID;

CREATE TABLE stream_entries (
    key    TEXT NOT NULL,
    ms     INTEGER NOT NULL,
    seq    INTEGER NOT NULL,
    fields TEXT NOT NULL,            -- JSON array of [name, hex value] pairs
    PRIMARY KEY (key, ms, seq)
) STRICT, WITHOUT ROWID;
