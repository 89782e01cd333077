import ICAL from 'ical.js';
import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { addDays, zonedInstant } from './local-time.ts';

/**
 * Closures imported from an iCalendar file (the tenant's own closing days, an agent's leave
 * exported from a calendar): each VEVENT becomes a closure of the whole tenant, of a site or of a
 * resource. All-day events close whole days in Europe/Paris; timed events keep their instants
 * (UTC, a TZID the file defines, or Europe/Paris for floating times and a TZID it does not define).
 * Recurring events are expanded over the booking horizon. A second import of the same file
 * replaces its events (by UID) instead of adding them again.
 *
 * Refused, with stable codes: a file that is not iCalendar or has no event
 * (`calendar_file_invalid`), over `MAX_CALENDAR_BYTES` or `MAX_CLOSURES` closures once expanded
 * (`calendar_file_too_large`).
 */
export const MAX_CALENDAR_BYTES = 256 * 1024;
export const MAX_CLOSURES = 500;
/** Occurrences of a recurring event are imported up to this many days ahead. */
export const HORIZON_DAYS = 400;

export interface ParsedClosure {
  uid: string;
  label: string;
  start: Date;
  end: Date;
}

function invalid(why: string): AppError {
  return new AppError(
    'calendar_file_invalid',
    `Ce fichier n’est pas un calendrier iCalendar (.ics) utilisable : ${why}.`,
  );
}

function instantOf(time: ICAL.Time): Date {
  if (time.isDate) return zonedInstant(time.toString().slice(0, 10), 0)!;
  const tz = time.zone?.tzid;
  if (tz === 'UTC' || (time.zone && tz !== 'floating' && ICAL.TimezoneService.has(tz ?? ''))) return time.toJSDate();
  // Floating, or a TZID without its VTIMEZONE: read as Paris wall time (the next valid minute in spring).
  const day = time.toString().slice(0, 10);
  const minutes = time.hour * 60 + time.minute;
  return zonedInstant(day, minutes) ?? zonedInstant(day, minutes + 60)!;
}

/** The closures a file describes, from `today` to the horizon; throws the refusals above. */
export function parseClosures(content: string, today: string): ParsedClosure[] {
  if (Buffer.byteLength(content, 'utf8') > MAX_CALENDAR_BYTES)
    throw new AppError(
      'calendar_file_too_large',
      `Ce fichier est trop gros : ${MAX_CALENDAR_BYTES / 1024} Ko au plus. Exportez seulement les fermetures à venir.`,
    );
  if (!/^\s*BEGIN:VCALENDAR/i.test(content)) throw invalid('il ne commence pas par BEGIN:VCALENDAR');
  let root: ICAL.Component;
  try {
    root = new ICAL.Component(ICAL.parse(content));
  } catch {
    throw invalid('sa syntaxe est incorrecte');
  }
  const registered: string[] = [];
  for (const vtz of root.getAllSubcomponents('vtimezone')) {
    const tz = new ICAL.Timezone(vtz);
    if (tz.tzid && !ICAL.TimezoneService.has(tz.tzid)) {
      ICAL.TimezoneService.register(tz);
      registered.push(tz.tzid);
    }
  }
  try {
    const events = root.getAllSubcomponents('vevent');
    if (events.length === 0) throw invalid('il ne contient aucun évènement');
    const from = zonedInstant(today, 0)!.getTime();
    const horizon = zonedInstant(addDays(today, HORIZON_DAYS), 0)!.getTime();
    const closures: ParsedClosure[] = [];
    const add = (c: ParsedClosure) => {
      if (c.end.getTime() <= from || c.start.getTime() >= horizon) return;
      if (closures.length >= MAX_CLOSURES)
        throw new AppError(
          'calendar_file_too_large',
          `Ce fichier contient trop de fermetures : ${MAX_CLOSURES} au plus sur les ${HORIZON_DAYS} prochains jours.`,
        );
      closures.push(c);
    };
    for (const [i, component] of events.entries()) {
      let event: ICAL.Event;
      try {
        event = new ICAL.Event(component);
        if (!event.startDate) throw new Error('no DTSTART');
      } catch {
        throw invalid(`l’évènement n° ${i + 1} n’a pas de date de début`);
      }
      const label = (event.summary ?? '').toString().slice(0, 200);
      const uid = (event.uid ?? `sans-uid-${i}`).toString().slice(0, 250);
      const duration = () => {
        const end = event.endDate;
        if (end) return instantOf(end).getTime() - instantOf(event.startDate).getTime();
        return event.startDate.isDate ? 86_400_000 : 0;
      };
      const length = duration();
      if (!(length > 0)) throw invalid(`l’évènement « ${label || uid} » finit avant de commencer`);
      if (!event.isRecurring()) {
        const start = instantOf(event.startDate);
        const end = event.endDate ? instantOf(event.endDate) : new Date(start.getTime() + length);
        add({ uid, label, start, end });
        continue;
      }
      const iterator = event.iterator();
      for (let n = 0, next = iterator.next(); next; next = iterator.next(), n++) {
        const start = instantOf(next);
        if (start.getTime() >= horizon || n > 5000) break;
        const end = next.isDate
          ? zonedInstant(addDays(next.toString().slice(0, 10), Math.round(length / 86_400_000)), 0)!
          : new Date(start.getTime() + length);
        add({ uid: `${uid}#${start.toISOString()}`.slice(0, 300), label, start, end });
      }
    }
    return closures;
  } finally {
    for (const tzid of registered) ICAL.TimezoneService.remove(tzid);
  }
}

/**
 * Stores a file's closures for the tenant, a site or a resource: the closures of a previous
 * import with the same UIDs are replaced. Returns how many were stored.
 */
export async function importClosures(
  trx: Tx,
  tenantId: string,
  scope: { siteId: string | null; resourceId: string | null },
  closures: ParsedClosure[],
): Promise<number> {
  if (closures.length === 0) return 0;
  const baseUids = [...new Set(closures.map((c) => c.uid.split('#')[0]!))];
  await trx
    .deleteFrom('appointment_closures')
    .where('source', '=', 'ics')
    .where((eb) =>
      eb.or(
        baseUids.flatMap((u) => [eb('ics_uid', '=', u), eb('ics_uid', 'like', `${u.replace(/[\\%_]/g, '\\$&')}#%`)]),
      ),
    )
    .execute();
  await trx
    .insertInto('appointment_closures')
    .values(
      closures.map((c) => ({
        tenant_id: tenantId,
        site_id: scope.siteId,
        resource_id: scope.resourceId,
        starts_at: c.start,
        ends_at: c.end,
        label: c.label,
        source: 'ics' as const,
        ics_uid: c.uid,
      })),
    )
    .execute();
  return closures.length;
}
