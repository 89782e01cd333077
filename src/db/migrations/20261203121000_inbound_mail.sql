-- Inbound mail: citizens write to their commune's address and each message becomes an item of
-- the agents' inbox (a request on the tenant's contact démarche), or is threaded onto one.
-- See docs/architecture.md, « Inbound mail ».

-- A contact démarche: where messages that arrive without a form land (kind 'contact', audience
-- 'internal'): never in the catalogue, the search or the forms citizens can fill in.
alter table demarches drop constraint demarches_kind_check;
alter table demarches add constraint demarches_kind_check check (kind in ('demarche', 'information', 'contact'));

-- The first event of an item opened by an email: the message itself.
alter table request_events drop constraint request_events_kind_check;
alter table request_events add constraint request_events_kind_check
  check (kind in ('submitted', 'status_changed', 'citizen_message', 'agent_message', 'internal_note', 'email_received'));

-- Each tenant's inbound address. Null: <slug>@INBOUND_DOMAIN (modules/inbound-mail/inbound-address.ts).
alter table tenants add column inbound_address citext unique
  check (inbound_address is null or inbound_address ~ '^[^@\s<>+]+@[^@\s<>]+$');

-- Which tenant an address (without its +tag) belongs to, before any tenant scope exists: like
-- guichet_resolve_host, it runs as the schema owner and returns only an id.
create function guichet_resolve_inbound_address(p_address text, p_default_domain text) returns uuid
  language sql stable security definer set search_path = public
  as $$
    select id from tenants
    where lower(inbound_address) = lower(p_address)
       or (inbound_address is null and lower(slug || '@' || p_default_domain) = lower(p_address))
    limit 1
  $$;

-- Every mail Guichet sends carries Message-ID <message_id@domain>, so that a reply's
-- In-Reply-To or References leads back to the request the mail was about, and a bounce to the
-- address that failed. reply_to: this mail's Reply-To when it is not the tenant's (an item's own
-- reply address); headers: extra headers (Auto-Submitted, In-Reply-To, References).
alter table mail_outbox
  add column message_id uuid not null default gen_random_uuid(),
  add column reply_to text,
  add column headers jsonb not null default '{}'::jsonb;
create unique index mail_outbox_message_id on mail_outbox (tenant_id, message_id);

-- Every message received for a tenant, kept apart from the timeline: its headers for threading,
-- its quoted history (folded in the agent's view), its sanitised HTML (never the raw one), and
-- why it was not answered when it was not.
create table inbound_mails (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  received_at timestamptz not null default now(),
  message_id text,
  from_address citext,
  from_name text,
  subject text not null default '',
  -- The subject without « Re: », « TR: »…, lower case: the key of the acknowledgement cap.
  subject_key text not null default '',
  -- The request it opened or was added to; null for automatic mail that was only recorded.
  request_id uuid,
  event_id uuid,
  -- 'new', 'subject_reference', 'in_reply_to', 'plus_address'
  threaded_by text not null check (threaded_by in ('new', 'subject_reference', 'in_reply_to', 'plus_address', 'none')),
  -- A reply to an item, from another address than its citizen's: a new item, linked and flagged.
  from_other_address boolean not null default false,
  related_request_id uuid,
  new_text text not null default '',
  quoted_text text not null default '',
  html_sanitised text,
  -- Why no answer was sent: 'auto_submitted', 'bounce', 'own_mail', 'ack_cap', … (null: acknowledged or a reply).
  not_answered_reason text,
  acknowledged boolean not null default false,
  size_bytes integer not null default 0,
  primary key (tenant_id, id),
  foreign key (tenant_id, request_id) references requests (tenant_id, id) on delete set null (request_id),
  foreign key (tenant_id, related_request_id) references requests (tenant_id, id) on delete set null (related_request_id)
);
create index inbound_mails_ack_cap on inbound_mails (tenant_id, from_address, received_at) where acknowledged;
create index inbound_mails_request on inbound_mails (tenant_id, request_id);

-- « Adresse en échec »: an address a delivery-status notification said cannot receive mail,
-- with the request the failed mail was about (found from its Message-ID).
create table mail_failed_addresses (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  address citext not null,
  request_id uuid,
  outbox_id uuid,
  status text not null default '',
  diagnostic text not null default '',
  failed_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, request_id) references requests (tenant_id, id) on delete set null (request_id)
);
create index mail_failed_addresses_address on mail_failed_addresses (tenant_id, address);

do $$
declare t text;
begin
  foreach t in array array['inbound_mails', 'mail_failed_addresses']
  loop
    execute format('alter table %I enable row level security', t);
    execute format(
      'create policy tenant_isolation on %I using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant())',
      t);
  end loop;
end $$;
