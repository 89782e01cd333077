-- The agents' inbox (issue 8): who has an item in hand, what changed since an agent last read
-- it, and a revision number against silent overwrites.

-- The agent who has taken the item in hand (« pris en charge »); null: nobody yet.
alter table requests add column assigned_agent_id uuid;
alter table requests add constraint requests_assigned_agent_fk
  foreign key (tenant_id, assigned_agent_id) references agents (tenant_id, id);
-- Bumped by every new timeline event and every change of assignment or status: a form sent with
-- an older revision is told what changed instead of overwriting it.
alter table requests add column revision integer not null default 0;
-- The last time the citizen wrote (a message, a document): what makes an item unread.
alter table requests add column citizen_activity_at timestamptz;
update requests r set citizen_activity_at = (
  select max(e.created_at) from request_events e
  where e.tenant_id = r.tenant_id and e.request_id = r.id and e.author_kind = 'citizen'
);
create index requests_assigned on requests (tenant_id, assigned_agent_id, due_on) where closed_at is null;
create index requests_open_due on requests (tenant_id, service_id, due_on) where closed_at is null;

-- When each agent last opened each item.
create table request_reads (
  tenant_id uuid not null,
  request_id uuid not null,
  agent_id uuid not null,
  read_at timestamptz not null,
  primary key (tenant_id, request_id, agent_id),
  foreign key (tenant_id, request_id) references requests (tenant_id, id) on delete cascade,
  foreign key (tenant_id, agent_id) references agents (tenant_id, id) on delete cascade
);
alter table request_reads enable row level security;
create policy tenant_isolation on request_reads
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- Assignment changes are on the timeline (agents only).
alter table request_events drop constraint request_events_kind_check;
alter table request_events add constraint request_events_kind_check
  check (kind in ('submitted', 'email_received', 'status_changed', 'citizen_message', 'agent_message', 'internal_note', 'assigned'));

-- Every event is a change of the item: one place keeps the revision and the citizen's last
-- activity right, whatever code path wrote the event.
create function guichet_request_event_bump() returns trigger language plpgsql as $$
begin
  update requests
     set revision = revision + 1,
         citizen_activity_at = case when new.author_kind = 'citizen' then new.created_at else citizen_activity_at end
   where tenant_id = new.tenant_id and id = new.request_id;
  return new;
end $$;
create trigger request_events_bump after insert on request_events
  for each row execute function guichet_request_event_bump();
