-- The two lookups of every inbound message, at a commune's volume (bench/inbound-mail.ts
-- --database guichet_bench_workspace, docs/performance.md). Under row-level security an index is
-- used only for leakproof conditions (decision 23): lower(), guichet_phone_key() and citext's
-- equality are not, so each message compared its sender with every citizen record of the commune
-- (0.3 to 0.4 s of the database for Villebelle's 55,000 records) and with every acknowledgement of
-- the last three hours. Both lookups are made here, as the schema owner, on the indexes of
-- people (people_email, people_phone) and inbound_mails (inbound_mails_ack_cap), with the tenant
-- taken from the same setting as the policies (no tenant set, no rows).

-- PL/pgSQL rather than SQL: a session plans their statements once, where an SQL function called
-- from a statement is planned again at each statement.

-- The active record with this email address (case ignored), else with this phone number.
create function guichet_contact_match(p_email text, p_phone_key text) returns uuid
  language plpgsql stable security definer set search_path = public
  as $$
declare
  match uuid;
begin
  if p_email is not null then
    select id into match from people
     where tenant_id = guichet_current_tenant() and lower(email) = lower(p_email) and merged_into_id is null
     order by created_at, id limit 1;
    if match is not null then
      return match;
    end if;
  end if;
  if p_phone_key is not null then
    select id into match from people
     where tenant_id = guichet_current_tenant() and guichet_phone_key(phone) = p_phone_key
       and merged_into_id is null
     order by created_at, id limit 1;
  end if;
  return match;
end $$;
revoke all on function guichet_contact_match(text, text) from public;

-- How many acknowledgements this address was sent since then, and how many for this subject.
create function guichet_acknowledgements_sent(p_from text, p_subject_key text, p_since timestamptz,
                                              out total bigint, out same_subject bigint)
  language plpgsql stable security definer set search_path = public
  as $$
begin
  select count(*), count(*) filter (where subject_key = p_subject_key) into total, same_subject
    from inbound_mails
   where tenant_id = guichet_current_tenant() and acknowledged and from_address = p_from::citext
     and received_at >= p_since;
end $$;
revoke all on function guichet_acknowledgements_sent(text, text, timestamptz) from public;

-- The same for the search vector written by the requests' trigger at each insert.
create or replace function guichet_request_search_vector(r requests) returns tsvector
  language plpgsql stable
  as $$
begin
  return setweight(to_tsvector('guichet_fr', coalesce(r.reference, '') || ' ' || coalesce(r.applicant_name, '')
                                             || ' ' || coalesce(r.applicant_email::text, '')), 'A')
      || setweight(to_tsvector('guichet_fr', coalesce((select d.title from demarches d
                                                         where d.tenant_id = r.tenant_id and d.id = r.demarche_id), '')), 'B')
      || setweight(jsonb_to_tsvector('guichet_fr', r.data - '_identity', '["string"]'), 'C');
end $$;
