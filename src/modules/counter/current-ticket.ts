import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * The ticket at a counter, checked against the one the agent's page showed: a button pressed on a
 * page left open after another agent moved on changes nothing.
 */
export async function lockCurrentTicket(
  trx: Tx,
  counterId: string,
  ticketId: string,
): Promise<{ id: string; status: 'called' | 'serving'; appointmentId: string | null }> {
  const row = await trx
    .selectFrom('counter_tickets')
    .select(['id', 'status', 'appointment_id'])
    .where('id', '=', ticketId)
    .where('counter_resource_id', '=', counterId)
    .where('status', 'in', ['called', 'serving'])
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new AppError('ticket_not_current', 'Ce ticket n’est plus au guichet : la page a été mise à jour.');
  return { id: row.id, status: row.status as 'called' | 'serving', appointmentId: row.appointment_id };
}
