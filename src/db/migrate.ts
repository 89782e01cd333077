import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The role every application query runs as: no SUPERUSER, no BYPASSRLS. */
export const APP_ROLE = 'guichet_app';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
// Any fixed number: serialises migrators started at the same time (several app instances).
const LOCK_KEY = 4_815_162_342;

type Query = (text: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

/** Migration files, oldest first: `<yyyymmddhhmmss>_<name>.sql`. */
export function migrationFiles(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{14}_[a-z0-9_-]+\.sql$/.test(f))
    .sort();
}

/**
 * Applies pending migrations, each in its own transaction, then (re)grants the application
 * role its least privileges. Runs as the schema owner. Returns the names applied.
 */
export async function runMigrations(query: Query): Promise<string[]> {
  await query('select pg_advisory_lock($1)', [LOCK_KEY]);
  try {
    await ensureAppRole(query);
    await query(`create table if not exists schema_migrations (
      name text primary key, applied_at timestamptz not null default now())`);
    const done = new Set((await query('select name from schema_migrations')).rows.map((r) => String(r.name)));
    const applied: string[] = [];
    for (const file of migrationFiles()) {
      if (done.has(file)) continue;
      const body = readFileSync(path.join(MIGRATIONS_DIR, file), 'utf8');
      await query('begin');
      try {
        await query(body);
        await query('insert into schema_migrations (name) values ($1)', [file]);
        await query('commit');
      } catch (err) {
        await query('rollback');
        throw new Error(`Migration ${file} failed: ${(err as Error).message}`, { cause: err });
      }
      applied.push(file);
    }
    await grantAppRole(query);
    return applied;
  } finally {
    await query('select pg_advisory_unlock($1)', [LOCK_KEY]);
  }
}

async function ensureAppRole(query: Query): Promise<void> {
  // Roles are cluster-wide; several databases (tests) may create it at once.
  await query(`do $$ begin
    if not exists (select from pg_roles where rolname = '${APP_ROLE}') then
      create role ${APP_ROLE} nologin nosuperuser nobypassrls;
    end if;
  exception when duplicate_object or unique_violation then null;
  end $$`);
  await query(`do $$ begin
    execute format('grant ${APP_ROLE} to %I', current_user);
  exception when others then null;
  end $$`);
}

async function grantAppRole(query: Query): Promise<void> {
  await query(`grant usage on schema public to ${APP_ROLE}`);
  await query(`grant select, insert, update, delete on all tables in schema public to ${APP_ROLE}`);
  await query(`revoke all on schema_migrations from ${APP_ROLE}`);
  // The personal data access log is append-only for the application (RGPD accountability).
  await query(`revoke update, delete, truncate on personal_data_access_log from ${APP_ROLE}`);
  // So are the timeline and the tenant's audit log (decision 22); the anonymisation's blanking of
  // bodies is the one update the timeline's trigger lets through.
  await query(`revoke delete, truncate on request_events from ${APP_ROLE}`);
  await query(`revoke update, delete, truncate on tenant_audit_log from ${APP_ROLE}`);
  // A complaint's history is evidence of how it was handled (decision 37).
  await query(`revoke update, delete, truncate on complaint_events from ${APP_ROLE}`);
  // Tenants and their hosts are created by the operator's command, not by the application.
  await query(`revoke insert, delete on tenants, tenant_hosts from ${APP_ROLE}`);
  await query(`grant usage on all sequences in schema public to ${APP_ROLE}`);
  await query(`grant execute on all functions in schema public to ${APP_ROLE}`);
}
