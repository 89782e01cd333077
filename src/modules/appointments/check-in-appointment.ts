import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import type { Services } from '../../services.ts';
import { loadAppointment, type AppointmentDetails } from './appointment-details.ts';
import { wallTimeOf } from './local-time.ts';

/**
 * Records the citizen's arrival (`checked_in_at`), on the day of the appointment only and once:
 * a second check-in answers with the first one's time. The counter (modules/counter) calls the
 * person from there.
 */
export async function checkInAppointment(
  services: Services,
  tenantId: string,
  reference: string,
): Promise<{ appointment: AppointmentDetails; checkedInAt: Date }> {
  return inTenant(services.db, tenantId, async (trx) => {
    const a = await loadAppointment(trx, { reference });
    if (!a) throw new AppError('appointment_not_found', 'Aucun rendez-vous ne porte cette référence.');
    if (a.status === 'cancelled') throw new AppError('conflict', 'Ce rendez-vous a été annulé.');
    const now = services.clock.now();
    if (wallTimeOf(a.start).day !== wallTimeOf(now).day)
      throw new AppError('conflict', 'Ce rendez-vous n’est pas aujourd’hui.');
    const row = await trx
      .updateTable('appointments')
      .set({ checked_in_at: now, updated_at: now })
      .where('id', '=', a.id)
      .where('checked_in_at', 'is', null)
      .returning('checked_in_at')
      .executeTakeFirst();
    const at =
      row?.checked_in_at ??
      (await trx.selectFrom('appointments').select('checked_in_at').where('id', '=', a.id).executeTakeFirstOrThrow())
        .checked_in_at!;
    return { appointment: a, checkedInAt: at };
  });
}
