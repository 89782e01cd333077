-- The citizen record, continued (issue 8, item 2; decision 18): how names are compared for
-- duplicates, the people existing requests belong to, the merges agents make (undoable), and the
-- access log entries about a record.

-- A name as duplicates compare it: lower case, accents removed, words in alphabetical order
-- (« MOREAU Lucie », « Lucie Moreau » and « lucie moreau » give the same key). The given and
-- family names when known, else the name typed in one string. Null when there is no name.
create function guichet_name_key(given_name text, family_name text, display_name text) returns text
  language sql immutable parallel safe
  as $$
    select nullif(array_to_string(array(
      select w from unnest(regexp_split_to_array(public.guichet_fold(coalesce(
        nullif(btrim(coalesce(given_name, '') || ' ' || coalesce(family_name, '')), ''), display_name, ''
      )), '[\s,;.-]+')) as w where w <> '' order by w), ' '), '')
  $$;

create index people_name_birthdate on people (tenant_id, guichet_name_key(given_name, family_name, display_name), birthdate)
  where merged_into_id is null and birthdate is not null;
-- The agents' search of records by name, typos allowed (search/query.ts, people/repository.ts).
create index people_name_trgm on people using gin (
  guichet_fold(coalesce(given_name, '') || ' ' || coalesce(family_name, '') || ' ' || display_name) gin_trgm_ops
) where merged_into_id is null;
create index people_merged_into on people (tenant_id, merged_into_id) where merged_into_id is not null;

-- One merge of a record (merged_id) into another (kept_id), as it was done, so that it can be
-- undone exactly: which rows of which table moved, the kept record's values before and after.
create table person_merges (
  tenant_id uuid not null references tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  kept_id uuid not null,
  merged_id uuid not null,
  merged_by uuid,
  merged_at timestamptz not null default now(),
  -- {"requests.person_id": ["<request id>", …], …}: every row moved, by table and column.
  moved jsonb not null default '{}',
  -- The kept record's fields before the merge, and as the merge left them (undo checks they still are).
  kept_before jsonb not null,
  kept_after jsonb not null,
  undone_at timestamptz,
  undone_by uuid,
  primary key (tenant_id, id),
  foreign key (tenant_id, kept_id) references people (tenant_id, id) on delete cascade,
  foreign key (tenant_id, merged_id) references people (tenant_id, id) on delete cascade,
  foreign key (tenant_id, merged_by) references agents (tenant_id, id) on delete set null (merged_by),
  foreign key (tenant_id, undone_by) references agents (tenant_id, id) on delete set null (undone_by)
);
create index person_merges_kept on person_merges (tenant_id, kept_id, merged_at desc);
create index person_merges_merged on person_merges (tenant_id, merged_id, merged_at desc);
alter table person_merges enable row level security;
create policy tenant_isolation on person_merges
  using (tenant_id = guichet_current_tenant()) with check (tenant_id = guichet_current_tenant());

-- Views of a record, merges and their undoing are acts on personal data like the others.
alter table personal_data_access_log add column person_id uuid;
create index personal_data_access_log_person on personal_data_access_log (tenant_id, person_id, at desc)
  where person_id is not null;
alter table personal_data_access_log drop constraint personal_data_access_log_action_check;
alter table personal_data_access_log add constraint personal_data_access_log_action_check
  check (action in ('view_request', 'download_document', 'export', 'erasure', 'withdraw_consent', 'link_request',
    'view_person', 'merge_people', 'unmerge_people'));

-- Backfill: the people of the requests filed before records existed. One person per account (its
-- requests linked); requests without an account grouped by lower-cased email, else by phone key,
-- else one person per request with a name; anonymised requests get none. Requests that already have
-- a person are left alone, so running it again only adds what is missing. Returns the requests linked.
create function guichet_backfill_people() returns integer
  language plpgsql
  as $$
  declare
    linked integer := 0;
    n integer;
  begin
    insert into people (tenant_id, given_name, family_name, display_name, birthdate, email, preferred_channel,
                        citizen_id, identity_source, identity_verified_at, created_at)
    select c.tenant_id, c.given_name, c.family_name,
           left(btrim(coalesce(c.given_name, '') || ' ' || coalesce(c.family_name, '')), 300),
           c.birthdate, c.email::text,
           case when c.preferences ->> 'channel' in ('email', 'sms', 'courrier') then c.preferences ->> 'channel' end,
           c.id,
           case when c.franceconnect_sub is not null and c.identity_verified_at is not null then 'franceconnect' end,
           case when c.franceconnect_sub is not null then c.identity_verified_at end,
           c.created_at
      from citizens c
     where not exists (select 1 from people p where p.tenant_id = c.tenant_id and p.citizen_id = c.id);

    update requests r set person_id = p.id
      from people p
     where p.tenant_id = r.tenant_id and p.citizen_id = r.citizen_id
       and r.person_id is null and r.anonymised_at is null;
    get diagnostics n = row_count;
    linked := linked + n;

    create temporary table backfill_keys on commit drop as
      select r.tenant_id, r.id as request_id, r.submitted_at, r.applicant_name, r.applicant_email::text as applicant_email,
             r.applicant_phone, r.data,
             case when nullif(btrim(r.applicant_email), '') is not null then 'e:' || lower(btrim(r.applicant_email))
                  when public.guichet_phone_key(r.applicant_phone) is not null then 'p:' || public.guichet_phone_key(r.applicant_phone)
                  when nullif(btrim(r.applicant_name), '') is not null then 'r:' || r.id::text
             end as key
        from requests r
       where r.person_id is null and r.citizen_id is null and r.anonymised_at is null;
    delete from backfill_keys where key is null;

    -- One new person per key, from its latest request.
    create temporary table backfill_people on commit drop as
      select distinct on (tenant_id, key) tenant_id, key, gen_random_uuid() as person_id,
             applicant_name, applicant_email, applicant_phone, data, submitted_at
        from backfill_keys
       order by tenant_id, key, submitted_at desc;
    -- The first request of a key dates its person.
    insert into people (tenant_id, id, given_name, family_name, display_name, email, phone, created_at)
    select b.tenant_id, b.person_id,
           left(nullif(btrim(b.data ->> 'applicant_given_name'), ''), 200),
           left(nullif(btrim(b.data ->> 'applicant_family_name'), ''), 200),
           left(coalesce(btrim(b.applicant_name), ''), 300),
           left(nullif(btrim(b.applicant_email), ''), 320),
           left(nullif(btrim(b.applicant_phone), ''), 40),
           (select min(k.submitted_at) from backfill_keys k where k.tenant_id = b.tenant_id and k.key = b.key)
      from backfill_people b;

    update requests r set person_id = b.person_id
      from backfill_keys k
      join backfill_people b on b.tenant_id = k.tenant_id and b.key = k.key
     where r.tenant_id = k.tenant_id and r.id = k.request_id;
    get diagnostics n = row_count;
    linked := linked + n;
    drop table backfill_keys;
    drop table backfill_people;
    return linked;
  end $$;

select guichet_backfill_people();
