-- Invalidation of the in-process session caches (src/platform/session-cache.ts, decision 8).
--
-- Every web process keeps the sessions it has checked in memory for a few seconds and LISTENs on
-- the channel `guichet_auth`. Whatever changes what a session check would answer notifies that
-- channel from a trigger, so no call site (today's use cases, tomorrow's, a script run as the
-- application role, an operator's SQL) can forget it. NOTIFY is transactional: a notification is
-- delivered when its transaction commits, never when it rolls back.
--
-- Payloads: 'session:<tenant id>:<session id (sha256 of the cookie)>', 'agent:<tenant id>:<agent
-- id>', 'citizen:<tenant id>:<citizen id>', and 'all' (a table was truncated).
--
-- The functions only call pg_notify, which needs no privilege: they run as whoever changes the
-- row (guichet_app or the schema owner) and read no table, so row-level security is unaffected.

create function guichet_notify_session_change() returns trigger
  language plpgsql
  as $$
begin
  perform pg_notify('guichet_auth', 'session:' || old.tenant_id || ':' || old.id);
  return null;
end $$;

-- Agents (active, role, name, email, password, second factor) and their services: every session
-- of the agent carries them.
create function guichet_notify_agent_change() returns trigger
  language plpgsql
  as $$
declare
  r record;
begin
  if tg_op = 'INSERT' then r := new; else r := old; end if;
  if tg_table_name = 'agent_services' then
    perform pg_notify('guichet_auth', 'agent:' || r.tenant_id || ':' || r.agent_id);
    if tg_op = 'UPDATE' and new.agent_id is distinct from old.agent_id then
      perform pg_notify('guichet_auth', 'agent:' || new.tenant_id || ':' || new.agent_id);
    end if;
  else
    perform pg_notify('guichet_auth', 'agent:' || r.tenant_id || ':' || r.id);
  end if;
  return null;
end $$;

create function guichet_notify_citizen_change() returns trigger
  language plpgsql
  as $$
begin
  perform pg_notify('guichet_auth', 'citizen:' || old.tenant_id || ':' || old.id);
  return null;
end $$;

create function guichet_notify_auth_all() returns trigger
  language plpgsql
  as $$
begin
  perform pg_notify('guichet_auth', 'all');
  return null;
end $$;

-- Sessions: deletion (logout, revocation, expiry, cascades) and any change but the once-a-minute
-- `last_seen_at` touch, which moves forward only and is what a cached entry already assumes.
-- A `last_seen_at` moved backwards (only ever done by hand) does notify. The comparison is on
-- the whole row minus that column, so a column added later is covered without editing this.
create trigger agent_sessions_notify_delete after delete on agent_sessions
  for each row execute function guichet_notify_session_change();
create trigger agent_sessions_notify_update after update on agent_sessions
  for each row
  when ((to_jsonb(old) - 'last_seen_at') is distinct from (to_jsonb(new) - 'last_seen_at')
        or new.last_seen_at < old.last_seen_at)
  execute function guichet_notify_session_change();

create trigger citizen_sessions_notify_delete after delete on citizen_sessions
  for each row execute function guichet_notify_session_change();
create trigger citizen_sessions_notify_update after update on citizen_sessions
  for each row
  when ((to_jsonb(old) - 'last_seen_at') is distinct from (to_jsonb(new) - 'last_seen_at')
        or new.last_seen_at < old.last_seen_at)
  execute function guichet_notify_session_change();

-- Agents: any change but the login bookkeeping (`last_login_at`, the last TOTP step used), which
-- every login writes and no session check reads.
create trigger agents_notify_delete after delete on agents
  for each row execute function guichet_notify_agent_change();
create trigger agents_notify_update after update on agents
  for each row
  when ((to_jsonb(old) - 'last_login_at' - 'totp_last_step')
        is distinct from (to_jsonb(new) - 'last_login_at' - 'totp_last_step'))
  execute function guichet_notify_agent_change();

-- An agent's services: a new, removed or moved link changes the agent's scope at once.
create trigger agent_services_notify after insert or update or delete on agent_services
  for each row execute function guichet_notify_agent_change();

-- Citizens: the session check returns the citizen's identity and preferences; erasure deletes
-- the row. Only `last_login_at`, written at each login, is left out.
create trigger citizens_notify_delete after delete on citizens
  for each row execute function guichet_notify_citizen_change();
create trigger citizens_notify_update after update on citizens
  for each row
  when ((to_jsonb(old) - 'last_login_at') is distinct from (to_jsonb(new) - 'last_login_at'))
  execute function guichet_notify_citizen_change();

-- TRUNCATE fires no row trigger: drop every cached session.
create trigger agent_sessions_notify_truncate after truncate on agent_sessions
  for each statement execute function guichet_notify_auth_all();
create trigger citizen_sessions_notify_truncate after truncate on citizen_sessions
  for each statement execute function guichet_notify_auth_all();
create trigger agents_notify_truncate after truncate on agents
  for each statement execute function guichet_notify_auth_all();
create trigger agent_services_notify_truncate after truncate on agent_services
  for each statement execute function guichet_notify_auth_all();
create trigger citizens_notify_truncate after truncate on citizens
  for each statement execute function guichet_notify_auth_all();
