-- The inbox at volume (bench/workspace.ts, docs/performance.md): the counters of the open views
-- and the first page of a service's open items, sorted by due date, read from one partial index
-- of the open items that holds every column their filters use (an index-only scan for the
-- counters). It replaces requests_open_due, whose columns it starts with.
create index requests_open_inbox on requests (tenant_id, service_id, due_on, submitted_at)
  include (status, assigned_agent_id) where closed_at is null;
drop index requests_open_due;
