-- The agents' search at 1,000,000 requests (bench/workspace.ts, docs/performance.md, decision 42).
-- The word and trigram indexes of migration 20261203123000 held every tenant's entries: a word
-- common in all 20 communes read every commune's matches from the heap, kept one commune's, then
-- sorted them by date to keep the 200 most recent (0.3 to 4 s a search). Two changes:
--
-- 1. The indexes are led by the tenant (btree_gin), then a period of 30 days, then the words or
--    trigrams: a search reads its own commune's matches only.
-- 2. guichet_search_candidates looks for the most recent matches of each way of matching in the
--    last periods first (about two months, then a year, then everything): when a window already
--    holds p_limit matches, they are the p_limit most recent ones (everything outside the window
--    is older), so the result is the same as over all time, and a common word reads two months of
--    matches instead of three years. (A row dated more than two periods ahead of the clock is
--    found by the last window only.)

create extension if not exists btree_gin;

-- Periods of 30 days since 2000-01-01 UTC. Built from immutable pieces (the difference of two
-- timestamps, the seconds of an interval) so that it can be indexed and inlined.
create function guichet_search_period(at timestamptz) returns int
  language sql immutable parallel safe
  as $$ select floor(extract(epoch from (at - timestamptz '2000-01-01 00:00:00+00')) / 2592000)::int $$;

drop index requests_search;
drop index requests_applicant_name_trgm;
drop index request_events_search;

create index requests_search on requests
  using gin (tenant_id, guichet_search_period(submitted_at), search_vector);
create index requests_applicant_name_trgm on requests
  using gin (tenant_id, guichet_search_period(submitted_at), guichet_fold(applicant_name) gin_trgm_ops);
create index request_events_search on request_events
  using gin (tenant_id, guichet_search_period(created_at), search_vector) where search_vector is not null;

drop function guichet_search_candidates(text, text, text, text, uuid[], int);

-- Same contract as before (decision 23): the tenant applied from the same setting as the
-- policies (no tenant set, no rows), the agent's services (null: every service), ids only; up
-- to p_limit per way of matching, the most recent first.
create function guichet_search_candidates(
  p_text text, p_reference text, p_email text, p_phone_key text, p_service_ids uuid[], p_limit int
) returns table (id uuid, tier int, event_id uuid, at timestamptz)
  language plpgsql stable security definer set search_path = public
  as $fn$
  declare
    v_tenant uuid := guichet_current_tenant();
    v_now int := guichet_search_period(now());
    v_tier int;
    v_from int;
    v_periods int[];
    v_ids uuid[];
    v_events uuid[];
    v_ats timestamptz[];
  begin
    if v_tenant is null then
      return;
    end if;
    -- Dynamic statements: planned at each call with the values (a rare word and a common one
    -- need different plans; `$5 is null` folds away the periods of the last window).
    return query execute $q$
      select r.id, 0, null::uuid, r.submitted_at from requests r
       where r.tenant_id = $1
         and (r.reference = $2 or r.applicant_email = $3::citext
              -- `is not null`: the phone index is partial, and guichet_phone_key is not strict.
              or (r.applicant_phone is not null and guichet_phone_key(r.applicant_phone) = $4))
         and ($5 is null or r.service_id = any($5))
       limit $6
    $q$ using v_tenant, p_reference, p_email, p_phone_key, p_service_ids, p_limit;
    foreach v_tier in array array[1, 2, 3] loop
      foreach v_from in array array[v_now - 1, v_now - 12, null] loop
        -- The window's periods one by one (an equality per period: a range on the period would
        -- read every tenant's entries of those periods), up to two periods ahead for clocks
        -- that run ahead. Null: every period.
        v_periods := case when v_from is null then null else array(select generate_series(v_from, v_now + 2)) end;
        execute case v_tier
          -- Words of the request (applicant, démarche, answers).
          when 1 then $q$
            select array_agg(id), array_agg(null::uuid), array_agg(at)
              from (select r.id, r.submitted_at as at from requests r
                     where r.tenant_id = $1 and r.search_vector @@ websearch_to_tsquery('guichet_fr', $2)
                       and ($5::int[] is null or guichet_search_period(r.submitted_at) = any($5))
                       and ($3::uuid[] is null or r.service_id = any($3))
                     order by r.submitted_at desc limit $4) m
          $q$
          -- The applicant's name, typos allowed.
          when 2 then $q$
            select array_agg(id), array_agg(null::uuid), array_agg(at)
              from (select r.id, r.submitted_at as at from requests r
                     where r.tenant_id = $1 and guichet_fold(r.applicant_name) %> guichet_fold($2)
                       and ($5::int[] is null or guichet_search_period(r.submitted_at) = any($5))
                       and ($3::uuid[] is null or r.service_id = any($3))
                     order by r.submitted_at desc limit $4) m
          $q$
          -- Words of a timeline message (notes included), the request in the agent's services.
          else $q$
            select array_agg(request_id), array_agg(event_id), array_agg(at)
              from (select e.request_id, e.id as event_id, e.created_at as at from request_events e
                      join requests r on r.tenant_id = e.tenant_id and r.id = e.request_id
                     where e.tenant_id = $1 and e.search_vector @@ websearch_to_tsquery('guichet_fr', $2)
                       and ($5::int[] is null or guichet_search_period(e.created_at) = any($5))
                       and ($3::uuid[] is null or r.service_id = any($3))
                     order by e.created_at desc limit $4) m
          $q$
        end
          into v_ids, v_events, v_ats
          using v_tenant, p_text, p_service_ids, p_limit, v_periods;
        exit when coalesce(cardinality(v_ids), 0) >= p_limit;
      end loop;
      return query select u.id, v_tier, u.event_id, u.at from unnest(v_ids, v_events, v_ats) as u(id, event_id, at);
    end loop;
  end
  $fn$;
revoke all on function guichet_search_candidates(text, text, text, text, uuid[], int) from public;
