-- Issue 8, item 6: text messages, and the agents' attachments to replies.

-- A text message about an item, queued with its change and sent by the job queue's `sms.send`
-- (platform/sms/outbox.ts). The number is in E.164; the text carries no personal content (a
-- notice and the tracking link), capped at three parts.
create table sms_messages (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  request_id uuid,
  to_number text not null check (to_number ~ '^\+[1-9][0-9]{7,14}$'),
  text_body text not null check (length(text_body) between 1 and 500),
  encoding text not null check (encoding in ('gsm7', 'ucs2')),
  segments integer not null check (segments between 1 and 3),
  purpose text not null check (purpose in ('reply', 'status')),
  status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
  -- Which provider took it (file, http) and its id for the message.
  provider text,
  provider_message_id text check (length(provider_message_id) <= 200),
  attempts integer not null default 0,
  last_error text check (length(last_error) <= 500),
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  primary key (tenant_id, id),
  foreign key (tenant_id, request_id) references requests (tenant_id, id) on delete cascade
);
create index sms_messages_request on sms_messages (tenant_id, request_id, created_at);
alter table sms_messages enable row level security;
create policy tenant_isolation on sms_messages
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- A file an agent attached to a reply is the item's like the citizen's; who added it is kept.
alter table request_documents add column author_agent_id uuid;
alter table request_documents add constraint request_documents_author_agent_fk
  foreign key (tenant_id, author_agent_id) references agents (tenant_id, id) on delete set null (author_agent_id);

-- The item's documents attached to a mail of the outbox, read when it is sent.
alter table mail_outbox add column attachment_ids uuid[] not null default '{}';

-- An SMS sent is written on the timeline by the queue after the reply or status change that
-- asked for it: it changes nothing an agent could overwrite, so it does not bump the revision
-- (else the agent's next form, rendered a moment before, would be refused as stale).
create or replace function guichet_request_event_bump() returns trigger language plpgsql as $$
begin
  update requests
     set revision = revision + case when new.kind = 'sms_sent' then 0 else 1 end,
         citizen_activity_at = case when new.author_kind = 'citizen' then new.created_at else citizen_activity_at end
   where tenant_id = new.tenant_id and id = new.request_id;
  return new;
end $$;
