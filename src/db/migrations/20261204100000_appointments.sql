-- Appointments (issue 11, parts 1–3; decision 39): sites, resources and their opening
-- periods, closures, appointment types (motifs) per démarche, the appointments themselves with
-- the database refusing any double booking, single-use links, the waiting list, and what the
-- counter (modules/counter) records on the day.

-- Exclusion constraints on (resource, time range) need btree_gist for the equality columns.
-- PGlite ships it as a contrib extension (loaded in db/database.ts), PostgreSQL in contrib.
create extension if not exists btree_gist;

-- A place where citizens are received: the mairie, a mairie annexe, a France services.
create table appointment_sites (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  name text not null check (length(name) between 1 and 120),
  kind text not null default 'mairie' check (kind in ('mairie', 'annexe', 'france_services', 'autre')),
  address text not null default '' check (length(address) <= 300),
  postal_code text not null default '' check (length(postal_code) <= 10),
  city text not null default '' check (length(city) <= 120),
  phone text not null default '' check (length(phone) <= 40),
  -- How to get there, accessibility, where to wait: shown on the booking page and in the mails.
  access_info text not null default '' check (length(access_info) <= 1000),
  -- Opening hours as citizens read them (« du lundi au vendredi, 8 h 30 – 12 h »); slots come
  -- from the resources' opening periods, not from this text.
  opening_hours text not null default '' check (length(opening_hours) <= 1000),
  active boolean not null default true,
  position integer not null default 0,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
alter table appointment_sites enable row level security;
create policy tenant_isolation on appointment_sites
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- Who or what serves an appointment at a site: a counter, a room, an agent.
create table appointment_resources (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  site_id uuid not null,
  kind text not null default 'counter' check (kind in ('counter', 'room', 'agent')),
  name text not null check (length(name) between 1 and 120),
  agent_id uuid,
  active boolean not null default true,
  position integer not null default 0,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, site_id) references appointment_sites (tenant_id, id) on delete cascade,
  foreign key (tenant_id, agent_id) references agents (tenant_id, id) on delete set null (agent_id)
);
create index appointment_resources_site on appointment_resources (tenant_id, site_id);
alter table appointment_resources enable row level security;
create policy tenant_isolation on appointment_resources
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- When a resource is open, week after week: ISO weekday (1 Monday … 7 Sunday) and local wall
-- times (Europe/Paris), optionally within a range of days (summer hours).
create table appointment_opening_periods (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  resource_id uuid not null,
  weekday smallint not null check (weekday between 1 and 7),
  opens_at time not null,
  closes_at time not null,
  valid_from date,
  valid_until date,
  primary key (tenant_id, id),
  check (closes_at > opens_at),
  check (valid_until is null or valid_from is null or valid_until >= valid_from),
  foreign key (tenant_id, resource_id) references appointment_resources (tenant_id, id) on delete cascade
);
create index appointment_opening_periods_resource on appointment_opening_periods (tenant_id, resource_id);
alter table appointment_opening_periods enable row level security;
create policy tenant_isolation on appointment_opening_periods
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- Exceptions to the opening periods: a resource (agent on leave), a whole site (works), or the
-- whole tenant when both are null. Public holidays and tenant_closing_days are applied on top,
-- computed (requests/working-days.ts, requests/tenant-calendar.ts). `source` 'ics': imported from
-- an iCalendar file, `ics_uid` the event's UID (a second import of the same file replaces it).
create table appointment_closures (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  site_id uuid,
  resource_id uuid,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  label text not null default '' check (length(label) <= 200),
  source text not null default 'manual' check (source in ('manual', 'ics')),
  ics_uid text check (length(ics_uid) <= 300),
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  check (ends_at > starts_at),
  foreign key (tenant_id, site_id) references appointment_sites (tenant_id, id) on delete cascade,
  foreign key (tenant_id, resource_id) references appointment_resources (tenant_id, id) on delete cascade
);
create index appointment_closures_time on appointment_closures (tenant_id, starts_at);
alter table appointment_closures enable row level security;
create policy tenant_isolation on appointment_closures
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- An appointment type (« motif ») for a démarche: how long, what to bring, who can serve it,
-- how early and late one may book and cancel, how many people per slot.
create table appointment_motifs (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  demarche_id uuid not null,
  name text not null check (length(name) between 1 and 160),
  duration_minutes smallint not null check (duration_minutes between 5 and 480),
  -- Time the resource stays busy after each appointment (filing, cleaning the room).
  buffer_minutes smallint not null default 0 check (buffer_minutes between 0 and 240),
  -- The checklist in every message; empty: the démarche's « À prévoir » section.
  documents text[] not null default '{}',
  mode text not null default 'site' check (mode in ('site', 'phone')),
  min_lead_minutes integer not null default 30 check (min_lead_minutes between 0 and 43200),
  max_lead_days integer not null default 90 check (max_lead_days between 1 and 366),
  -- Until how long before its start the citizen may cancel or move it themselves.
  cancel_until_minutes integer not null default 240 check (cancel_until_minutes between 0 and 20160),
  -- 1: one person per slot; more: a collective session.
  capacity smallint not null default 1 check (capacity between 1 and 200),
  waiting_list boolean not null default true,
  active boolean not null default true,
  position integer not null default 0,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, demarche_id) references demarches (tenant_id, id) on delete cascade
);
create index appointment_motifs_demarche on appointment_motifs (tenant_id, demarche_id);
alter table appointment_motifs enable row level security;
create policy tenant_isolation on appointment_motifs
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- The resources able to serve a motif.
create table appointment_motif_resources (
  tenant_id uuid not null references tenants (id) on delete cascade,
  motif_id uuid not null,
  resource_id uuid not null,
  primary key (tenant_id, motif_id, resource_id),
  foreign key (tenant_id, motif_id) references appointment_motifs (tenant_id, id) on delete cascade,
  foreign key (tenant_id, resource_id) references appointment_resources (tenant_id, id) on delete cascade
);
create index appointment_motif_resources_resource on appointment_motif_resources (tenant_id, resource_id);
alter table appointment_motif_resources enable row level security;
create policy tenant_isolation on appointment_motif_resources
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- One booked place. `busy_until` = end + the motif's buffer: the resource's busy range.
-- No double booking (decision 39), enforced here whatever the code does:
--   * on one resource, overlapping live appointments must be the same slot (`slot_key`: motif and
--     start), so an individual appointment never overlaps a collective session or another slot;
--   * within it, each takes a seat from 1 to the slot's capacity, and overlapping live
--     appointments never share a seat: capacity 1 means one person, full stop;
--   * one person never holds two overlapping live appointments for the same démarche.
-- Concurrent inserts of the same place wait for each other (like a unique index) and all but one
-- fail with exclusion_violation (23P01), which the booking turns into « créneau complet ».
create table appointments (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  -- Read over the phone and typed at the counter: RDV-XXXXXX (letters and digits without 0/O/1/I).
  reference text not null check (reference ~ '^RDV-[0-9A-Z]{6}$'),
  motif_id uuid not null,
  demarche_id uuid not null,
  site_id uuid not null,
  resource_id uuid not null,
  person_id uuid,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  busy_until timestamptz not null,
  slot_key text not null,
  capacity smallint not null default 1 check (capacity between 1 and 200),
  seat smallint not null default 1,
  given_name text not null check (length(given_name) between 1 and 100),
  family_name text not null check (length(family_name) between 1 and 100),
  email text check (length(email) <= 254),
  -- E.164.
  phone text check (phone ~ '^\+[1-9][0-9]{7,14}$'),
  sms_reminders boolean not null default false,
  channel text not null check (channel in ('web', 'api', 'phone', 'counter', 'kiosk')),
  booked_by_agent_id uuid,
  -- The noted call or visit the agent booked it from (requests on the contact démarches).
  request_id uuid,
  status text not null default 'booked' check (status in ('booked', 'cancelled', 'seen', 'excused', 'no_show')),
  status_changed_at timestamptz not null default now(),
  cancelled_at timestamptz,
  cancelled_by text check (cancelled_by in ('citizen', 'agent', 'system')),
  -- The day at the counter (modules/counter): arrival, called to a counter, service started and
  -- ended, by whom and where.
  checked_in_at timestamptz,
  called_at timestamptz,
  served_at timestamptz,
  completed_at timestamptz,
  served_by_agent_id uuid,
  counter_resource_id uuid,
  -- The iCalendar SEQUENCE: bumped at each move so calendars update the same event (same UID).
  ics_sequence integer not null default 0,
  -- How many times it moved (a move keeps the appointment and its reference).
  moves integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, reference),
  check (ends_at > starts_at),
  check (busy_until >= ends_at),
  check (seat between 1 and capacity),
  foreign key (tenant_id, motif_id) references appointment_motifs (tenant_id, id),
  foreign key (tenant_id, demarche_id) references demarches (tenant_id, id),
  foreign key (tenant_id, site_id) references appointment_sites (tenant_id, id),
  foreign key (tenant_id, resource_id) references appointment_resources (tenant_id, id),
  foreign key (tenant_id, person_id) references people (tenant_id, id) on delete set null (person_id),
  foreign key (tenant_id, booked_by_agent_id) references agents (tenant_id, id) on delete set null (booked_by_agent_id),
  foreign key (tenant_id, served_by_agent_id) references agents (tenant_id, id) on delete set null (served_by_agent_id),
  foreign key (tenant_id, counter_resource_id) references appointment_resources (tenant_id, id) on delete set null (counter_resource_id),
  foreign key (tenant_id, request_id) references requests (tenant_id, id) on delete set null (request_id),
  constraint appointments_no_overlapping_slots exclude using gist (
    tenant_id with =, resource_id with =, tstzrange(starts_at, busy_until, '[)') with &&, slot_key with <>
  ) where (status <> 'cancelled'),
  constraint appointments_one_per_seat exclude using gist (
    tenant_id with =, resource_id with =, tstzrange(starts_at, busy_until, '[)') with &&, seat with =
  ) where (status <> 'cancelled'),
  constraint appointments_one_per_person exclude using gist (
    tenant_id with =, person_id with =, demarche_id with =, tstzrange(starts_at, ends_at, '[)') with &&
  ) where (status <> 'cancelled' and person_id is not null)
);
-- The slot search reads the live appointments of a few resources over a range of days.
create index appointments_resource_time on appointments (tenant_id, resource_id, starts_at)
  include (busy_until, slot_key) where status <> 'cancelled';
create index appointments_site_day on appointments (tenant_id, site_id, starts_at);
create index appointments_person on appointments (tenant_id, person_id, starts_at);
alter table appointments enable row level security;
create policy tenant_isolation on appointments
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- Links mailed to cancel or move an appointment: only a hash of the token is stored; each link
-- is used once (`used_at`), and a move mails a new one.
create table appointment_links (
  tenant_id uuid not null references tenants (id) on delete cascade,
  token_hash text not null,
  appointment_id uuid not null,
  created_at timestamptz not null default now(),
  used_at timestamptz,
  used_for text check (used_for in ('cancel', 'move')),
  primary key (tenant_id, token_hash),
  foreign key (tenant_id, appointment_id) references appointments (tenant_id, id) on delete cascade
);
create index appointment_links_appointment on appointment_links (tenant_id, appointment_id);
alter table appointment_links enable row level security;
create policy tenant_isolation on appointment_links
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- The waiting list for a full day: freed slots are offered in order of registration, at most one
-- offer a day and three in all per entry (decision 39).
create table appointment_waitlist (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  motif_id uuid not null,
  site_id uuid,
  day date not null,
  person_id uuid,
  given_name text not null check (length(given_name) between 1 and 100),
  family_name text not null check (length(family_name) between 1 and 100),
  email text not null check (length(email) <= 254),
  phone text check (phone ~ '^\+[1-9][0-9]{7,14}$'),
  status text not null default 'waiting' check (status in ('waiting', 'booked', 'withdrawn', 'exhausted', 'expired')),
  offers_sent smallint not null default 0 check (offers_sent between 0 and 3),
  last_offer_on date,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, motif_id) references appointment_motifs (tenant_id, id) on delete cascade,
  foreign key (tenant_id, site_id) references appointment_sites (tenant_id, id) on delete cascade,
  foreign key (tenant_id, person_id) references people (tenant_id, id) on delete set null (person_id)
);
create unique index appointment_waitlist_once on appointment_waitlist (tenant_id, motif_id, day, lower(email))
  where status = 'waiting';
create index appointment_waitlist_queue on appointment_waitlist (tenant_id, motif_id, day, created_at)
  where status = 'waiting';
alter table appointment_waitlist enable row level security;
create policy tenant_isolation on appointment_waitlist
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- One freed slot offered to one waiting person, by a single-use link.
create table appointment_offers (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  waitlist_id uuid not null,
  resource_id uuid not null,
  starts_at timestamptz not null,
  token_hash text not null,
  offered_at timestamptz not null default now(),
  accepted_at timestamptz,
  appointment_id uuid,
  primary key (tenant_id, id),
  unique (tenant_id, token_hash),
  foreign key (tenant_id, waitlist_id) references appointment_waitlist (tenant_id, id) on delete cascade,
  foreign key (tenant_id, resource_id) references appointment_resources (tenant_id, id) on delete cascade,
  foreign key (tenant_id, appointment_id) references appointments (tenant_id, id) on delete set null (appointment_id)
);
create index appointment_offers_waitlist on appointment_offers (tenant_id, waitlist_id);
alter table appointment_offers enable row level security;
create policy tenant_isolation on appointment_offers
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- Reminders are never sent after the appointment started (an outage of the mail server or the
-- SMS provider must not deliver them late): past `not_after`, the sender drops the message.
alter table mail_outbox add column not_after timestamptz;
-- Files generated with the mail (the appointment's .ics), as {filename, contentType, content}.
alter table mail_outbox add column inline_attachments jsonb not null default '[]';
alter table sms_messages add column not_after timestamptz;
alter table sms_messages add column appointment_id uuid;
alter table sms_messages drop constraint sms_messages_purpose_check;
alter table sms_messages add constraint sms_messages_purpose_check
  check (purpose in ('reply', 'status', 'appointment'));
alter table sms_messages drop constraint sms_messages_status_check;
alter table sms_messages add constraint sms_messages_status_check
  check (status in ('pending', 'sent', 'failed', 'expired'));
alter table mail_outbox drop constraint mail_outbox_status_check;
alter table mail_outbox add constraint mail_outbox_status_check
  check (status in ('pending', 'sent', 'failed', 'expired'));
