import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * What became of a booked citizen who did not check in, from the day's list: « excusé » (they let
 * us know), « absent » (a no-show, once the appointment's time has come), or back to « à venir »
 * after a mistake. A checked-in or cancelled appointment is not changed here.
 */
export async function setAppointmentOutcome(
  trx: Tx,
  input: { appointmentId: string; siteId: string; outcome: 'excused' | 'no_show' | 'booked'; now: Date },
): Promise<void> {
  const a = await trx
    .selectFrom('appointments')
    .select(['id', 'status', 'starts_at', 'checked_in_at'])
    .where('id', '=', input.appointmentId)
    .where('site_id', '=', input.siteId)
    .forUpdate()
    .executeTakeFirst();
  if (!a) throw new AppError('appointment_not_found', 'Ce rendez-vous n’existe pas à cet endroit.');
  if (a.status === 'cancelled' || a.status === 'seen' || a.checked_in_at)
    throw new AppError('appointment_not_booked', 'Ce rendez-vous est annulé, ou la personne est déjà arrivée.');
  if (input.outcome === 'no_show' && a.starts_at.getTime() > input.now.getTime())
    throw new AppError('invalid_transition', 'L’heure du rendez-vous n’est pas encore passée.');
  if (a.status === input.outcome) return;
  await trx
    .updateTable('appointments')
    .set({ status: input.outcome, status_changed_at: input.now, updated_at: input.now })
    .where('id', '=', a.id)
    .execute();
}
