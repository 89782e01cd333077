-- Satisfaction after every interaction and the published results « Nos résultats » (issue 12,
-- parts 1, 5 and 6; decisions 35 and 36).

-- One invitation per interaction (a request resolved, a call or a counter visit noted, a
-- conversation with the assistant). The link carries its id, its expiry and an HMAC bound to the
-- tenant (modules/satisfaction/survey-token.ts): nothing secret is stored. `answered_at` makes
-- it single-use; the answer itself does not point back at the invitation, so an answer given
-- anonymously cannot be joined to the request through it.
create table survey_invitations (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  interaction text not null check (interaction in ('request', 'contact', 'assistant')),
  channel text not null check (length(channel) <= 40),
  request_id uuid,
  conversation_id text,
  service_id uuid,
  demarche_id uuid,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  answered_at timestamptz,
  primary key (tenant_id, id),
  foreign key (tenant_id, request_id) references requests (tenant_id, id) on delete set null (request_id),
  foreign key (tenant_id, service_id) references services (tenant_id, id) on delete set null (service_id),
  foreign key (tenant_id, demarche_id) references demarches (tenant_id, id) on delete set null (demarche_id)
);
create unique index survey_invitations_request on survey_invitations (tenant_id, request_id)
  where request_id is not null;
create unique index survey_invitations_conversation on survey_invitations (tenant_id, conversation_id)
  where conversation_id is not null;
create index survey_invitations_expires on survey_invitations (tenant_id, expires_at);
alter table survey_invitations enable row level security;
create policy tenant_isolation on survey_invitations
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- Counter tablets in kiosk mode: an administrator opens one and puts its address on the tablet;
-- only the sha256 of its secret is stored.
create table survey_kiosks (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  name text not null check (length(name) between 1 and 120),
  service_id uuid,
  secret_hash text not null unique,
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  primary key (tenant_id, id),
  foreign key (tenant_id, service_id) references services (tenant_id, id) on delete set null (service_id)
);
alter table survey_kiosks enable row level security;
create policy tenant_isolation on survey_kiosks
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- One answer. The day only (not the instant), and the request only when the citizen chose to
-- link it; the comment is kept as typed when linked, with personal data masked when anonymous.
-- Satisfaction on the five levels of the Services Publics+ question (5 = très satisfait);
-- simple and clear on four (4 = oui, tout à fait); the online démarche's score out of 10.
create table survey_answers (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  answered_on date not null,
  interaction text not null check (interaction in ('request', 'contact', 'assistant', 'kiosk')),
  channel text not null check (length(channel) <= 40),
  service_id uuid,
  demarche_id uuid,
  kiosk_id uuid,
  request_id uuid,
  satisfaction smallint not null check (satisfaction between 1 and 5),
  simple smallint check (simple between 1 and 4),
  clear smallint check (clear between 1 and 4),
  online_score smallint check (online_score between 0 and 10),
  comment text not null default '' check (length(comment) <= 2000),
  primary key (tenant_id, id),
  foreign key (tenant_id, request_id) references requests (tenant_id, id) on delete set null (request_id),
  foreign key (tenant_id, service_id) references services (tenant_id, id) on delete set null (service_id),
  foreign key (tenant_id, demarche_id) references demarches (tenant_id, id) on delete set null (demarche_id),
  foreign key (tenant_id, kiosk_id) references survey_kiosks (tenant_id, id) on delete set null (kiosk_id)
);
create index survey_answers_day on survey_answers (tenant_id, answered_on);
alter table survey_answers enable row level security;
create policy tenant_isolation on survey_answers
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- Answers per client (an HMAC of the address, or a kiosk) and day: SURVEY_RATE_LIMIT. Rows older
-- than two days are deleted by the daily results job.
create table survey_rate_counts (
  tenant_id uuid not null references tenants (id) on delete cascade,
  client_key text not null check (length(client_key) <= 100),
  day date not null,
  answers integer not null default 0,
  primary key (tenant_id, client_key, day)
);
alter table survey_rate_counts enable row level security;
create policy tenant_isolation on survey_rate_counts
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- Calls that reached no agent (from the telephone system's statistics, or the answering
-- machine), noted per day: the denominator of the taux de décroché with the calls logged.
create table missed_calls (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  day date not null,
  service_id uuid,
  calls integer not null check (calls between 1 and 100000),
  recorded_by uuid,
  recorded_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, service_id) references services (tenant_id, id) on delete set null (service_id),
  foreign key (tenant_id, recorded_by) references agents (tenant_id, id) on delete set null (recorded_by)
);
create index missed_calls_day on missed_calls (tenant_id, day);
alter table missed_calls enable row level security;
create policy tenant_isolation on missed_calls
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- The published figures, computed by the daily job `results` (modules/results): one document
-- per tenant and scope ('commune', or 'service:<id>'), read as is by « Nos résultats ».
create table published_results (
  tenant_id uuid not null references tenants (id) on delete cascade,
  scope text not null check (scope ~ '^(commune|service:[0-9a-f-]{36})$'),
  computed_at timestamptz not null,
  figures jsonb not null,
  primary key (tenant_id, scope)
);
alter table published_results enable row level security;
create policy tenant_isolation on published_results
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- The daily computation reads requests by closing and submission month.
create index requests_closed_at on requests (tenant_id, closed_at) where closed_at is not null;

-- A survey link may go by text message too.
alter table sms_messages drop constraint sms_messages_purpose_check;
alter table sms_messages add constraint sms_messages_purpose_check check (purpose in ('reply', 'status', 'appointment', 'survey'));

