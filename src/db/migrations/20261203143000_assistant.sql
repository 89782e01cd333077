-- The assistant (issue « Knowledge base… », part 4; decision 27): the conversations of the
-- portal's and the workspace's assistant, kept 30 days (daily job assistant-purge), and the
-- tenant's choice to let personal data reach a configured language model.

-- One conversation: the questions as typed and the answers given, keyed by an unguessable id
-- (the no-JavaScript page and the widget carry it). Nothing else about the person is stored
-- here; a hand-off links the item it created.
create table assistant_conversations (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id text not null check (id ~ '^[A-Za-z0-9_-]{22,64}$'),
  audience text not null check (audience in ('public', 'agent')),
  messages jsonb not null default '[]'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  handed_off_request_id uuid,
  primary key (tenant_id, id),
  foreign key (tenant_id, handed_off_request_id) references requests (tenant_id, id)
    on delete set null (handed_off_request_id)
);
create index assistant_conversations_created on assistant_conversations (tenant_id, created_at);
alter table assistant_conversations enable row level security;
create policy tenant_isolation on assistant_conversations
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- Off by default: questions are masked (addresses, numbers, references, names) before they
-- reach a language model, unless the tenant's administrators turn this on.
alter table tenants add column llm_personal_data boolean not null default false;
