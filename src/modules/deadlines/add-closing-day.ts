import type { Tx } from '../../db/tenant-scope.ts';
import { formatDateFr } from '../../platform/format.ts';
import type { FieldError } from '../../platform/web/form.ts';
import type { SessionAgent } from '../agents/sessions.ts';
import { recordTenantChange } from '../audit/record-tenant-change.ts';
import { departementOfInsee, isWorkingDay, publicHolidayList } from '../requests/working-days.ts';

/** Who changes the closing days, from where, when. */
export interface ClosingDayChange {
  tenantId: string;
  agent: Pick<SessionAgent, 'id' | 'name'>;
  ip: string;
  now: Date;
}

/** The département whose public holidays apply to the tenant (Alsace-Moselle, overseas). */
async function tenantDepartement(trx: Tx, tenantId: string): Promise<string | null> {
  const t = await trx.selectFrom('tenants').select('insee_code').where('id', '=', tenantId).executeTakeFirstOrThrow();
  return departementOfInsee(t.insee_code);
}

/**
 * Adds a closing day: from then on, deadlines computed for new items and moved after a wait
 * skip it (due dates already set stay as they are). A day that already does not count (a
 * weekend, a public holiday of the tenant's département, a closing day already there) is
 * refused with what it already is. The change is written to the tenant's audit log.
 */
export async function addClosingDay(
  trx: Tx,
  input: ClosingDayChange & { day: string; label: string },
): Promise<{ ok: true } | { ok: false; errors: FieldError[] }> {
  const departement = await tenantDepartement(trx, input.tenantId);
  const holiday = publicHolidayList(Number(input.day.slice(0, 4)), departement).find((h) => h.date === input.day);
  const refuse = (message: string) => ({ ok: false as const, errors: [{ field: 'jour', message }] });
  if (holiday)
    return refuse(`Le ${formatDateFr(input.day)} est un jour férié (${holiday.name}) : il ne compte déjà pas.`);
  if (!isWorkingDay(input.day, { departement }))
    return refuse(`Le ${formatDateFr(input.day)} est un samedi ou un dimanche : il ne compte déjà pas.`);
  const inserted = await trx
    .insertInto('tenant_closing_days')
    .values({ tenant_id: input.tenantId, day: input.day, label: input.label })
    .onConflict((oc) => oc.columns(['tenant_id', 'day']).doNothing())
    .returning('day')
    .executeTakeFirst();
  if (!inserted) return refuse(`Le ${formatDateFr(input.day)} est déjà un jour de fermeture.`);
  await recordClosingDayChange(trx, input, 'closing_day_added', input.label);
  return { ok: true };
}

/** A closing day added or removed, in the tenant's audit log (« 31 mai 2030 – Pont de l'Ascension »). */
export async function recordClosingDayChange(
  trx: Tx,
  input: ClosingDayChange & { day: string },
  action: 'closing_day_added' | 'closing_day_removed',
  label: string,
): Promise<void> {
  await recordTenantChange(trx, {
    tenantId: input.tenantId,
    actor: { kind: 'agent', id: input.agent.id, label: input.agent.name },
    action,
    detail: `${formatDateFr(input.day)} – ${label}`,
    channel: 'web',
    ip: input.ip,
    now: input.now,
  });
}
