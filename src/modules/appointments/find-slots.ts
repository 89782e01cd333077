import type { Db, Tx } from '../../db/tenant-scope.ts';
import { withTenantConnection } from '../../db/tenant-scope.ts';
import type { Services } from '../../services.ts';
import { cachedTenantCalendar, type TenantCalendar } from '../requests/tenant-calendar.ts';
import { publicHolidays } from '../requests/working-days.ts';
import { computeSlots, type Slot } from './availability.ts';
import { addDays, wallTimeOf, zonedInstant } from './local-time.ts';
import { slotInputs, type MotifRow } from './repository.ts';

/** Whether a calendar day is closed for everyone: a public holiday of the département or a closing day of the tenant. */
export function closedDayTest(
  calendar: Pick<TenantCalendar, 'departement' | 'extraHolidays'>,
): (day: string) => boolean {
  const extra = new Set(calendar.extraHolidays);
  return (day) =>
    extra.has(day) || extra.has(day.slice(5)) || publicHolidays(Number(day.slice(0, 4)), calendar.departement).has(day);
}

export interface SlotQuery {
  motif: MotifRow;
  /** One site, or every site where the motif is served. */
  siteId: string | null;
  /** Calendar days, both included. */
  from: string;
  to: string;
  /** Full slots too (remaining 0): the booking checks a slot it was given. */
  includeFull?: boolean;
}

/**
 * The slots of a motif over a range of days, computed from its resources' opening periods, the
 * closures, the holidays and the live appointments (availability.ts). Reads in one statement on one connection
 * (`conn`, else one taken from the pool).
 */
export async function findSlots(
  services: Services,
  tenantId: string,
  query: SlotQuery,
  conn?: Db | Tx,
): Promise<Slot[]> {
  const calendar = await cachedTenantCalendar(services, tenantId, conn);
  const run = async (c: Db | Tx) => {
    const rangeStart = zonedInstant(query.from, 0) ?? new Date(`${query.from}T00:00:00Z`);
    const rangeEnd = zonedInstant(addDays(query.to, 1), 0) ?? new Date(`${addDays(query.to, 1)}T00:00:00Z`);
    const { resources, closures, busy } = await slotInputs(c, {
      motifId: query.motif.id,
      siteId: query.siteId,
      from: rangeStart,
      to: rangeEnd,
    });
    if (resources.length === 0) return [];
    const now = services.clock.now();
    const slots = computeSlots({
      motif: query.motif,
      resources,
      closures,
      busy,
      isClosedDay: closedDayTest(calendar),
      from: query.from,
      to: query.to,
      now,
      today: wallTimeOf(now).day,
    });
    return query.includeFull ? slots : slots.filter((s) => s.remaining > 0);
  };
  return conn ? run(conn) : withTenantConnection(services.db, tenantId, run);
}
