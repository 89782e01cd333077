/**
 * Wall-clock times in the commune's time zone (Europe/Paris) and the instants they name.
 *
 * Opening periods are wall times (« 8 h 30 – 12 h »): the same every week whatever the daylight
 * saving time. On the last Sunday of March, 02:00–02:59 does not exist (no slot there); on the
 * last Sunday of October it happens twice, and the slot keeps its first occurrence only, so that
 * « 2 h 30 » is one slot that can be booked once.
 */

export const APPOINTMENT_TIME_ZONE = 'Europe/Paris';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall time of an instant: its day 'YYYY-MM-DD' and minutes since midnight. */
export function wallTimeOf(instant: Date, timeZone = APPOINTMENT_TIME_ZONE): { day: string; minutes: number } {
  const parts = formatter(timeZone).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    day: `${get('year')}-${get('month')}-${get('day')}`,
    minutes: Number(get('hour')) * 60 + Number(get('minute')),
  };
}

/** Minutes to add to UTC to get the wall time at `instant` (60 in winter, 120 in summer in Paris). */
export function offsetMinutes(instant: Date, timeZone = APPOINTMENT_TIME_ZONE): number {
  const w = wallTimeOf(instant, timeZone);
  const asUtc = Date.parse(`${w.day}T00:00:00Z`) + w.minutes * 60_000;
  return Math.round((asUtc - Math.floor(instant.getTime() / 60_000) * 60_000) / 60_000);
}

/**
 * The offsets one day may use, found once per day: a day without a change has one (every slot is
 * then converted by arithmetic alone), a day of change has two.
 */
export interface DayClock {
  day: string;
  /** The day's midnight read as UTC, in epoch milliseconds. */
  midnightUtc: number;
  /** Offset at the start and at the end of the day, in minutes. */
  before: number;
  after: number;
  timeZone: string;
}

/** Days already looked at: a slot search asks for the same weeks again and again (bench/appointments.ts). */
const dayClocks = new Map<string, DayClock>();

export function dayClock(day: string, timeZone = APPOINTMENT_TIME_ZONE): DayClock {
  const key = `${timeZone}|${day}`;
  let clock = dayClocks.get(key);
  if (!clock) {
    const midnightUtc = Date.parse(`${day}T00:00:00Z`);
    clock = {
      day,
      midnightUtc,
      before: offsetMinutes(new Date(midnightUtc - 12 * 3_600_000), timeZone),
      after: offsetMinutes(new Date(midnightUtc + 36 * 3_600_000), timeZone),
      timeZone,
    };
    if (dayClocks.size >= 10_000) dayClocks.clear();
    dayClocks.set(key, clock);
  }
  return clock;
}

/**
 * The instant of wall time `minutes` after midnight on the clock's day, or null when that wall time
 * does not exist (the hour skipped in spring). A wall time that happens twice (autumn) gives its
 * first occurrence.
 */
export function instantAt(clock: DayClock, minutes: number): Date | null {
  const ms = instantMsAt(clock, minutes);
  return ms === null ? null : new Date(ms);
}

/** `instantAt` in epoch milliseconds. */
export function instantMsAt(clock: DayClock, minutes: number): number | null {
  const wallUtc = clock.midnightUtc + minutes * 60_000;
  if (clock.before === clock.after) return wallUtc - clock.before * 60_000;
  const candidates = [wallUtc - clock.before * 60_000, wallUtc - clock.after * 60_000].sort((a, b) => a - b);
  for (const t of candidates) {
    const w = wallTimeOf(new Date(t), clock.timeZone);
    if (w.day === clock.day && w.minutes === minutes) return t;
  }
  return null;
}

/** The instant of a wall time on a day ('YYYY-MM-DD', minutes), or null when it does not exist. */
export function zonedInstant(day: string, minutes: number, timeZone = APPOINTMENT_TIME_ZONE): Date | null {
  return instantAt(dayClock(day, timeZone), minutes);
}

/** 'YYYY-MM-DD' plus `days` calendar days. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** ISO weekday of a calendar day: 1 Monday … 7 Sunday. */
export function isoWeekday(day: string): number {
  const d = new Date(`${day}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

/** 'HH:MM' or 'HH:MM:SS' → minutes since midnight. */
export function minutesOf(time: string): number {
  const [h, m] = time.split(':');
  return Number(h) * 60 + Number(m);
}

/** An instant with its offset, as the API gives it: '2026-12-07T09:30:00+01:00'. */
export function isoWithOffset(instant: Date, timeZone = APPOINTMENT_TIME_ZONE): string {
  const offset = offsetMinutes(instant, timeZone);
  const local = new Date(instant.getTime() + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
