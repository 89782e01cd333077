import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { inviteAfterVisit, type VisitSurveyContext } from './invite-after-visit.ts';

export interface FinishInput {
  tenantId: string;
  counterId: string;
  agentId: string;
  now: Date;
  /** What the visit's survey link is made of; null: no survey (the demo's morning). */
  survey: VisitSurveyContext | null;
}

/**
 * Ends the service of the person at a counter: the ticket is « seen », its service time runs from
 * when the agent started (the call when they did not say) to now, an appointment is « seen », and
 * the visit gets its survey (invite-after-visit.ts). Returns the ticket's id, or null when nobody
 * is at the counter.
 */
export async function finishCurrentService(trx: Tx, input: FinishInput): Promise<string | null> {
  const done = await trx
    .updateTable('counter_tickets')
    .set((eb) => ({
      status: 'seen',
      completed_at: input.now,
      served_at: eb.fn.coalesce('served_at', 'called_at'),
      served_by_agent_id: eb.fn.coalesce('served_by_agent_id', eb.val(input.agentId)),
    }))
    .where('counter_resource_id', '=', input.counterId)
    .where('status', 'in', ['called', 'serving'])
    .returning(['id', 'appointment_id', 'served_at'])
    .executeTakeFirst();
  if (!done) return null;
  if (done.appointment_id)
    await trx
      .updateTable('appointments')
      .set((eb) => ({
        status: 'seen',
        status_changed_at: input.now,
        completed_at: input.now,
        served_at: eb.fn.coalesce('served_at', eb.val(done.served_at)),
        served_by_agent_id: eb.fn.coalesce('served_by_agent_id', eb.val(input.agentId)),
        updated_at: input.now,
      }))
      .where('id', '=', done.appointment_id)
      .execute();
  if (input.survey)
    await inviteAfterVisit(trx, { tenantId: input.tenantId, ticketId: done.id, now: input.now, survey: input.survey });
  return done.id;
}

/** « Terminer » on a counter's page: the ticket shown must still be the counter's. */
export async function finishService(trx: Tx, input: FinishInput & { ticketId: string }): Promise<void> {
  const current = await trx
    .selectFrom('counter_tickets')
    .select('id')
    .where('counter_resource_id', '=', input.counterId)
    .where('status', 'in', ['called', 'serving'])
    .executeTakeFirst();
  if (current?.id !== input.ticketId)
    throw new AppError('ticket_not_current', 'Ce ticket n’est plus au guichet : la page a été mise à jour.');
  await finishCurrentService(trx, input);
}
