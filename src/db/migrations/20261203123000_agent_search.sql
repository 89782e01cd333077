-- The agents' search (issue 8): requests, their timeline messages and citizens, found by words
-- (French stemming, accents ignored), by names with typos (trigrams), and exactly by reference,
-- email or phone. See src/modules/search/.

-- French words without accents: « Église », « eglise » and « églises » give the same lexeme.
-- The two-argument to_tsvector with this configuration is immutable: it can feed a generated
-- column and an index (unaccent() alone is only stable).
create text search configuration guichet_fr (copy = french);
alter text search configuration guichet_fr
  alter mapping for hword, hword_part, word with unaccent, french_stem;

-- Lower case, accents removed: what names are compared on by trigram similarity.
create function guichet_fold(value text) returns text
  language sql immutable parallel safe
  as $$ select lower(public.unaccent('public.unaccent'::regdictionary, coalesce(value, ''))) $$;

-- A phone number as the search compares it: digits only, French numbers in their national form
-- (`+33 6 12 34 56 78`, `0033612345678` and `06.12.34.56.78` all give `0612345678`).
create function guichet_phone_key(value text) returns text
  language sql immutable parallel safe
  as $$ select nullif(regexp_replace(regexp_replace(coalesce(value, ''), '[^0-9+]', '', 'g'), '^(\+33|0033)0?', '0'), '') $$;

-- Each request's words: reference and applicant (weight A), démarche title (B), every answer (C).
-- Kept by a trigger rather than a generated column because the démarche title is in another table.
alter table requests add column search_vector tsvector;

create function guichet_request_search_vector(r requests) returns tsvector
  language sql stable
  as $$
    select setweight(to_tsvector('guichet_fr', coalesce(r.reference, '') || ' ' || coalesce(r.applicant_name, '')
                                               || ' ' || coalesce(r.applicant_email::text, '')), 'A')
        || setweight(to_tsvector('guichet_fr', coalesce((select d.title from demarches d
                                                           where d.tenant_id = r.tenant_id and d.id = r.demarche_id), '')), 'B')
        || setweight(jsonb_to_tsvector('guichet_fr', r.data - '_identity', '["string"]'), 'C')
  $$;

create function guichet_request_search_vector_set() returns trigger language plpgsql as $$
begin
  new.search_vector := guichet_request_search_vector(new);
  return new;
end $$;
create trigger requests_search_vector
  before insert or update of reference, applicant_name, applicant_email, demarche_id, data on requests
  for each row execute function guichet_request_search_vector_set();

-- A retitled démarche: its requests are found under the new title (rare; one statement).
create function guichet_demarche_title_search() returns trigger language plpgsql as $$
begin
  update requests set demarche_id = demarche_id
   where tenant_id = new.tenant_id and demarche_id = new.id;
  return new;
end $$;
create trigger demarches_title_search
  after update of title on demarches
  for each row when (old.title is distinct from new.title)
  execute function guichet_demarche_title_search();

update requests r set search_vector = guichet_request_search_vector(r);

create index requests_search on requests using gin (search_vector);
create index requests_applicant_name_trgm on requests using gin (guichet_fold(applicant_name) gin_trgm_ops);
-- (the applicant's email has its index since the citizens migration: requests_applicant_email)
create index requests_applicant_phone on requests (tenant_id, guichet_phone_key(applicant_phone))
  where applicant_phone is not null;
-- Results come most recent first.
create index requests_tenant_submitted on requests (tenant_id, submitted_at desc);

-- Timeline messages (citizen's, agent's, internal notes, messages with a status change).
alter table request_events add column search_vector tsvector
  generated always as (case when body = '' then null else to_tsvector('guichet_fr', body) end) stored;
create index request_events_search on request_events using gin (search_vector) where search_vector is not null;

-- Citizens' accounts by name or address, typos allowed.
create index citizens_name_trgm on citizens
  using gin (guichet_fold(coalesce(given_name, '') || ' ' || coalesce(family_name, '') || ' ' || coalesce(email::text, '')) gin_trgm_ops);
