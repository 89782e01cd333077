import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../../db/tenant-scope.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { anonymiseRequests } from './anonymise.ts';

export interface RetentionResult {
  tenantId: string;
  anonymised: number;
  accessLogPurged: number;
}

/** Requests closed longer ago than their démarche's retention period, not yet anonymised. */
export async function requestsPastRetention(db: Db, tenantId: string, now: Date): Promise<string[]> {
  return inTenant(db, tenantId, async (trx) => {
    const rows = await trx
      .selectFrom('requests as r')
      .innerJoin('demarches as d', (j) =>
        j.onRef('d.tenant_id', '=', 'r.tenant_id').onRef('d.id', '=', 'r.demarche_id'),
      )
      .select('r.id')
      .where('r.closed_at', 'is not', null)
      .where('r.anonymised_at', 'is', null)
      .where(sql<boolean>`r.closed_at + make_interval(months => d.retention_months) <= ${now}`)
      .execute();
    return rows.map((r) => r.id);
  });
}

/**
 * The daily retention run for one tenant: anonymises requests past their retention period
 * (requests never closed are kept) and purges access-log entries past their year. Safe to run
 * again: what is done is not done twice.
 */
export async function applyRetention(db: Db, tenantId: string, now: Date): Promise<RetentionResult> {
  const ids = await requestsPastRetention(db, tenantId, now);
  let anonymised = 0;
  // Batches keep each transaction short on a large backlog (first run on old data).
  for (let i = 0; i < ids.length; i += 200) {
    const batch = ids.slice(i, i + 200);
    anonymised += await inTenant(db, tenantId, (trx) => anonymiseRequests(trx, batch, now));
  }
  const purged = await inTenant(db, tenantId, async (trx) => {
    const r = await sql<{ n: number }>`select guichet_purge_access_log() as n`.execute(trx);
    return Number(r.rows[0]?.n ?? 0);
  });
  return { tenantId, anonymised, accessLogPurged: purged };
}

/** Every tenant in turn; one tenant's failure does not stop the others. */
export async function runRetention(db: Db, now: Date, logger: Logger): Promise<RetentionResult[]> {
  const tenants = await sql<{ id: string }>`select guichet_tenant_ids() as id`.execute(db);
  const results: RetentionResult[] = [];
  let failures = 0;
  for (const { id } of tenants.rows) {
    try {
      const r = await applyRetention(db, id, now);
      results.push(r);
      logger.info({ job: 'retention', ...r }, 'retention applied');
    } catch (err) {
      failures += 1;
      logger.error({ job: 'retention', tenantId: id, err }, 'retention failed for a tenant');
    }
  }
  if (failures > 0) throw new Error(`retention failed for ${failures} tenant(s)`);
  return results;
}
