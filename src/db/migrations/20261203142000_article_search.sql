-- French search of the knowledge base (decision 26): the articles are ranked in process
-- (src/modules/article-search/); PostgreSQL keeps a text search configuration for them, used by
-- the suggestions as you type, the synonyms and abbreviations each tenant edits, and the log of
-- queries that editors read to find the articles missing.

-- Articles' words without accents, French stems: « Démarches » and « demarche » give one lexeme.
create text search configuration guichet_fr_kb (copy = french);
alter text search configuration guichet_fr_kb
  alter mapping for asciiword, asciihword, hword_asciipart, hword, hword_part, word with unaccent, french_stem;

-- Title (A) and keywords (B) of each article: what suggestions match a prefix against. Kept by a
-- trigger because keywords are an array (array_to_string is not immutable).
alter table demarches add column suggest_vector tsvector;

create function guichet_demarche_suggest_vector(d demarches) returns tsvector
  language sql stable
  as $$
    select setweight(to_tsvector('guichet_fr_kb', coalesce(d.title, '')), 'A')
        || setweight(to_tsvector('guichet_fr_kb', array_to_string(d.keywords, ' ; ')), 'B')
  $$;

create function guichet_demarche_suggest_vector_set() returns trigger language plpgsql as $$
begin
  new.suggest_vector := guichet_demarche_suggest_vector(new);
  return new;
end $$;
create trigger demarches_suggest_vector
  before insert or update of title, keywords on demarches
  for each row execute function guichet_demarche_suggest_vector_set();

update demarches d set suggest_vector = guichet_demarche_suggest_vector(d);
create index demarches_suggest on demarches using gin (suggest_vector);

-- A term and what it also means, for one tenant: « CNI » → « carte d'identité ». Expanded in
-- queries (dictionary files cannot be installed on a managed PostgreSQL). Each group is
-- symmetric. The number of expansions is capped here and in the form.
create table search_synonyms (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  term text not null check (length(term) between 1 and 80),
  expansions text[] not null check (cardinality(expansions) between 1 and 12),
  kind text not null default 'synonym' check (kind in ('synonym', 'abbreviation')),
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create unique index search_synonyms_term on search_synonyms (tenant_id, lower(term));
alter table search_synonyms enable row level security;
create policy tenant_isolation on search_synonyms
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- Queries as typed, folded and cut (no personal data: queries that look like an email, a phone
-- number or a reference are not kept), with what the search found.
create table search_queries (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  query text not null check (length(query) between 1 and 120),
  result_count integer not null,
  top_score real not null default 0,
  answerable boolean not null,
  audience text not null check (audience in ('public', 'agent')),
  at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create index search_queries_at on search_queries (tenant_id, at);
alter table search_queries enable row level security;
create policy tenant_isolation on search_queries
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());
