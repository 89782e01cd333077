import { sql } from 'kysely';
import type { Db } from '../../db/tenant-scope.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { parisDay } from '../../platform/format.ts';
import { enqueueJob } from '../../platform/jobs/queue.ts';
import { loadTenantCalendar } from './tenant-calendar.ts';
import { shiftWorkingDays } from './working-days.ts';

/** The queue of the mail that warns agents of a coming due date (deadline-warning.ts). */
export const DEADLINE_WARNING_QUEUE = 'deadline.warning';

export interface DeadlineWarningPayload {
  requestId: string;
  /** The due date warned about: a job for a date the item no longer has does nothing. */
  dueOn: string;
}

/**
 * The daily look at every tenant's deadlines:
 * - an open item past its due date (not waiting for the citizen: its clock is paused) is a
 *   breach, recorded once per due date for the statistics;
 * - an open item due within the tenant's warning days (`tenants.deadline_warning_days`, working
 *   days) gets one `deadline.warning` job, keyed by item and due date: running this twice, or on
 *   two instances, warns once; a due date moved later is warned about again.
 */
export async function checkDeadlines(
  db: Db,
  now: Date,
): Promise<{ tenants: number; breaches: number; warnings: number }> {
  const tenants = await sql<{ id: string }>`select guichet_tenant_ids() as id`.execute(db);
  const today = parisDay(now);
  let breaches = 0;
  let warnings = 0;
  for (const { id: tenantId } of tenants.rows) {
    await inTenant(db, tenantId, async (trx) => {
      const recorded = await sql`
        insert into deadline_breaches (tenant_id, request_id, due_on, detected_at, kind)
        select tenant_id, id, due_on, ${now}, 'overdue' from requests
         where tenant_id = ${tenantId} and closed_at is null and status <> 'en_attente_usager'
           and due_on < ${today}::date
        on conflict (tenant_id, request_id, due_on) do nothing
        returning request_id`.execute(trx);
      breaches += recorded.rows.length;
      const calendar = await loadTenantCalendar(trx, tenantId);
      const warnUntil = shiftWorkingDays(today, calendar.warningDays, calendar);
      const due = await trx
        .selectFrom('requests')
        .select(['id', sql<string>`due_on::text`.as('due_on')])
        .where('closed_at', 'is', null)
        .where('status', '<>', 'en_attente_usager')
        .where('due_on', '>=', today)
        .where('due_on', '<=', warnUntil)
        .execute();
      for (const r of due) {
        const queued = await enqueueJob(trx, tenantId, {
          queue: DEADLINE_WARNING_QUEUE,
          payload: { requestId: r.id, dueOn: r.due_on } satisfies DeadlineWarningPayload,
          uniqueKey: `${r.id}:${r.due_on}`,
        });
        if (queued) warnings += 1;
      }
    });
  }
  return { tenants: tenants.rows.length, breaches, warnings };
}
