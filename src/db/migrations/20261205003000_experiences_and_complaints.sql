-- Feedback, complaints and published results (issue 12), parts 2 and 3 (decision 37):
-- experiences citizens share (anonymised, moderated, answered publicly), the improvement actions
-- they lead to (« Vous avez dit, nous avons fait »), and complaints (réclamations) with their
-- acknowledgement, deadlines, escalation levels, root causes and decisions.

-- An improvement action the commune commits to, published with its status.
create table improvement_actions (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  title text not null check (length(title) between 1 and 200),
  description text not null default '' check (length(description) <= 2000),
  status text not null default 'prevue' check (status in ('prevue', 'en_cours', 'realisee')),
  service_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- When it was marked « réalisée » (cleared if it goes back).
  done_at timestamptz,
  primary key (tenant_id, id),
  foreign key (tenant_id, service_id) references services (tenant_id, id) on delete set null (service_id)
);

-- A citizen's experience. What they typed (`story`, `title`, `contact_email`, `author_name`) is
-- read by moderators only; the public sees `published_title` and `published_story`, masked and
-- checked by a moderator. The story as typed is erased at moderation. `source_key` (an HMAC of
-- the sender's address) only counts submissions per address for a day, then is cleared.
create table experiences (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  tone text not null check (tone in ('positive', 'neutre', 'negative')),
  title text not null check (length(title) between 1 and 200),
  story text check (length(story) <= 4000),
  service_id uuid,
  author_name text check (length(author_name) <= 100),
  contact_email citext check (length(contact_email) <= 254),
  status text not null default 'a_moderer' check (status in ('a_moderer', 'publiee', 'rejetee')),
  -- The masker's proposal, shown to moderators beside the original.
  masked_title text not null,
  masked_story text not null,
  published_title text,
  published_story text,
  rejection_reason text check (length(rejection_reason) <= 1000),
  moderated_by uuid,
  moderated_at timestamptz,
  answer text check (length(answer) <= 4000),
  answer_signature text check (length(answer_signature) <= 200),
  answered_by uuid,
  answered_at timestamptz,
  source_key text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, service_id) references services (tenant_id, id) on delete set null (service_id),
  foreign key (tenant_id, moderated_by) references agents (tenant_id, id) on delete set null (moderated_by),
  foreign key (tenant_id, answered_by) references agents (tenant_id, id) on delete set null (answered_by),
  -- Published means a moderator wrote the public text; rejected means a reason was given, and
  -- no public text nor answer remains: a rejected experience can never be shown.
  check (status <> 'publiee' or (published_title is not null and published_story is not null and moderated_at is not null)),
  check (status <> 'rejetee' or (rejection_reason is not null and published_title is null and published_story is null
                                 and answer is null)),
  check (answer is null or status = 'publiee')
);
create index experiences_status on experiences (tenant_id, status, created_at desc);
create index experiences_source on experiences (tenant_id, source_key, created_at) where source_key is not null;

-- « Vous avez dit, nous avons fait »: an experience tagged with the actions it led to.
create table experience_actions (
  tenant_id uuid not null references tenants (id) on delete cascade,
  experience_id uuid not null,
  action_id uuid not null,
  primary key (tenant_id, experience_id, action_id),
  foreign key (tenant_id, experience_id) references experiences (tenant_id, id) on delete cascade,
  foreign key (tenant_id, action_id) references improvement_actions (tenant_id, id) on delete cascade
);
create index experience_actions_action on experience_actions (tenant_id, action_id);

-- How many calendar days a complaint is answered in, announced to citizens (acknowledgement mail).
alter table tenants add column complaint_answer_days integer not null default 30
  check (complaint_answer_days between 1 and 120);

-- A complaint (réclamation). Linked to the request it is about, when there is one.
create table complaints (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  reference text not null,
  request_id uuid,
  service_id uuid not null,
  channel text not null check (channel in ('demande', 'courriel', 'telephone', 'accueil', 'courrier', 'formulaire')),
  subject text not null check (length(subject) between 1 and 200),
  description text not null check (length(description) between 1 and 5000),
  citizen_name text check (length(citizen_name) <= 200),
  citizen_email citext check (length(citizen_email) <= 254),
  citizen_phone text check (length(citizen_phone) <= 40),
  -- Where it stands: service → direction → médiateur.
  level text not null default 'service' check (level in ('service', 'direction', 'mediateur')),
  status text not null default 'recue' check (status in ('recue', 'en_cours', 'close')),
  received_at timestamptz not null default now(),
  acknowledge_by timestamptz not null,
  acknowledged_at timestamptz,
  acknowledged_how text check (acknowledged_how in ('courriel', 'telephone', 'courrier', 'accueil')),
  -- The answer due date of the current level (calendar days, tenants.complaint_answer_days).
  answer_due_on date not null,
  assigned_agent_id uuid,
  cause text check (cause in ('delai', 'accueil', 'information', 'decision', 'erreur', 'qualite',
                              'accessibilite', 'autre')),
  decision text check (decision in ('fondee', 'partiellement_fondee', 'non_fondee')),
  answer text check (length(answer) <= 5000),
  closed_at timestamptz,
  -- Closed after the due date of the level it was answered at.
  answered_late boolean,
  created_by uuid,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, reference),
  foreign key (tenant_id, request_id) references requests (tenant_id, id) on delete set null (request_id),
  foreign key (tenant_id, service_id) references services (tenant_id, id),
  foreign key (tenant_id, assigned_agent_id) references agents (tenant_id, id) on delete set null (assigned_agent_id),
  foreign key (tenant_id, created_by) references agents (tenant_id, id) on delete set null (created_by),
  check (status <> 'close' or (decision is not null and cause is not null and answer is not null and closed_at is not null))
);
create index complaints_open on complaints (tenant_id, answer_due_on) where status <> 'close';
create index complaints_received on complaints (tenant_id, received_at);
create index complaints_request on complaints (tenant_id, request_id) where request_id is not null;

-- The complaint's history: created, acknowledged, escalated (with the level and the reason),
-- taken, decided. Append-only, like the requests' timeline.
create table complaint_events (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  complaint_id uuid not null,
  kind text not null check (kind in ('created', 'acknowledged', 'escalated', 'assigned', 'decided', 'note')),
  level_from text,
  level_to text,
  body text not null default '' check (length(body) <= 5000),
  agent_id uuid,
  created_at timestamptz not null default clock_timestamp(),
  primary key (tenant_id, id),
  foreign key (tenant_id, complaint_id) references complaints (tenant_id, id) on delete cascade,
  foreign key (tenant_id, agent_id) references agents (tenant_id, id) on delete set null (agent_id)
);
create index complaint_events_complaint on complaint_events (tenant_id, complaint_id, created_at);

do $$
declare t text;
begin
  foreach t in array array['improvement_actions', 'experiences', 'experience_actions', 'complaints', 'complaint_events']
  loop
    execute format('alter table %I enable row level security', t);
    execute format(
      'create policy tenant_isolation on %I using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant())',
      t);
  end loop;
end $$;
