import { sql } from 'kysely';
import type { Db, Tx } from '../../db/tenant-scope.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import type { Services } from '../../services.ts';
import { departementOfInsee, type WorkingDayOptions } from './working-days.ts';

/** What a tenant's deadlines are counted with: its département's holidays and its own closing days. */
export interface TenantCalendar extends Required<Pick<WorkingDayOptions, 'departement' | 'extraHolidays'>> {
  /** Working days before a due date when agents are warned. */
  warningDays: number;
}

/** The calendar of the tenant `trx` is scoped to, read now (inside a use case's transaction). */
export async function loadTenantCalendar(trx: Tx | Db, tenantId: string): Promise<TenantCalendar> {
  const tenant = await trx
    .selectFrom('tenants')
    .select(['insee_code', 'deadline_warning_days'])
    .where('id', '=', tenantId)
    .executeTakeFirstOrThrow();
  const days = await trx
    .selectFrom('tenant_closing_days')
    .select(sql<string>`day::text`.as('day'))
    .where('tenant_id', '=', tenantId)
    .orderBy('day')
    .execute();
  return {
    departement: departementOfInsee(tenant.insee_code),
    extraHolidays: days.map((d) => d.day),
    warningDays: tenant.deadline_warning_days,
  };
}

const CACHE = 'tenant-calendars';

/**
 * The same, kept a minute per process for hot paths (a submission, the inbox): closing days are
 * set weeks ahead, so a change showing a minute later is fine.
 */
export function cachedTenantCalendar(services: Services, tenantId: string, conn?: Tx | Db): Promise<TenantCalendar> {
  // Inside a transaction, read on its connection: the embedded database has only one.
  return calendarCache(services).getOrLoad(tenantId, () =>
    conn
      ? loadTenantCalendar(conn, tenantId)
      : inTenant(services.db, tenantId, (trx) => loadTenantCalendar(trx, tenantId)),
  );
}

/** After a change of closing days: this process counts with them at once (others within the minute). */
export function forgetTenantCalendar(services: Services, tenantId: string): void {
  calendarCache(services).delete(tenantId);
}

function calendarCache(services: Services) {
  return services.caches.named<TenantCalendar>(CACHE, { ttlMs: 60_000, max: 1000 });
}
