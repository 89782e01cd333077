import type { Db, Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import type { Services } from '../../services.ts';
import { cachedTenantCalendar } from '../requests/tenant-calendar.ts';
import { bookingWindow, type Slot } from './availability.ts';
import { closedDayTest, findSlots } from './find-slots.ts';
import { wallTimeOf } from './local-time.ts';
import { motifById, type MotifRow } from './repository.ts';
import { parseSlotId, slotIdOf, type SlotRef } from './slot-id.ts';

/**
 * The slot a booking or a move asks for, checked against the opening periods as they are now:
 * its motif, its site and its seats. A slot that is not one says why, each with its own stable
 * code: unknown, past or too soon, beyond the booking horizon, on a closed day, outside hours.
 */
export async function resolveSlot(
  services: Services,
  tenantId: string,
  slotId: string,
  conn: Db | Tx,
): Promise<{ ref: SlotRef; motif: MotifRow; slot: Slot }> {
  const ref = parseSlotId(slotId);
  if (!ref) throw new AppError('slot_not_found', 'Ce créneau n’existe pas. Choisissez-en un dans la liste.');
  const motif = await motifById(conn, ref.motifId);
  if (!motif) throw new AppError('slot_not_found', 'Ce créneau n’existe pas. Choisissez-en un dans la liste.');
  const now = services.clock.now();
  const today = wallTimeOf(now).day;
  const day = wallTimeOf(ref.start).day;
  const window = bookingWindow(motif, now, today);
  if (ref.start.getTime() < window.earliest)
    throw new AppError(
      'slot_in_past',
      ref.start.getTime() < now.getTime()
        ? 'Ce créneau est déjà passé. Choisissez un autre créneau.'
        : 'Ce créneau est trop proche pour être réservé en ligne. Choisissez un autre créneau ou appelez la mairie.',
    );
  if (day > window.lastDay)
    throw new AppError(
      'slot_beyond_horizon',
      `On ne peut pas réserver plus de ${motif.maxLeadDays} jours à l’avance. Choisissez une date plus proche.`,
    );
  const calendar = await cachedTenantCalendar(services, tenantId, conn);
  if (closedDayTest(calendar)(day))
    throw new AppError(
      'slot_closed_day',
      'La mairie est fermée ce jour-là (jour férié ou fermeture). Choisissez un autre jour.',
    );
  const slots = await findSlots(
    services,
    tenantId,
    { motif, siteId: ref.siteId, from: day, to: day, includeFull: true },
    conn,
  );
  const slot = slots.find((s) => s.start.getTime() === ref.start.getTime() && s.siteId === ref.siteId);
  if (!slot)
    throw new AppError(
      'slot_outside_opening_hours',
      'Ce créneau est en dehors des horaires d’ouverture. Choisissez un créneau dans la liste.',
    );
  return { ref, motif, slot };
}

/** The next free slots after `after` for the motif, at any site: what a refused booking offers instead. */
export async function nextFreeSlots(
  services: Services,
  tenantId: string,
  motif: MotifRow,
  after: Date,
  count = 5,
): Promise<{ id: string; slot: Slot }[]> {
  const from = wallTimeOf(after).day;
  const found: { id: string; slot: Slot }[] = [];
  // A week at a time: most of the time the first one has enough.
  for (let week = 0; week < 14 && found.length < count; week++) {
    const start = new Date(Date.parse(`${from}T12:00:00Z`) + week * 7 * 86_400_000).toISOString().slice(0, 10);
    const end = new Date(Date.parse(`${start}T12:00:00Z`) + 6 * 86_400_000).toISOString().slice(0, 10);
    const slots = await findSlots(services, tenantId, { motif, siteId: null, from: start, to: end });
    for (const slot of slots) {
      if (slot.start.getTime() <= after.getTime()) continue;
      found.push({ id: slotIdOf({ motifId: motif.id, siteId: slot.siteId, start: slot.start }), slot });
      if (found.length >= count) break;
    }
  }
  return found;
}
