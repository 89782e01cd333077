-- The agents' search at volume (bench/workspace.ts, docs/performance.md, decision 18). Row-level
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
  language sql stable security definer set search_path = public
  as $$
    with q as (
      select guichet_current_tenant() as tenant, websearch_to_tsquery('guichet_fr', p_text) as tsq,
             guichet_fold(p_text) as folded
    )
    (select r.id, 0, null::uuid, r.submitted_at from requests r, q
      where r.tenant_id = q.tenant
        and (r.reference = p_reference or r.applicant_email = p_email::citext
             or guichet_phone_key(r.applicant_phone) = p_phone_key)
        and (p_service_ids is null or r.service_id = any(p_service_ids))
      limit p_limit)
    union all
    (select r.id, 1, null::uuid, r.submitted_at from requests r, q
      where r.tenant_id = q.tenant and r.search_vector @@ q.tsq
        and (p_service_ids is null or r.service_id = any(p_service_ids))
      order by r.submitted_at desc limit p_limit)
    union all
    (select r.id, 2, null::uuid, r.submitted_at from requests r, q
      where r.tenant_id = q.tenant and guichet_fold(r.applicant_name) %> q.folded
        and (p_service_ids is null or r.service_id = any(p_service_ids))
      order by r.submitted_at desc limit p_limit)
    union all
    (select e.request_id, 3, e.id, e.created_at from request_events e
       join requests r on r.tenant_id = e.tenant_id and r.id = e.request_id, q
      where e.tenant_id = q.tenant and e.search_vector @@ q.tsq
        and (p_service_ids is null or r.service_id = any(p_service_ids))
      order by e.created_at desc limit p_limit)
  $$;
revoke all on function guichet_search_candidates(text, text, text, text, uuid[], int) from public;
