-- A citizen record's possible duplicates (people/repository.ts, duplicatesOf) at 300,000 records
-- (bench/workspace.ts, docs/performance.md). Under row-level security an index is used only for
-- leakproof conditions (decision 23): lower(), guichet_phone_key() and guichet_name_key() are
-- not, so every opening of a record compared it with each record of the commune one by one
-- (0.86 s for Villebelle's 55,000). The candidates are chosen here, as the schema owner, on the
-- indexes of migrations 20261203129000 and 20261203130000, with the tenant applied from the same
-- setting as the policies (no tenant set, no rows); what is shown of them, and why, is read
-- afterwards under row-level security with the same conditions.
create function guichet_duplicate_candidates(p_person uuid) returns setof uuid
  language sql stable security definer set search_path = public
  as $$
    with me as (
      select * from people where tenant_id = guichet_current_tenant() and id = p_person
    )
    select p.id from me join people p on p.tenant_id = me.tenant_id
     where p.id <> me.id and p.merged_into_id is null and lower(p.email) = lower(me.email)
    union
    select p.id from me join people p on p.tenant_id = me.tenant_id
     where p.id <> me.id and p.merged_into_id is null and guichet_phone_key(p.phone) = guichet_phone_key(me.phone)
    union
    select p.id from me join people p on p.tenant_id = me.tenant_id
     where p.id <> me.id and p.merged_into_id is null and p.birthdate is not null and p.birthdate = me.birthdate
       and guichet_name_key(p.given_name, p.family_name, p.display_name)
           = guichet_name_key(me.given_name, me.family_name, me.display_name)
  $$;
revoke all on function guichet_duplicate_candidates(uuid) from public;
