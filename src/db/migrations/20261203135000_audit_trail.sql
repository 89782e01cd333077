-- Audit (issue 8, item 8): every access to a citizen's data and every change to an item is kept
-- with who, when, what and through which channel, and neither can be rewritten afterwards
-- (docs/decisions/0022-append-only-audit-trail.md).
--
-- Channels: 'web' (a page of the site, agent or citizen), 'api' (the JSON API), 'tracking' (the
-- tracking page, opened with a reference and its code), 'mail' (an inbound mail), 'job' (a
-- background job: retention, deadlines).

-- 1. The personal data access log gets its channel, and the journal's own readings.
alter table personal_data_access_log add column channel text
  check (channel in ('web', 'api', 'tracking', 'mail', 'job'));
-- Past entries: the best the other columns tell. The append-only guard is lifted for this one
-- statement, inside the migration's transaction.
alter table personal_data_access_log disable trigger personal_data_access_log_append_only;
update personal_data_access_log set channel = case
  when actor_kind = 'system' then 'job'
  when actor_kind = 'citizen' and actor_label = 'Le demandeur, avec le code de suivi' then 'tracking'
  else 'web' end;
alter table personal_data_access_log enable trigger personal_data_access_log_append_only;
alter table personal_data_access_log alter column channel set not null;
-- An entry that does not say its channel gets the one its actor implies (as the past ones above).
create function guichet_access_log_channel() returns trigger language plpgsql as $$
begin
  if new.channel is null then
    new.channel := case
      when new.actor_kind = 'system' then 'job'
      when new.actor_kind = 'citizen' and new.actor_label = 'Le demandeur, avec le code de suivi' then 'tracking'
      else 'web' end;
  end if;
  return new;
end $$;
create trigger personal_data_access_log_channel before insert on personal_data_access_log
  for each row execute function guichet_access_log_channel();

alter table personal_data_access_log drop constraint personal_data_access_log_action_check;
alter table personal_data_access_log add constraint personal_data_access_log_action_check
  check (action in ('view_request', 'download_document', 'export', 'erasure', 'withdraw_consent', 'link_request',
    'view_person', 'merge_people', 'unmerge_people', 'view_journal', 'export_journal'));
-- The journal reads the log most recent first.
create index personal_data_access_log_at on personal_data_access_log (tenant_id, at desc, id desc);

-- 2. Timeline events get their channel. Past events: the best their kind and author tell.
alter table request_events add column channel text
  check (channel in ('web', 'api', 'tracking', 'mail', 'job'));
update request_events e set channel = case
  when e.kind = 'email_received' then 'mail'
  when e.kind = 'submitted' then coalesce(
    (select case r.channel when 'api' then 'api' when 'courriel' then 'mail' else 'web' end
       from requests r where r.tenant_id = e.tenant_id and r.id = e.request_id), 'web')
  when e.author_kind = 'agent' then 'web'
  when e.author_kind = 'system' then 'job'
  else 'tracking' end;
alter table request_events alter column channel set not null;

-- An insert that does not say its channel gets the one its author implies: agents work in the
-- back office's pages, Guichet itself in background jobs, citizens on the tracking page. Code
-- paths that know better (a submission through the API, an inbound mail, a status change's
-- consequences) say it.
create function guichet_request_event_channel() returns trigger language plpgsql as $$
begin
  if new.channel is null then
    new.channel := case
      when new.kind = 'email_received' then 'mail'
      when new.author_kind = 'agent' then 'web'
      when new.author_kind = 'system' then 'job'
      else 'tracking' end;
  end if;
  return new;
end $$;
create trigger request_events_channel before insert on request_events
  for each row execute function guichet_request_event_channel();

-- The anonymisation of an item (retention, erasure) is itself on its timeline (agents only).
alter table request_events drop constraint request_events_kind_check;
alter table request_events add constraint request_events_kind_check
  check (kind in ('submitted', 'email_received', 'status_changed', 'citizen_message', 'agent_message',
    'internal_note', 'assigned', 'deadline_extended', 'transferred', 'routed', 'escalated',
    'tags_changed', 'sms_sent', 'filed_on_behalf', 'person_changed', 'anonymised'));

-- 3. Timeline events are append-only, whoever asks (the schema owner included). The one change
-- allowed is the anonymisation's: blanking the body of an event of an item already marked
-- anonymised, every other column unchanged. Deleting an event (or the item, by cascade) is
-- refused.
create function guichet_request_events_guard() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and new.body = ''
     and (new.tenant_id, new.id, new.request_id, new.kind, new.status_from, new.status_to, new.author_kind,
          new.author_agent_id, new.visible_to_citizen, new.created_at, new.channel)
         is not distinct from
         (old.tenant_id, old.id, old.request_id, old.kind, old.status_from, old.status_to, old.author_kind,
          old.author_agent_id, old.visible_to_citizen, old.created_at, old.channel)
     and exists (select 1 from requests r
                  where r.tenant_id = old.tenant_id and r.id = old.request_id and r.anonymised_at is not null)
  then
    return new;
  end if;
  raise exception 'request_events is append-only (% refused)', tg_op
    using errcode = 'insufficient_privilege';
end $$;
create trigger request_events_append_only before update or delete on request_events
  for each row execute function guichet_request_events_guard();
create function guichet_request_events_no_truncate() returns trigger language plpgsql as $$
begin
  raise exception 'request_events is append-only (TRUNCATE refused)' using errcode = 'insufficient_privilege';
end $$;
create trigger request_events_no_truncate before truncate on request_events
  for each statement execute function guichet_request_events_no_truncate();
-- The journal reads the events most recent first.
create index request_events_at on request_events (tenant_id, created_at desc, id desc);

-- 4. Changes to the tenant's settings that concern no item (closing days today): who, when,
-- what, channel. Append-only like the others, kept as long as the tenant.
create table tenant_audit_log (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  at timestamptz not null default now(),
  actor_kind text not null check (actor_kind in ('agent', 'system')),
  actor_id uuid,
  -- the actor's name at the time
  actor_label text not null check (length(actor_label) <= 200),
  action text not null check (action in ('closing_day_added', 'closing_day_removed')),
  -- what changed, in words (« 15/05/2026 – Pont de l'Ascension »)
  detail text not null default '' check (length(detail) <= 500),
  channel text not null check (channel in ('web', 'api', 'tracking', 'mail', 'job')),
  ip text,
  primary key (tenant_id, id)
);
create index tenant_audit_log_at on tenant_audit_log (tenant_id, at desc, id desc);
alter table tenant_audit_log enable row level security;
create policy tenant_isolation on tenant_audit_log
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

create function guichet_tenant_audit_log_guard() returns trigger language plpgsql as $$
begin
  -- A tenant's removal takes its log with it (foreign key cascade); nothing else does.
  if tg_op = 'DELETE' and not exists (select 1 from tenants where id = old.tenant_id) then
    return old;
  end if;
  raise exception 'tenant_audit_log is append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
end $$;
create trigger tenant_audit_log_append_only before update or delete on tenant_audit_log
  for each row execute function guichet_tenant_audit_log_guard();
create function guichet_tenant_audit_log_no_truncate() returns trigger language plpgsql as $$
begin
  raise exception 'tenant_audit_log is append-only (TRUNCATE refused)' using errcode = 'insufficient_privilege';
end $$;
create trigger tenant_audit_log_no_truncate before truncate on tenant_audit_log
  for each statement execute function guichet_tenant_audit_log_no_truncate();
