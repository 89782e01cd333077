import type { Tx } from '../../db/tenant-scope.ts';
import { lockCurrentTicket } from './current-ticket.ts';

/**
 * « Personne absente »: called, the person did not come to the counter. The ticket is a no-show,
 * and so is its appointment.
 */
export async function markTicketAbsent(
  trx: Tx,
  input: { counterId: string; ticketId: string; agentId: string; now: Date },
): Promise<void> {
  const ticket = await lockCurrentTicket(trx, input.counterId, input.ticketId);
  await trx
    .updateTable('counter_tickets')
    .set({ status: 'no_show', completed_at: input.now, served_by_agent_id: input.agentId })
    .where('id', '=', ticket.id)
    .execute();
  if (ticket.appointmentId)
    await trx
      .updateTable('appointments')
      .set({ status: 'no_show', status_changed_at: input.now, updated_at: input.now })
      .where('id', '=', ticket.appointmentId)
      .execute();
}
