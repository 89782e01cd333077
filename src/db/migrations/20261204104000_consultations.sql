-- Consultations and surveys (issue 12, part 4; decision 38): questionnaires built by the
-- administrators and supervisors, open to the public or to a list of invited addresses, anonymous
-- or not, between two instants; their answers, the invitations (one answer per token) and the
-- throttle that limits answers per address.

-- A consultation. Draft while `published_at` is null (everything editable); once published its
-- questions, audience and anonymity are frozen (the trigger below refuses new or changed
-- questions), only the wording and the dates may still move.
create table consultations (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  title text not null check (length(title) between 1 and 200),
  description text not null default '',
  audience text not null check (audience in ('public', 'invited')),
  anonymous boolean not null default true,
  opens_at timestamptz not null,
  closes_at timestamptz not null check (closes_at > opens_at),
  published_at timestamptz,
  created_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, created_by) references agents (tenant_id, id) on delete set null (created_by)
);
create index consultations_open on consultations (tenant_id, closes_at) where published_at is not null;
alter table consultations enable row level security;
create policy tenant_isolation on consultations
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- A question: single or multiple choice among `options` (the labels are the answers stored),
-- a scale from `scale_min` to `scale_max`, or free text. A conditional question is asked only
-- when the answer to an earlier choice question is one of `condition_values`.
create table consultation_questions (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  consultation_id uuid not null,
  position integer not null,
  kind text not null check (kind in ('single', 'multiple', 'scale', 'text')),
  label text not null check (length(label) between 1 and 300),
  hint text not null default '',
  required boolean not null default false,
  options text[] not null default '{}',
  scale_min integer,
  scale_max integer,
  scale_min_label text not null default '',
  scale_max_label text not null default '',
  condition_question_id uuid,
  condition_values text[] not null default '{}',
  primary key (tenant_id, id),
  unique (tenant_id, consultation_id, position),
  foreign key (tenant_id, consultation_id) references consultations (tenant_id, id) on delete cascade,
  foreign key (tenant_id, condition_question_id) references consultation_questions (tenant_id, id),
  check (kind <> 'scale' or (scale_min is not null and scale_max is not null and scale_max > scale_min)),
  check (kind not in ('single', 'multiple') or cardinality(options) >= 2)
);
alter table consultation_questions enable row level security;
create policy tenant_isolation on consultation_questions
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- The questions of a published consultation are what people answered: no new or changed one.
create function guichet_consultation_questions_frozen() returns trigger
language plpgsql as $$
begin
  if exists (
    select 1 from consultations c
     where c.tenant_id = new.tenant_id and c.id = new.consultation_id and c.published_at is not null
  ) then
    raise exception 'the questions of a published consultation cannot change' using errcode = 'check_violation';
  end if;
  return new;
end;
$$;
create trigger consultation_questions_frozen before insert or update on consultation_questions
  for each row execute function guichet_consultation_questions_frozen();

-- An invitation to a consultation open to a list: the address it was sent to and the sha256 of
-- its token (the token itself only travels in the mail); `used_at` once it has answered.
create table consultation_invitations (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  consultation_id uuid not null,
  email text not null,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  used_at timestamptz,
  primary key (tenant_id, id),
  unique (tenant_id, consultation_id, email),
  foreign key (tenant_id, consultation_id) references consultations (tenant_id, id) on delete cascade
);
alter table consultation_invitations enable row level security;
create policy tenant_isolation on consultation_invitations
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- One answer to a consultation: the answers by question id. Anonymous consultations keep no
-- name, address or invitation with it.
create table consultation_responses (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  consultation_id uuid not null,
  submitted_at timestamptz not null default now(),
  answers jsonb not null,
  respondent_name text,
  respondent_email text,
  invitation_id uuid,
  primary key (tenant_id, id),
  foreign key (tenant_id, consultation_id) references consultations (tenant_id, id) on delete cascade,
  foreign key (tenant_id, invitation_id) references consultation_invitations (tenant_id, id) on delete set null (invitation_id)
);
create index consultation_responses_by_consultation on consultation_responses (tenant_id, consultation_id, submitted_at);
alter table consultation_responses enable row level security;
create policy tenant_isolation on consultation_responses
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- Answers posted to a public consultation, by a keyed hash of the client address (never the
-- address), kept apart from the answers so that an anonymous answer cannot be tied to it; rows
-- older than a day are deleted as new ones come (CONSULTATION_RATE_LIMIT per address and hour).
create table consultation_throttle (
  tenant_id uuid not null,
  consultation_id uuid not null,
  source_key text not null,
  at timestamptz not null default now(),
  foreign key (tenant_id, consultation_id) references consultations (tenant_id, id) on delete cascade
);
create index consultation_throttle_source on consultation_throttle (tenant_id, consultation_id, source_key, at);
alter table consultation_throttle enable row level security;
create policy tenant_isolation on consultation_throttle
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());
