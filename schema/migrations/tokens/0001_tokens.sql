-- The embedded token authority: tokens are stored only as SHA-256 hashes.
CREATE TABLE tokens (
    accessor        TEXT PRIMARY KEY,              -- public handle, like Vault's accessor
    token_hash      BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    parent_accessor TEXT REFERENCES tokens (accessor),
    tier            INTEGER NOT NULL CHECK (tier BETWEEN 0 AND 4),
    display_name    TEXT NOT NULL,
    metadata        TEXT NOT NULL,                 -- JSON object of strings
    delegate        INTEGER NOT NULL CHECK (delegate IN (0, 1)),
    created_us      INTEGER NOT NULL,
    ttl_s           INTEGER NOT NULL,              -- TTL asked for at creation
    expires_us      INTEGER NOT NULL,
    max_expires_us  INTEGER NOT NULL,              -- renewals stop here
    renewals        INTEGER NOT NULL DEFAULT 0,
    revoked_us      INTEGER
) STRICT;

CREATE INDEX tokens_parent ON tokens (parent_accessor) WHERE parent_accessor IS NOT NULL;
