-- Citizens who chose to have an account (email and password) or who came with FranceConnect.
-- A démarche never requires one: requests keep working without citizen_id.

create table citizens (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  email citext,
  email_verified_at timestamptz,
  -- argon2id; null for a citizen who only uses FranceConnect
  password_hash text,
  given_name text,
  family_name text,
  preferred_username text,
  birthdate date,
  birthplace text,
  birthcountry text,
  gender text,
  -- FranceConnect's `sub` for this service, once linked
  franceconnect_sub text,
  identity_verified_at timestamptz,
  -- channel (email, sms, courrier), language, accessibility needs…
  preferences jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  last_login_at timestamptz,
  primary key (tenant_id, id),
  unique (tenant_id, email),
  unique (tenant_id, franceconnect_sub)
);

create table citizen_sessions (
  tenant_id uuid not null,
  -- sha256 of the cookie value
  id text not null,
  citizen_id uuid not null,
  method text not null check (method in ('password', 'franceconnect')),
  -- FranceConnect's ID token, needed as id_token_hint to log out at the provider
  id_token text,
  user_agent text,
  ip text,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, citizen_id) references citizens (tenant_id, id) on delete cascade
);
create index citizen_sessions_citizen on citizen_sessions (tenant_id, citizen_id);

-- Single-use tokens sent by mail: email verification and password reset (only their hash).
create table citizen_tokens (
  tenant_id uuid not null,
  id text not null,
  citizen_id uuid not null,
  purpose text not null check (purpose in ('verify_email', 'reset_password')),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  primary key (tenant_id, id),
  foreign key (tenant_id, citizen_id) references citizens (tenant_id, id) on delete cascade
);

alter table requests add column citizen_id uuid;
alter table requests add foreign key (tenant_id, citizen_id) references citizens (tenant_id, id) on delete set null (citizen_id);
-- 'franceconnect' when the applicant's identity came from FranceConnect (shown as verified, not editable)
alter table requests add column identity_source text check (identity_source in ('franceconnect'));
create index requests_citizen on requests (tenant_id, citizen_id) where citizen_id is not null;
create index requests_applicant_email on requests (tenant_id, applicant_email);

do $$
declare t text;
begin
  foreach t in array array['citizens', 'citizen_sessions', 'citizen_tokens']
  loop
    execute format('alter table %I enable row level security', t);
    execute format(
      'create policy tenant_isolation on %I using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant())',
      t);
  end loop;
end $$;
