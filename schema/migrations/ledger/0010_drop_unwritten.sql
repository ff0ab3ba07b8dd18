-- Tables of the reference system that agov never writes: every action is an
-- `agent.*` ledger event (tamper-evident, queried with `ledger query`), and
-- tenants and projects are configuration (`tenant =`, `[tenants.NAME]`,
-- `project =`) that every record, event and key carries. An empty table
-- beside them only misled readers of the schema; docs/reference-mapping.md
-- maps each reference table to where agov keeps its content.
DROP INDEX IF EXISTS agent_actions_agent;
DROP TABLE IF EXISTS agent_actions;
DROP TABLE IF EXISTS projects;
DROP TABLE IF EXISTS tenants;
