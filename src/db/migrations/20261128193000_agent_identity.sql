-- Agent identity hardening: invitations, TOTP second factor with recovery codes, two-step
-- sessions, ProConnect mapping settings per tenant.

-- An invited agent has no password until they accept the invitation: '' never verifies.
alter table agents
  -- AES-256-GCM ciphertext of the TOTP secret (see agents/totp-secret-box.ts); set at enrolment,
  -- confirmed by the first code (totp_enabled_at).
  add column totp_secret_encrypted text,
  add column totp_enabled_at timestamptz,
  -- The last 30-second step a code was accepted for: a code cannot be replayed in its step.
  add column totp_last_step bigint;

-- 'full': signed in. 'second_factor': password (or ProConnect) checked, TOTP code expected.
-- 'enrolment': first factor checked, the agent must set up TOTP before anything else.
alter table agent_sessions
  add column stage text not null default 'full' check (stage in ('full', 'second_factor', 'enrolment')),
  add column failed_codes smallint not null default 0;

create table agent_recovery_codes (
  tenant_id uuid not null,
  agent_id uuid not null,
  -- sha256 of the code: codes are 50 random bits, a slow hash would add nothing but latency.
  code_hash text not null,
  created_at timestamptz not null default now(),
  used_at timestamptz,
  primary key (tenant_id, agent_id, code_hash),
  foreign key (tenant_id, agent_id) references agents (tenant_id, id) on delete cascade
);

create table agent_invitations (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  agent_id uuid not null,
  -- sha256 of the token sent by mail; the token itself is never stored.
  token_hash text not null,
  invited_by uuid,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  primary key (tenant_id, id),
  unique (tenant_id, token_hash),
  foreign key (tenant_id, agent_id) references agents (tenant_id, id) on delete cascade
);

alter table tenants
  -- TOTP for agents and supervisors too (always required for administrators).
  add column require_agent_2fa boolean not null default false,
  -- ProConnect logins are accepted for agents whose SIRET or email domain is listed here.
  add column proconnect_sirets text[] not null default '{}',
  add column proconnect_domains text[] not null default '{}';

do $$
declare t text;
begin
  foreach t in array array['agent_recovery_codes', 'agent_invitations']
  loop
    execute format('alter table %I enable row level security', t);
    execute format(
      'create policy tenant_isolation on %I using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant())',
      t);
  end loop;
end $$;
