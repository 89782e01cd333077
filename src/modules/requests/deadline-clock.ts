import type { AuditChannel, RequestStatus } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { formatDateFr, formatNumberFr, parisDay } from '../../platform/format.ts';
import { loadTenantCalendar } from './tenant-calendar.ts';
import { shiftWorkingDays, workingDaysBetween } from './working-days.ts';

const CLOSED: readonly RequestStatus[] = ['traitee', 'refusee'];

/**
 * Keeps an item's deadline right when its status changes from `from` to `to`, in the caller's
 * transaction, after the status itself is written:
 * - entering « en attente de l'usager » pauses the clock (`waiting_since`);
 * - leaving it moves the due date by the working days waited (public holidays of the
 *   tenant's département and its closing days excluded), and says so on the agents' timeline;
 * - closing after the due date records a breach (`deadline_breaches`), once per due date.
 * Every path that changes a status calls it (agent's status change, citizen's reply).
 */
export async function applyDeadlineClock(
  trx: Tx,
  input: {
    tenantId: string;
    requestId: string;
    from: RequestStatus;
    to: RequestStatus;
    now: Date;
    /** How the status change came (the moved due date is audited with it). */
    channel: AuditChannel;
  },
): Promise<void> {
  if (input.from === input.to) return;
  if (input.to === 'en_attente_usager') {
    await trx.updateTable('requests').set({ waiting_since: input.now }).where('id', '=', input.requestId).execute();
    return;
  }
  const row = await trx
    .selectFrom('requests')
    .select(['due_on', 'waiting_since'])
    .where('id', '=', input.requestId)
    .executeTakeFirstOrThrow();
  let dueOn = String(row.due_on);
  if (input.from === 'en_attente_usager' && row.waiting_since) {
    const calendar = await loadTenantCalendar(trx, input.tenantId);
    const waited = workingDaysBetween(parisDay(row.waiting_since), parisDay(input.now), calendar);
    if (waited > 0) dueOn = shiftWorkingDays(dueOn, waited, calendar);
    await trx
      .updateTable('requests')
      .set({ waiting_since: null, due_on: dueOn })
      .where('id', '=', input.requestId)
      .execute();
    if (waited > 0) {
      await trx
        .insertInto('request_events')
        .values({
          tenant_id: input.tenantId,
          request_id: input.requestId,
          kind: 'deadline_extended',
          body: `Échéance reportée au ${formatDateFr(dueOn)} (attente de l’usager : ${
            waited === 1 ? '1 jour ouvré' : `${formatNumberFr(waited)} jours ouvrés`
          }).`,
          author_kind: 'system',
          author_agent_id: null,
          visible_to_citizen: false,
          channel: input.channel,
        })
        .execute();
    }
  }
  if (CLOSED.includes(input.to) && parisDay(input.now) > dueOn) {
    await recordBreach(trx, {
      tenantId: input.tenantId,
      requestId: input.requestId,
      dueOn,
      kind: 'closed_late',
      now: input.now,
    });
  }
}

/** Records a missed due date, once per item and due date. */
export async function recordBreach(
  trx: Tx,
  input: { tenantId: string; requestId: string; dueOn: string; kind: 'closed_late' | 'overdue'; now: Date },
): Promise<void> {
  await trx
    .insertInto('deadline_breaches')
    .values({
      tenant_id: input.tenantId,
      request_id: input.requestId,
      due_on: input.dueOn,
      detected_at: input.now,
      kind: input.kind,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'request_id', 'due_on']).doNothing())
    .execute();
}
