import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.ts';
import { appointmentsBetween, type DayAppointment } from './repository.ts';

/** An appointment's reference anywhere in what was typed or scanned (the QR code holds a link ending with it). */
const REFERENCE = /RDV-[0-9A-Z]{6}/i;

/** Longest text searched: a name, a reference, or the link a scanner types. */
export const SEARCH_MAX = 300;

export interface FoundAppointments {
  /** What the search was understood as. */
  by: 'reference' | 'name';
  appointments: (DayAppointment & { siteId: string })[];
}

/**
 * The appointments a person at the desk may be, from what the agent typed or the scanner read:
 * a reference (alone or inside the QR code's link: any day, any site, so that the page can say
 * « prévu le … » or « à la mairie annexe »), else words of the name among the site's
 * appointments of the day, without case or accents.
 */
export async function findAppointments(
  trx: Tx,
  input: { siteId: string; text: string; dayStart: Date; dayEnd: Date },
): Promise<FoundAppointments> {
  const text = input.text.slice(0, SEARCH_MAX);
  const reference = REFERENCE.exec(text)?.[0]?.toUpperCase();
  if (reference) {
    const row = await trx
      .selectFrom('appointments')
      .select(['site_id', 'starts_at'])
      .where('reference', '=', reference)
      .executeTakeFirst();
    if (!row) return { by: 'reference', appointments: [] };
    const end = new Date(row.starts_at.getTime() + 1);
    const found = (await appointmentsBetween(trx, row.site_id, row.starts_at, end)).filter(
      (a) => a.reference === reference,
    );
    return { by: 'reference', appointments: found.map((a) => ({ ...a, siteId: row.site_id })) };
  }
  const words = text
    .split(/[\s,;]+/)
    .map((w) => w.trim())
    .filter((w) => w.length >= 2)
    .slice(0, 5);
  if (words.length === 0) return { by: 'name', appointments: [] };
  const ofDay = await appointmentsBetween(trx, input.siteId, input.dayStart, input.dayEnd);
  if (ofDay.length === 0) return { by: 'name', appointments: [] };
  const matching = await trx
    .selectFrom('appointments')
    .select('id')
    .where(
      'id',
      'in',
      ofDay.map((a) => a.id),
    )
    .where((eb) =>
      eb.and(
        words.map(
          (w) =>
            sql<boolean>`guichet_fold(given_name || ' ' || family_name) like '%' || guichet_fold(${w.replace(/[%_\\]/g, '\\$&')}) || '%'`,
        ),
      ),
    )
    .execute();
  const ids = new Set(matching.map((m) => m.id));
  return { by: 'name', appointments: ofDay.filter((a) => ids.has(a.id)).map((a) => ({ ...a, siteId: input.siteId })) };
}
