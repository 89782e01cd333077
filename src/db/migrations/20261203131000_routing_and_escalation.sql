-- Routing, automatic assignment and escalation (issue 8, item 4).

-- Rules that send a new item to a service, in the order an administrator set: the first active
-- rule whose conditions all hold wins (requests/route-item.ts). Each condition is a list, any of
-- whose values satisfies it; an empty list is no condition.
create table routing_rules (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  -- 1, 2, 3…: checked at the end of each statement, so that one update can swap two rules.
  position integer not null check (position > 0),
  name text not null check (length(name) between 1 and 120),
  active boolean not null default true,
  -- Démarches (no foreign key on an array: a démarche gone simply matches nothing).
  demarche_ids uuid[] not null default '{}',
  -- Themes of the démarche (catalogue/taxonomy.ts, LIFE_EVENTS slugs).
  themes text[] not null default '{}' check (cardinality(themes) <= 50),
  -- Words or phrases looked for in the item's text, without case or accents.
  keywords text[] not null default '{}' check (cardinality(keywords) <= 50),
  -- Postcodes (5 digits) or commune and district names, against the item's address fields.
  places text[] not null default '{}' check (cardinality(places) <= 100),
  -- Channels the item came by ('en-ligne', 'courriel', 'telephone', 'guichet', 'api').
  channels text[] not null default '{}' check (cardinality(channels) <= 10),
  service_id uuid not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  constraint routing_rules_position unique (tenant_id, position) deferrable initially immediate,
  foreign key (tenant_id, service_id) references services (tenant_id, id) on delete cascade
);
alter table routing_rules enable row level security;
create policy tenant_isolation on routing_rules
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- Round-robin among the service's available agents, optional per service (administrators).
alter table services add column auto_assign boolean not null default false;
-- When each agent last received an item of the service by round-robin: the next goes to the
-- one who waited longest (null: never, first in line).
alter table agent_services add column last_auto_assigned_at timestamptz;

-- An agent's absence, from one day to another (both included): no automatic assignment then,
-- and the assignment lists say so.
create table agent_absences (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  agent_id uuid not null,
  starts_on date not null,
  ends_on date not null,
  reason text not null default '' check (length(reason) <= 200),
  declared_by uuid,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  check (ends_on >= starts_on),
  foreign key (tenant_id, agent_id) references agents (tenant_id, id) on delete cascade,
  foreign key (tenant_id, declared_by) references agents (tenant_id, id) on delete set null (declared_by)
);
create index agent_absences_agent on agent_absences (tenant_id, agent_id, ends_on);
alter table agent_absences enable row level security;
create policy tenant_isolation on agent_absences
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- Raised to the service's supervisors; cleared when a supervisor takes or assigns the item, or
-- when it is closed.
alter table requests add column escalated_at timestamptz;
create index requests_escalated on requests (tenant_id, service_id) where escalated_at is not null;

-- Closing clears the escalation, whatever path closes the item (status change, contact noted as
-- answered, bulk actions to come): one rule, kept where every path goes through.
create function guichet_clear_escalation_on_close() returns trigger
language plpgsql as $$
begin
  if new.closed_at is not null and new.escalated_at is not null then
    new.escalated_at := null;
  end if;
  return new;
end;
$$;
create trigger requests_clear_escalation_on_close
  before update of closed_at, escalated_at on requests
  for each row when (new.closed_at is not null and new.escalated_at is not null)
  execute function guichet_clear_escalation_on_close();
