import type { Tx } from '../../db/tenant-scope.ts';
import type { FieldError, FormResult } from '../../platform/web/form.ts';
import { parseDay } from './forms.ts';

/** Longest absence declared at once: a year. */
const MAX_DAYS = 366;

/**
 * Records an agent's absence (both days included). Who may declare it for whom is the route's
 * policy check; here, the dates: readable, in order, not entirely past, at most a year.
 */
export async function declareAbsence(
  trx: Tx,
  input: {
    tenantId: string;
    agentId: string;
    declaredBy: string;
    from: string;
    to: string;
    reason: string;
    /** 'YYYY-MM-DD' */
    today: string;
  },
): Promise<FormResult<{ id: string }>> {
  const errors: FieldError[] = [];
  const from = parseDay(input.from);
  const to = parseDay(input.to);
  if (!from) errors.push({ field: 'du', message: 'Indiquez le premier jour sous la forme 23/12/2026.' });
  if (!to) errors.push({ field: 'au', message: 'Indiquez le dernier jour sous la forme 03/01/2027.' });
  if (from && to) {
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    if (days < 0) errors.push({ field: 'au', message: 'Le dernier jour vient après le premier.' });
    else if (days >= MAX_DAYS) errors.push({ field: 'au', message: 'Une absence dure au plus un an.' });
    else if (to < input.today) errors.push({ field: 'au', message: 'Cette absence est déjà passée.' });
  }
  if (errors.length > 0) return { ok: false, errors };
  const row = await trx
    .insertInto('agent_absences')
    .values({
      tenant_id: input.tenantId,
      agent_id: input.agentId,
      starts_on: from!,
      ends_on: to!,
      reason: input.reason,
      declared_by: input.declaredBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ok: true, value: { id: row.id } };
}
