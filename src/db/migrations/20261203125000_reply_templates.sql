-- Replies (issue 8, item 6): reply templates per tenant and service, and a signature per service.

-- A template for a service's agents, or (service_id null) for every service of the tenant.
create table reply_templates (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  service_id uuid,
  title text not null check (length(title) between 1 and 120),
  body text not null check (length(body) between 1 and 5000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, service_id) references services (tenant_id, id) on delete cascade
);
create index reply_templates_service on reply_templates (tenant_id, service_id, title);
alter table reply_templates enable row level security;
create policy tenant_isolation on reply_templates
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- Appended to every reply of the service's agents (mail and timeline); '' for none.
alter table services add column reply_signature text not null default ''
  check (length(reply_signature) <= 500);
