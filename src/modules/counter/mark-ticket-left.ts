import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * « Partie sans attendre »: someone waiting gave up and left before being called. The ticket
 * leaves the line (« appeler le suivant » passes over it) and counts in no waiting time.
 */
export async function markTicketLeft(trx: Tx, input: { siteId: string; ticketId: string; now: Date }): Promise<void> {
  const left = await trx
    .updateTable('counter_tickets')
    .set({ status: 'left', completed_at: input.now })
    .where('id', '=', input.ticketId)
    .where('site_id', '=', input.siteId)
    .where('status', '=', 'waiting')
    .executeTakeFirst();
  if (left.numUpdatedRows === 0n)
    throw new AppError('ticket_not_current', 'Ce ticket n’attend plus : il a été appelé entre-temps.');
}
