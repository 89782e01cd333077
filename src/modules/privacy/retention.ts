import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db, Tx } from '../../db/tenant-scope.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { CONTACT_DEMARCHE_SLUG } from '../catalogue/contact-demarche.ts';
import { anonymiseRequests } from './anonymise.ts';

export interface RetentionResult {
  tenantId: string;
  anonymised: number;
  accessLogPurged: number;
  /** Inbound mail tied to no item, deleted. */
  unlinkedMailPurged: number;
}

/** When the contact démarche is missing (it never should be): the démarches' default retention. */
const DEFAULT_RETENTION_MONTHS = 24;

/**
 * Inbound mail tied to no item (automatic replies, bounces and our own mail coming back, which
 * the loop guard only recorded): deleted once older than the retention of the mail that opens
 * items (the contact démarche's), counted from its arrival, as it never closes. Nothing else
 * would ever age it: anonymisation reaches mail through its item.
 */
export async function purgeUnlinkedInboundMail(trx: Tx, now: Date): Promise<number> {
  const r = await sql`
    delete from inbound_mails m
     where m.request_id is null
       and m.received_at + make_interval(months => coalesce(
             (select d.retention_months from demarches d where d.slug = ${CONTACT_DEMARCHE_SLUG}),
             ${DEFAULT_RETENTION_MONTHS})) <= ${now}`.execute(trx);
  return Number(r.numAffectedRows ?? 0);
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
 * (requests never closed are kept), purges access-log entries past their year and inbound mail
 * tied to no item past the contact démarche's retention. Safe to run again: what is done is not
 * done twice.
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
  const unlinkedMailPurged = await inTenant(db, tenantId, (trx) => purgeUnlinkedInboundMail(trx, now));
  return { tenantId, anonymised, accessLogPurged: purged, unlinkedMailPurged };
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
