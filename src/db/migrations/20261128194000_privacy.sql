-- Personal data (RGPD): retention per démarche, anonymised requests, consents, erasure
-- requests and an append-only log of who accessed whose personal data.

-- How long a closed request is kept with its personal data, in months after closing. The
-- catalogue seed sets a value per démarche; the commune confirms the legal durations.
alter table demarches add column retention_months integer not null default 24
  check (retention_months between 1 and 1200);

-- Set by the retention job: the request keeps what statistics need (démarche, service,
-- channel, status, dates, due date) and nothing that identifies the applicant.
alter table requests add column anonymised_at timestamptz;
create index requests_retention on requests (tenant_id, closed_at) where closed_at is not null and anonymised_at is null;

-- One row per consent given, with the exact wording shown at the time: proof of consent
-- (RGPD art. 7.1) survives later changes of the form.
create table consents (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  citizen_id uuid,
  request_id uuid,
  demarche_id uuid,
  -- the form field (or account setting) the consent was given through
  subject text not null,
  wording text not null,
  -- version of the wording: a hash of it, so that any change of text is a new version
  version text not null,
  method text not null check (method in ('form_checkbox', 'account_setting')),
  given_at timestamptz not null default now(),
  withdrawn_at timestamptz,
  primary key (tenant_id, id),
  foreign key (tenant_id, citizen_id) references citizens (tenant_id, id) on delete cascade,
  foreign key (tenant_id, request_id) references requests (tenant_id, id) on delete cascade,
  check (citizen_id is not null or request_id is not null)
);
create index consents_citizen on consents (tenant_id, citizen_id) where citizen_id is not null;
create index consents_request on consents (tenant_id, request_id) where request_id is not null;

-- A citizen's erasure request that an agent must decide, because a legal obligation (an open
-- request, a request still within its retention period) may require keeping data.
create table erasure_requests (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  citizen_id uuid,
  -- where to send the decision, kept until it is sent (the account may be gone by then)
  contact_email text,
  citizen_name text,
  -- services whose requests keep the data: their agents may decide
  service_ids uuid[] not null default '{}',
  -- why the erasure could not be done at once, as shown to the agent
  grounds text not null,
  status text not null default 'pending' check (status in ('pending', 'approved', 'refused')),
  requested_at timestamptz not null default now(),
  decided_at timestamptz,
  decided_by uuid,
  decision_reason text,
  primary key (tenant_id, id),
  foreign key (tenant_id, citizen_id) references citizens (tenant_id, id) on delete set null (citizen_id),
  foreign key (tenant_id, decided_by) references agents (tenant_id, id) on delete set null (decided_by)
);
create index erasure_requests_status on erasure_requests (tenant_id, status, requested_at);

-- Append-only: who (agent, citizen, system) did what with whose personal data, and when.
-- No foreign keys: entries outlive the requests and accounts they are about (erasure,
-- retention) for the year they are kept.
create table personal_data_access_log (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  at timestamptz not null default now(),
  actor_kind text not null check (actor_kind in ('agent', 'citizen', 'system')),
  actor_id uuid,
  -- the actor's name at the time, as the citizen will read it
  actor_label text not null,
  action text not null check (action in ('view_request', 'download_document', 'export', 'erasure')),
  citizen_id uuid,
  request_id uuid,
  request_reference text,
  ip text,
  primary key (tenant_id, id)
);
create index personal_data_access_log_citizen on personal_data_access_log (tenant_id, citizen_id, at desc);
create index personal_data_access_log_request on personal_data_access_log (tenant_id, request_id, at desc);

-- Entries are never changed, and deleted only once past the year they are kept for, whoever
-- asks (the application role has neither UPDATE nor DELETE; see migrate.ts).
create function guichet_access_log_guard() returns trigger
  language plpgsql
  as $$
  begin
    if tg_op = 'DELETE' and old.at < now() - interval '1 year' then
      return old;
    end if;
    raise exception 'personal_data_access_log is append-only (% refused)', tg_op
      using errcode = 'insufficient_privilege';
  end $$;
create trigger personal_data_access_log_append_only
  before update or delete on personal_data_access_log
  for each row execute function guichet_access_log_guard();
create function guichet_access_log_no_truncate() returns trigger
  language plpgsql
  as $$ begin raise exception 'personal_data_access_log is append-only (TRUNCATE refused)'
    using errcode = 'insufficient_privilege'; end $$;
create trigger personal_data_access_log_no_truncate
  before truncate on personal_data_access_log
  for each statement execute function guichet_access_log_no_truncate();

-- The retention job's only way to remove entries: those of the current tenant older than a year.
create function guichet_purge_access_log() returns integer
  language plpgsql volatile security definer set search_path = public
  as $$
  declare n integer;
  begin
    delete from personal_data_access_log
      where tenant_id = guichet_current_tenant() and at < now() - interval '1 year';
    get diagnostics n = row_count;
    return n;
  end $$;

do $$
declare t text;
begin
  foreach t in array array['consents', 'erasure_requests', 'personal_data_access_log']
  loop
    execute format('alter table %I enable row level security', t);
    execute format(
      'create policy tenant_isolation on %I using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant())',
      t);
  end loop;
end $$;
