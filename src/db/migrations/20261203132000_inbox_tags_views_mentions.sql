-- The inbox's own tools (issue 8, item 3): tags on items, saved views of the list, and the items
-- an agent was mentioned on since they last opened them.

-- A tenant's tags: a label agents put on items (« urgent », « élu », « dossier incomplet »).
-- Unique per tenant without regard to case: « Urgent » and « urgent » are one tag.
create table tags (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  label text not null check (length(label) between 1 and 40),
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create unique index tags_label on tags (tenant_id, lower(label));
alter table tags enable row level security;
create policy tenant_isolation on tags
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

create table request_tags (
  tenant_id uuid not null,
  request_id uuid not null,
  tag_id uuid not null,
  added_at timestamptz not null default now(),
  added_by uuid,
  primary key (tenant_id, request_id, tag_id),
  foreign key (tenant_id, request_id) references requests (tenant_id, id) on delete cascade,
  foreign key (tenant_id, tag_id) references tags (tenant_id, id) on delete cascade,
  foreign key (tenant_id, added_by) references agents (tenant_id, id) on delete set null (added_by)
);
create index request_tags_tag on request_tags (tenant_id, tag_id);
alter table request_tags enable row level security;
create policy tenant_isolation on request_tags
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- An agent's saved view: a name and the list's query string (filters and sort), checked again
-- every time it is used. Shared with one of the agent's services when shared_service_id is set.
create table saved_views (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  agent_id uuid not null,
  name text not null check (length(name) between 1 and 60),
  query text not null check (length(query) <= 2000),
  shared_service_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, agent_id) references agents (tenant_id, id) on delete cascade,
  foreign key (tenant_id, shared_service_id) references services (tenant_id, id) on delete set null (shared_service_id)
);
create unique index saved_views_name on saved_views (tenant_id, agent_id, lower(name));
create index saved_views_shared on saved_views (tenant_id, shared_service_id) where shared_service_id is not null;
alter table saved_views enable row level security;
create policy tenant_isolation on saved_views
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- The last time an agent was mentioned in an internal note of an item: the item is « Mentionné »
-- for them until they open it again (request_reads.read_at later than mentioned_at).
create table request_mentions (
  tenant_id uuid not null,
  request_id uuid not null,
  agent_id uuid not null,
  mentioned_at timestamptz not null,
  primary key (tenant_id, request_id, agent_id),
  foreign key (tenant_id, request_id) references requests (tenant_id, id) on delete cascade,
  foreign key (tenant_id, agent_id) references agents (tenant_id, id) on delete cascade
);
create index request_mentions_agent on request_mentions (tenant_id, agent_id, mentioned_at);
alter table request_mentions enable row level security;
create policy tenant_isolation on request_mentions
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());
