import { parseDay } from '../routing/forms.ts';

/**
 * Opening and closing instants are typed as a day and a time in Paris (the mairie's clock), and
 * stored as instants: a consultation closing « le 31 mars à 18 h » closes at 18 h in Paris,
 * summer time or not.
 */

const PARIS = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** The day ('YYYY-MM-DD') and time ('HH:MM') an instant reads in Paris. */
export function parisLocal(instant: Date): { day: string; time: string } {
  const [day, time] = PARIS.format(instant).split(' ');
  return { day: day!, time: time!.slice(0, 5) };
}

/** A time typed as 9:00, 09:00, 9 h, 9h30 or 18 h 45: 'HH:MM', or null. */
export function parseTime(value: string): string | null {
  const m = /^(\d{1,2})\s*(?:[:h]\s*(\d{2})?)?$/i.exec(value.trim());
  if (!m) return null;
  const hours = Number(m[1]);
  const minutes = Number(m[2] ?? '0');
  if (hours > 23 || minutes > 59) return null;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

function offsetMs(instant: number): number {
  const { day, time } = parisLocal(new Date(instant));
  return Date.parse(`${day}T${time}:00Z`) - Math.floor(instant / 60_000) * 60_000;
}

/**
 * The instant of a day and time typed in Paris (day as 23/12/2026 or 2026-12-23, time as
 * `parseTime` reads it), or null when either is not one. A time skipped by the spring change
 * is taken one hour later, as clocks do.
 */
export function parisInstant(dayText: string, timeText: string): Date | null {
  const day = parseDay(dayText);
  const time = parseTime(timeText);
  if (!day || !time) return null;
  const wall = Date.parse(`${day}T${time}:00Z`);
  let instant = wall - offsetMs(wall);
  instant = wall - offsetMs(instant);
  return new Date(instant);
}
