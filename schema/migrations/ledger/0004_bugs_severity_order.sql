-- `bugs list` without a status filter orders by severity then age: this index
-- serves that order directly instead of sorting every bug.
CREATE INDEX bugs_tenant_severity ON bugs (tenant, severity_rank, created_us);
