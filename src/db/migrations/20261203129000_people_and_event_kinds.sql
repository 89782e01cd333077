-- The citizen record (issue 8, item 2): one row per person the town hall deals with, whatever
-- the channel and whether or not they have an account. An account (citizens) is one way a person
-- signs in; a phone caller or an email sender is a person without one. Requests, contacts and
-- (later) appointments and feedback point at the person: one timeline per citizen.
create table people (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  given_name text check (length(given_name) <= 200),
  family_name text check (length(family_name) <= 200),
  -- The name as given in one string (a form's « Nom et prénom », an email's display name), when
  -- the given and family names are not known apart.
  display_name text not null default '' check (length(display_name) <= 300),
  birthdate date,
  email text check (length(email) <= 320),
  phone text check (length(phone) <= 40),
  postal_address text not null default '' check (length(postal_address) <= 500),
  preferred_channel text check (preferred_channel in ('email', 'telephone', 'sms', 'courrier', 'guichet')),
  language text not null default 'fr' check (length(language) between 2 and 35),
  accessibility_needs text not null default '' check (length(accessibility_needs) <= 1000),
  -- The account this person signs in with, if any (one person per account).
  citizen_id uuid,
  identity_source text check (identity_source in ('franceconnect')),
  identity_verified_at timestamptz,
  -- Set when an agent merged this record into another (undoable: see person_merges).
  merged_into_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, citizen_id) references citizens (tenant_id, id) on delete set null (citizen_id),
  foreign key (tenant_id, merged_into_id) references people (tenant_id, id)
);
create unique index people_citizen on people (tenant_id, citizen_id) where citizen_id is not null;
create index people_email on people (tenant_id, lower(email)) where merged_into_id is null;
create index people_phone on people (tenant_id, guichet_phone_key(phone)) where merged_into_id is null;
alter table people enable row level security;
create policy tenant_isolation on people
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- The person an item concerns (null: nobody known, or anonymised).
alter table requests add column person_id uuid;
alter table requests add constraint requests_person_fk
  foreign key (tenant_id, person_id) references people (tenant_id, id);
create index requests_person on requests (tenant_id, person_id, submitted_at) where person_id is not null;

-- Timeline event kinds the workspace's next pieces write (routing, escalation, tags, SMS), listed
-- once here so that their migrations need not rewrite the constraint one after the other.
alter table request_events drop constraint request_events_kind_check;
alter table request_events add constraint request_events_kind_check
  check (kind in ('submitted', 'email_received', 'status_changed', 'citizen_message', 'agent_message',
    'internal_note', 'assigned', 'deadline_extended', 'transferred', 'routed', 'escalated',
    'tags_changed', 'sms_sent', 'filed_on_behalf', 'person_changed'));
