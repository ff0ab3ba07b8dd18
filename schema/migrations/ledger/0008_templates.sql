-- The agent-template marketplace: reusable agents (role, driver, prompt or
-- command, tier, required artifacts, description, tags) that plans name as
-- `template: NAME@VERSION`. A version, once added, never changes: adding the
-- same name and version again with other content is refused. Every add and
-- remove appends a ledger event (template.add / template.rm, subject
-- NAME@VERSION) in the same transaction.
CREATE TABLE templates (
    num         INTEGER PRIMARY KEY,
    tenant      TEXT NOT NULL,
    name        TEXT NOT NULL,
    version     TEXT NOT NULL,           -- 1, 1.2 or 1.2.3
    version_key TEXT NOT NULL,           -- zero-padded, sorts like the version
    role        TEXT NOT NULL CHECK (role IN ('alpha', 'beta', 'gamma')),
    driver      TEXT NOT NULL CHECK (driver IN ('command', 'llm')),
    tier        INTEGER NOT NULL CHECK (tier BETWEEN 0 AND 4),
    description TEXT NOT NULL,
    tags        TEXT NOT NULL,           -- space-separated, sorted
    body        TEXT NOT NULL,           -- the whole template, JSON (schema/json/template.schema.json)
    digest      TEXT NOT NULL,           -- SHA-256 of body, hex
    actor       TEXT NOT NULL,
    created_us  INTEGER NOT NULL,
    UNIQUE (tenant, name, version_key)
) STRICT;

CREATE INDEX templates_tenant_name ON templates (tenant, name, version_key);

-- Full-text search over names, descriptions and tags, kept in step by triggers.
CREATE VIRTUAL TABLE templates_fts USING fts5 (name, description, tags, content = 'templates', content_rowid = 'num');

CREATE TRIGGER templates_fts_insert AFTER INSERT ON templates BEGIN
    INSERT INTO templates_fts (rowid, name, description, tags) VALUES (new.num, new.name, new.description, new.tags);
END;
CREATE TRIGGER templates_fts_delete AFTER DELETE ON templates BEGIN
    INSERT INTO templates_fts (templates_fts, rowid, name, description, tags) VALUES ('delete', old.num, old.name, old.description, old.tags);
END;
