-- The inbox's « Escaladées » view (supervisors, administrators): open items that were ever raised
-- to the service's supervisors, found from their `escalated` events. A small partial index, read
-- once per count as a set the open items are checked against.
create index request_events_escalated on request_events (tenant_id, request_id) where kind = 'escalated';
