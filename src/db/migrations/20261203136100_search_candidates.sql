-- The agents' search at volume (bench/workspace.ts, docs/performance.md, decision 23). Row-level
-- security lets PostgreSQL use an index for a condition only when its operator is leakproof:
-- the full-text match (@@), pg_trgm's %> and citext's = are not, so, run as guichet_app, every
-- search read all the requests and all the timeline events of every tenant (2.9 s and 10.8 s a
-- branch at 1,000,000 requests). The candidates of a search are therefore chosen by this
-- function, which runs as the schema owner (no row-level security) and applies the tenant itself,
-- from the same setting as the policies: no tenant set, no rows. It returns ids only; what is
-- shown of them is read afterwards under row-level security.
create function guichet_search_candidates(
  p_text text, p_reference text, p_email text, p_phone_key text, p_service_ids uuid[], p_limit int
) returns table (id uuid, tier int, event_id uuid, at timestamptz)
  language plpgsql stable security definer set search_path = public
  as $fn$
  begin
    -- Dynamic: planned at each call with the values (a rare word and a common one need different
    -- plans; a function's generic plan read every match of every word).
    return query execute $q$
    (select r.id, 0, null::uuid, r.submitted_at from requests r
        where r.tenant_id = guichet_current_tenant()
          and (r.reference = $2 or r.applicant_email = $3::citext
               or guichet_phone_key(r.applicant_phone) = $4)
          and ($5 is null or r.service_id = any($5))
        limit $6)
      union all
      (select r.id, 1, null::uuid, r.submitted_at from requests r
        where r.tenant_id = guichet_current_tenant() and r.search_vector @@ websearch_to_tsquery('guichet_fr', $1)
          and ($5 is null or r.service_id = any($5))
        order by r.submitted_at desc limit $6)
      union all
      (select r.id, 2, null::uuid, r.submitted_at from requests r
        where r.tenant_id = guichet_current_tenant() and guichet_fold(r.applicant_name) %> guichet_fold($1)
          and ($5 is null or r.service_id = any($5))
        order by r.submitted_at desc limit $6)
      union all
      (select e.request_id, 3, e.id, e.created_at from request_events e
         join requests r on r.tenant_id = e.tenant_id and r.id = e.request_id
        where e.tenant_id = guichet_current_tenant() and e.search_vector @@ websearch_to_tsquery('guichet_fr', $1)
          and ($5 is null or r.service_id = any($5))
        order by e.created_at desc limit $6)
    $q$ using p_text, p_reference, p_email, p_phone_key, p_service_ids, p_limit;
  end
  $fn$;
revoke all on function guichet_search_candidates(text, text, text, text, uuid[], int) from public;
