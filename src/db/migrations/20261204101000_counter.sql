-- The day at the counter (issue 11, part 4; decision 40): tickets for the people waiting at a
-- site, walk-ins by démarche and booked citizens checked in on arrival, called to a counter
-- (an appointment resource of kind 'counter'), served, and timed.

-- The letter of each walk-in line of a site, kept once given (« A » for the identity card,
-- « B » for the passport…), so that the same démarche keeps its letter from one day to the next.
-- `demarche_id` null: « Autre demande ». « R » is the appointments' line and never given here.
create table counter_lines (
  tenant_id uuid not null references tenants (id) on delete cascade,
  site_id uuid not null,
  demarche_id uuid,
  letter text not null check (letter ~ '^[A-QS-Z]$'),
  created_at timestamptz not null default now(),
  primary key (tenant_id, site_id, letter),
  constraint counter_lines_one_per_demarche unique nulls not distinct (tenant_id, site_id, demarche_id),
  foreign key (tenant_id, site_id) references appointment_sites (tenant_id, id) on delete cascade,
  foreign key (tenant_id, demarche_id) references demarches (tenant_id, id) on delete cascade
);
alter table counter_lines enable row level security;
create policy tenant_isolation on counter_lines
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- The last ticket number given per site, day and letter: taken by one upsert, so two tickets
-- issued at once never get the same number.
create table counter_ticket_numbers (
  tenant_id uuid not null references tenants (id) on delete cascade,
  site_id uuid not null,
  day date not null,
  letter text not null check (letter ~ '^[A-Z]$'),
  last_number integer not null check (last_number between 1 and 999),
  primary key (tenant_id, site_id, day, letter),
  foreign key (tenant_id, site_id) references appointment_sites (tenant_id, id) on delete cascade
);
alter table counter_ticket_numbers enable row level security;
create policy tenant_isolation on counter_ticket_numbers
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- One person waiting at a site on a day: a walk-in (no appointment) or a checked-in appointment.
-- waiting → called (shown on the screen, to a counter) → serving → seen; a called person who does
-- not come is a no_show; `left`: gone before being called. Times:
--   * waiting: from `wait_from` (arrival; for an appointment, its start if they came early) to
--     the first call;
--   * service: from `served_at` (the agent starts; the call when they did not say) to `completed_at`.
create table counter_tickets (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  site_id uuid not null,
  -- The commune's calendar day (Europe/Paris) the ticket was issued.
  day date not null,
  letter text not null check (letter ~ '^[A-Z]$'),
  number integer not null check (number between 1 and 999),
  demarche_id uuid,
  appointment_id uuid,
  -- As the walk-in gave it, for the agent (never on the waiting-room screen); optional.
  name text not null default '' check (length(name) <= 200),
  status text not null default 'waiting'
    check (status in ('waiting', 'called', 'serving', 'seen', 'no_show', 'left')),
  issued_at timestamptz not null default now(),
  wait_from timestamptz not null default now(),
  called_at timestamptz,
  -- The last time it was called (a second call shows it again on the screen).
  last_called_at timestamptz,
  calls smallint not null default 0,
  served_at timestamptz,
  completed_at timestamptz,
  counter_resource_id uuid,
  called_by_agent_id uuid,
  served_by_agent_id uuid,
  issued_by_agent_id uuid,
  primary key (tenant_id, id),
  unique (tenant_id, site_id, day, letter, number),
  check ((status = 'waiting') = (called_at is null) or status = 'left'),
  check (status not in ('called', 'serving') or counter_resource_id is not null),
  foreign key (tenant_id, site_id) references appointment_sites (tenant_id, id) on delete cascade,
  foreign key (tenant_id, demarche_id) references demarches (tenant_id, id) on delete set null (demarche_id),
  foreign key (tenant_id, appointment_id) references appointments (tenant_id, id) on delete cascade,
  foreign key (tenant_id, counter_resource_id) references appointment_resources (tenant_id, id)
    on delete set null (counter_resource_id),
  foreign key (tenant_id, called_by_agent_id) references agents (tenant_id, id) on delete set null (called_by_agent_id),
  foreign key (tenant_id, served_by_agent_id) references agents (tenant_id, id) on delete set null (served_by_agent_id),
  foreign key (tenant_id, issued_by_agent_id) references agents (tenant_id, id) on delete set null (issued_by_agent_id)
);
-- An appointment is checked in once.
create unique index counter_tickets_appointment on counter_tickets (tenant_id, appointment_id)
  where appointment_id is not null;
-- « Appeler le suivant » reads the waiting tickets of one site and day.
create index counter_tickets_waiting on counter_tickets (tenant_id, site_id, day, wait_from)
  where status = 'waiting';
-- A counter has at most one person called or being served.
create unique index counter_tickets_one_per_counter on counter_tickets (tenant_id, counter_resource_id)
  where status in ('called', 'serving');
-- The screen: the last calls of a site.
create index counter_tickets_calls on counter_tickets (tenant_id, site_id, last_called_at desc)
  where last_called_at is not null;
-- The figures: by period.
create index counter_tickets_period on counter_tickets (tenant_id, called_at);
alter table counter_tickets enable row level security;
create policy tenant_isolation on counter_tickets
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());
