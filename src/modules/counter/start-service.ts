import type { Tx } from '../../db/tenant-scope.ts';
import { lockCurrentTicket } from './current-ticket.ts';

/** « La personne est là » at a counter: the service starts now (the end of the waiting time stays the call). */
export async function startService(
  trx: Tx,
  input: { counterId: string; ticketId: string; agentId: string; now: Date },
): Promise<void> {
  const ticket = await lockCurrentTicket(trx, input.counterId, input.ticketId);
  if (ticket.status === 'serving') return;
  await trx
    .updateTable('counter_tickets')
    .set({ status: 'serving', served_at: input.now, served_by_agent_id: input.agentId })
    .where('id', '=', ticket.id)
    .execute();
  if (ticket.appointmentId)
    await trx
      .updateTable('appointments')
      .set({ served_at: input.now, served_by_agent_id: input.agentId, updated_at: input.now })
      .where('id', '=', ticket.appointmentId)
      .execute();
}
