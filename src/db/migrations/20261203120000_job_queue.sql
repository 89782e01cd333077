-- Durable background work (decision 16): one queue table for mail, SMS, deadline warnings,
-- inbound processing and the daily jobs.
--
-- A job is inserted in the transaction of the change that asks for it, so it exists if and only if
-- that change committed. Workers claim due jobs with FOR UPDATE SKIP LOCKED in a short transaction
-- (status 'running', attempts + 1, a lease in locked_until), commit, run the handler with no
-- transaction open, then mark the job done, pending again (retry after a backoff) or failed in a
-- second short transaction. A worker that dies leaves a lease that expires: the job runs again.
-- Failed jobs stay, with their last error, for the administrators' page (retry or abandon).
create table jobs (
  id uuid primary key default gen_random_uuid(),
  -- Null for platform jobs (the daily jobs), which no tenant sees.
  tenant_id uuid references tenants (id) on delete cascade,
  queue text not null check (queue ~ '^[a-z][a-z0-9_.-]{0,62}$'),
  payload jsonb not null default '{}'::jsonb,
  status text not null default 'pending' check (status in ('pending', 'running', 'done', 'failed', 'abandoned')),
  -- A second job with the same (tenant, queue, key) is not inserted, whatever the first one's status.
  unique_key text check (unique_key is null or length(unique_key) between 1 and 200),
  run_at timestamptz not null default now(),
  attempts integer not null default 0,
  max_attempts integer not null default 5 check (max_attempts between 1 and 100),
  locked_until timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  check ((status = 'running') = (locked_until is not null))
);
create unique index jobs_unique_key on jobs (tenant_id, queue, unique_key) nulls not distinct
  where unique_key is not null;
create index jobs_due on jobs (run_at) where status = 'pending';
create index jobs_leased on jobs (locked_until) where status = 'running';
create index jobs_failed on jobs (tenant_id, finished_at desc) where status = 'failed';
create index jobs_finished on jobs (finished_at) where status in ('done', 'abandoned');

-- A tenant scope sees its own jobs; outside any tenant scope, only the platform's (tenant_id null).
alter table jobs enable row level security;
create policy tenant_isolation on jobs
  using (tenant_id is not distinct from guichet_current_tenant())
  with check (tenant_id is not distinct from guichet_current_tenant());

-- Wakes the workers of every instance once the inserting transaction commits.
create function guichet_jobs_notify() returns trigger
  language plpgsql
  as $$ begin perform pg_notify('guichet_jobs', ''); return null; end $$;
create trigger jobs_notify after insert on jobs
  for each statement execute function guichet_jobs_notify();

-- Claiming crosses tenants, as the mail sender's visit of every tenant does: it runs as the
-- schema owner, takes up to p_limit due jobs of the given queues, and returns them leased. A job
-- whose lease expired on its last attempt is failed here rather than run once more.
create function guichet_claim_jobs(p_queues text[], p_limit integer, p_lease_seconds integer)
  returns setof jobs
  language plpgsql volatile security definer set search_path = public
  as $$
  begin
    update jobs set status = 'failed', locked_until = null, finished_at = now(),
        last_error = coalesce(last_error || E'\n', '') || 'Délai dépassé : le traitement ne s’est pas terminé.'
      where id in (
        select id from jobs
        where status = 'running' and locked_until <= now() and attempts >= max_attempts and queue = any(p_queues)
        for update skip locked);
    return query
      update jobs set status = 'running', attempts = attempts + 1,
          locked_until = now() + make_interval(secs => p_lease_seconds)
        where id in (
          select id from jobs
          where queue = any(p_queues)
            and ((status = 'pending' and run_at <= now()) or (status = 'running' and locked_until <= now()))
          order by run_at
          limit p_limit
          for update skip locked)
        returning *;
  end $$;
