-- The citizens' part of the agents' search at volume (bench/workspace.ts, decision 23). Like the
-- requests' candidates (migration 20261203136100), a match by pg_trgm's %> or citext's = cannot
-- use an index under row-level security (the operators are not leakproof): every search read the
-- commune's accounts one by one (0.4 s at 75,000 accounts). The candidates are chosen here, as
-- the schema owner, with the tenant applied from the same setting as the policies (no tenant
-- set, no rows); they are ids in their order, what is shown of them is read under row-level
-- security. p_service_ids null: every service (an administrator).
create function guichet_citizen_candidates(
  p_text text, p_email text, p_service_ids uuid[], p_limit int
) returns table (id uuid, rank int)
  language plpgsql stable security definer set search_path = public
  as $fn$
  begin
    return query execute $q$
      with found as (
        select c.id, c.email, c.given_name, c.family_name,
               guichet_fold(coalesce(c.given_name, '') || ' ' || coalesce(c.family_name, '') || ' ' || coalesce(c.email::text, '')) as folded
          from citizens c
         where c.tenant_id = guichet_current_tenant()
           and (($2::text is not null and c.email = $2::citext)
                or guichet_fold(coalesce(c.given_name, '') || ' ' || coalesce(c.family_name, '') || ' ' || coalesce(c.email::text, ''))
                     %> guichet_fold($1))
           and ($3 is null or exists (
                 select 1 from requests r
                  where r.tenant_id = c.tenant_id and r.citizen_id = c.id and r.service_id = any($3)))
      )
      select f.id, (row_number() over (
               order by ($2::text is not null and f.email = $2::citext) desc,
                        word_similarity(guichet_fold($1), f.folded) desc, f.family_name, f.given_name, f.id))::int
        from found f
       order by 2
       limit $4
    $q$ using p_text, p_email, p_service_ids, p_limit;
  end
  $fn$;
revoke all on function guichet_citizen_candidates(text, text, uuid[], int) from public;
