import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { lockCurrentTicket } from './current-ticket.ts';

/** At most this many calls of one ticket: after that, the person is marked absent. */
export const MAX_CALLS = 3;

/** « Appeler à nouveau »: the ticket comes back at the top of the screen; its waiting time does not change. */
export async function recallTicket(trx: Tx, input: { counterId: string; ticketId: string; now: Date }): Promise<void> {
  const ticket = await lockCurrentTicket(trx, input.counterId, input.ticketId);
  if (ticket.status !== 'called')
    throw new AppError('ticket_not_current', 'La personne est déjà au guichet : inutile de l’appeler à nouveau.');
  const updated = await trx
    .updateTable('counter_tickets')
    .set((eb) => ({ last_called_at: input.now, calls: eb('calls', '+', 1) }))
    .where('id', '=', ticket.id)
    .where('calls', '<', MAX_CALLS)
    .executeTakeFirst();
  if (updated.numUpdatedRows === 0n)
    throw new AppError(
      'ticket_not_current',
      `Ce ticket a déjà été appelé ${MAX_CALLS} fois : indiquez que la personne est absente.`,
    );
}
