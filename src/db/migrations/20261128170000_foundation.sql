-- Foundation: tenants, catalogue, requests, agents, mail outbox.
-- Every table carries tenant_id and every key includes it, so that tables can later be
-- distributed by tenant. Row-level security is enabled on every tenant table; the
-- application runs as guichet_app, which cannot bypass it.

create extension if not exists pg_trgm;
create extension if not exists unaccent;
create extension if not exists citext;

-- The tenant of the current transaction, set by the application (db/tenant-scope.ts).
create function guichet_current_tenant() returns uuid
  language sql stable
  as $$ select nullif(current_setting('guichet.tenant_id', true), '')::uuid $$;

create table tenants (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text not null,
  kind text not null default 'commune' check (kind in ('commune', 'intercommunalite', 'departement', 'region')),
  insee_code text,
  departement_code text,
  departement_name text,
  region_name text,
  population integer,
  reference_prefix text not null check (reference_prefix ~ '^[A-Z]{2,4}$'),
  contact jsonb not null default '{}'::jsonb,
  theme jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
-- tenant_id equals id: the tenants table is scoped like every other one.
alter table tenants add column tenant_id uuid generated always as (id) stored;

create table tenant_hosts (
  host text primary key check (host = lower(host)),
  tenant_id uuid not null references tenants (id) on delete cascade
);

create table services (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  slug text not null,
  name text not null,
  description text not null default '',
  email text,
  primary key (tenant_id, id),
  unique (tenant_id, slug)
);

create table demarches (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  service_id uuid not null,
  slug text not null,
  kind text not null check (kind in ('demarche', 'information')),
  title text not null,
  summary text not null default '',
  -- Plain-language sections of the information page (markdown subset), keyed by section.
  sections jsonb not null default '{}'::jsonb,
  delay_days integer check (delay_days is null or delay_days > 0),
  channels text[] not null default '{}',
  keywords text[] not null default '{}',
  life_events text[] not null default '{}',
  audience text not null default 'public' check (audience in ('public', 'internal')),
  -- Form definition when the démarche can be done online (see catalogue/form-definition.ts).
  form jsonb,
  search_text text not null default '',
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, slug),
  foreign key (tenant_id, service_id) references services (tenant_id, id)
);
create index demarches_search_trgm on demarches using gin (search_text gin_trgm_ops);

create table agents (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  email citext not null,
  display_name text not null,
  password_hash text not null,
  role text not null default 'agent' check (role in ('agent', 'supervisor', 'admin')),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  last_login_at timestamptz,
  primary key (tenant_id, id),
  unique (tenant_id, email)
);

create table agent_services (
  tenant_id uuid not null,
  agent_id uuid not null,
  service_id uuid not null,
  primary key (tenant_id, agent_id, service_id),
  foreign key (tenant_id, agent_id) references agents (tenant_id, id) on delete cascade,
  foreign key (tenant_id, service_id) references services (tenant_id, id) on delete cascade
);

create table agent_sessions (
  tenant_id uuid not null,
  -- sha256 of the cookie value: a leaked table does not give usable sessions.
  id text not null,
  agent_id uuid not null,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, agent_id) references agents (tenant_id, id) on delete cascade
);

create table requests (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  reference text not null,
  demarche_id uuid not null,
  service_id uuid not null,
  status text not null default 'recue'
    check (status in ('recue', 'en_cours', 'en_attente_usager', 'traitee', 'refusee')),
  channel text not null default 'en-ligne',
  -- Answers as typed, keyed by field name; files are in request_documents.
  data jsonb not null,
  applicant_name text,
  applicant_email citext,
  applicant_phone text,
  tracking_secret_hash text not null,
  submitted_at timestamptz not null default now(),
  due_on date not null,
  updated_at timestamptz not null default now(),
  closed_at timestamptz,
  primary key (tenant_id, id),
  unique (tenant_id, reference),
  foreign key (tenant_id, demarche_id) references demarches (tenant_id, id),
  foreign key (tenant_id, service_id) references services (tenant_id, id)
);
create index requests_service_status on requests (tenant_id, service_id, status, submitted_at desc);

create table request_events (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  request_id uuid not null,
  kind text not null check (kind in ('submitted', 'status_changed', 'citizen_message', 'agent_message', 'internal_note')),
  status_from text,
  status_to text,
  body text not null default '',
  author_kind text not null check (author_kind in ('citizen', 'agent', 'system')),
  author_agent_id uuid,
  visible_to_citizen boolean not null,
  created_at timestamptz not null default clock_timestamp(),
  primary key (tenant_id, id),
  foreign key (tenant_id, request_id) references requests (tenant_id, id) on delete cascade,
  foreign key (tenant_id, author_agent_id) references agents (tenant_id, id)
);
create index request_events_request on request_events (tenant_id, request_id, created_at);

create table request_documents (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  request_id uuid not null,
  event_id uuid,
  field_name text,
  filename text not null,
  mime_type text not null,
  size_bytes integer not null,
  sha256 text not null,
  content bytea not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, request_id) references requests (tenant_id, id) on delete cascade,
  foreign key (tenant_id, event_id) references request_events (tenant_id, id) on delete cascade
);
create index request_documents_request on request_documents (tenant_id, request_id);

-- Transactional outbox: a mail is queued in the same transaction as the change it reports,
-- and a worker sends it; a crash never loses nor invents a notification.
create table mail_outbox (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  to_address text not null,
  subject text not null,
  text_body text not null,
  html_body text,
  request_id uuid,
  status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
  attempts integer not null default 0,
  last_error text,
  created_at timestamptz not null default now(),
  next_attempt_at timestamptz not null default now(),
  sent_at timestamptz,
  primary key (tenant_id, id)
);
create index mail_outbox_pending on mail_outbox (next_attempt_at) where status = 'pending';

-- Row-level security: one policy per tenant table, keyed on the transaction's tenant.
do $$
declare t text;
begin
  foreach t in array array['tenants', 'tenant_hosts', 'services', 'demarches', 'agents', 'agent_services',
    'agent_sessions', 'requests', 'request_events', 'request_documents', 'mail_outbox']
  loop
    execute format('alter table %I enable row level security', t);
    execute format(
      'create policy tenant_isolation on %I using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant())',
      t);
  end loop;
end $$;

-- Resolving a tenant happens before any tenant scope exists. These functions run as the
-- schema owner and return only an id, so the application role never lists tenants.
create function guichet_resolve_host(p_host text) returns uuid
  language sql stable security definer set search_path = public
  as $$ select tenant_id from tenant_hosts where host = lower(p_host) $$;
create function guichet_resolve_slug(p_slug text) returns uuid
  language sql stable security definer set search_path = public
  as $$ select id from tenants where slug = lower(p_slug) $$;
-- Background workers (mail outbox) visit each tenant in turn.
create function guichet_tenant_ids() returns setof uuid
  language sql stable security definer set search_path = public
  as $$ select id from tenants order by created_at $$;
