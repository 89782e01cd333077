-- Deadlines (issue 8, item 5): the clock pauses while an item waits for the citizen, the
-- tenant's own closing days, a warning before the due date, and breaches kept for statistics.

-- Since when the item waits for the citizen (status en_attente_usager); null otherwise. When it
-- leaves that status, its due date moves by the working days waited (requests/deadline-clock.ts).
alter table requests add column waiting_since timestamptz;
-- Items already waiting: since their last change, the best date there is.
update requests set waiting_since = updated_at where status = 'en_attente_usager' and closed_at is null;

-- How many working days before the due date the agents are warned (0: on the day itself).
alter table tenants add column deadline_warning_days smallint not null default 2
  check (deadline_warning_days between 0 and 30);

-- Days the town hall is closed on top of public holidays (« pont », a local feast day): they do
-- not count as working days in the tenant's deadlines.
create table tenant_closing_days (
  tenant_id uuid not null references tenants (id) on delete cascade,
  day date not null,
  label text not null default '',
  primary key (tenant_id, day)
);
alter table tenant_closing_days enable row level security;
create policy tenant_isolation on tenant_closing_days
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- A due date that passed with the item still open, or an item closed after its due date: one row
-- per item and due date (a due date moved later can be breached again), for the statistics.
create table deadline_breaches (
  tenant_id uuid not null,
  request_id uuid not null,
  due_on date not null,
  detected_at timestamptz not null,
  -- 'closed_late': closed after its due date; 'overdue': found open past its due date.
  kind text not null check (kind in ('closed_late', 'overdue')),
  primary key (tenant_id, request_id, due_on),
  foreign key (tenant_id, request_id) references requests (tenant_id, id) on delete cascade
);
alter table deadline_breaches enable row level security;
create policy tenant_isolation on deadline_breaches
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- A due date moved after a wait for the citizen is on the timeline (agents only). The kind is
-- added to whatever list the constraint has now, so that other migrations adding kinds compose.
do $$
declare def text;
begin
  select pg_get_constraintdef(oid) into def from pg_constraint
   where conname = 'request_events_kind_check' and conrelid = 'request_events'::regclass;
  if def is null or position('ARRAY[' in def) = 0 then
    raise exception 'request_events_kind_check has an unexpected shape: %', def;
  end if;
  if position('''deadline_extended''' in def) = 0 then
    alter table request_events drop constraint request_events_kind_check;
    execute 'alter table request_events add constraint request_events_kind_check '
      || replace(def, 'ARRAY[', 'ARRAY[''deadline_extended''::text, ');
  end if;
end $$;
