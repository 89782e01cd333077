-- A démarche filed by an agent for a citizen on the phone or at the counter (issue 8, item 1):
-- the request records who filed it; its channel says how the citizen reached the town hall.
alter table requests add column filed_by_agent_id uuid;
alter table requests add constraint requests_filed_by_fk
  foreign key (tenant_id, filed_by_agent_id) references agents (tenant_id, id);
