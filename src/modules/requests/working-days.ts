/**
 * Deadlines in working days ("jours ouvrés"): Saturdays, Sundays and French public holidays do
 * not count. Dates are handled as 'YYYY-MM-DD' strings in the commune's time zone, because a
 * deadline is a calendar day for the citizen, not an instant.
 */

export const DEFAULT_TIME_ZONE = 'Europe/Paris';

/**
 * A filing after this hour (local time) is treated as received on the next working day: the town
 * hall is closed and nobody can act on it before then, just like a letter dropped in the box after
 * closing. Without this, a filing at 23:59 would cost the commune a whole day of its deadline.
 */
export const CUTOFF_HOUR = 18;

export interface WorkingDayOptions {
  timeZone?: string;
  /**
   * The commune's département ('57', '67', '68' for Alsace-Moselle, '971'… overseas): adds the
   * public holidays that apply there only (see LOCAL_HOLIDAYS).
   */
  departement?: string | null;
  /**
   * Local non-working days on top of the national ones (e.g. Alsace-Moselle's 26 December and
   * Good Friday). Either a full date 'YYYY-MM-DD' or a yearly 'MM-DD'.
   */
  extraHolidays?: string[];
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HOLIDAY_SPEC_RE = /^(?:\d{4}-)?(\d{2})-(\d{2})$/;

/** Whether `spec` is usable in `extraHolidays` ('YYYY-MM-DD' or 'MM-DD', a real day). */
export function isHolidaySpec(spec: string): boolean {
  const m = HOLIDAY_SPEC_RE.exec(spec);
  if (!m) return false;
  const month = Number(m[1]);
  const day = Number(m[2]);
  const full = DATE_RE.exec(spec);
  // A yearly 29 February is checked against a leap year so that it stays allowed.
  const year = full ? Number(full[1]) : 2028;
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

// The French public holidays of a year, computed once per year: eleven days, three of them
// moving with Easter, plus those of a few départements. Computed here rather than with the
// date-holidays package, which costs 23 MB of memory for the rules of every country; the tests
// check this computation against date-holidays for every year from 1990 to 2100
// (docs/decisions/0011-public-holidays-computed.md).
const franceHolidayCache = new Map<string, ReadonlySet<string>>();

/**
 * Public holidays of some départements only: Good Friday and 26 December in Alsace-Moselle
 * (local law of 1892 kept in 1924), Good Friday in Guadeloupe and Martinique, and the day of the
 * abolition of slavery overseas (law of 30 June 1983 and its decree).
 */
const LOCAL_HOLIDAYS: Record<string, { goodFriday?: boolean; fixed: string[] }> = {
  '57': { goodFriday: true, fixed: ['12-26'] },
  '67': { goodFriday: true, fixed: ['12-26'] },
  '68': { goodFriday: true, fixed: ['12-26'] },
  '971': { goodFriday: true, fixed: ['05-27'] }, // Guadeloupe
  '972': { goodFriday: true, fixed: ['05-22'] }, // Martinique
  '973': { fixed: ['06-10'] }, // Guyane
  '974': { fixed: ['12-20'] }, // La Réunion
  '976': { fixed: ['04-27'] }, // Mayotte
  '977': { fixed: ['10-09'] }, // Saint-Barthélemy
  '978': { fixed: ['05-27'] }, // Saint-Martin
};

/** The département of a commune from its INSEE code: three characters overseas, two elsewhere. */
export function departementOfInsee(inseeCode: string | null | undefined): string | null {
  if (!inseeCode || !/^[0-9][0-9AB][0-9]{3}$/.test(inseeCode)) return null;
  return inseeCode.startsWith('97') ? inseeCode.slice(0, 3) : inseeCode.slice(0, 2);
}

/** Easter Sunday of the Gregorian calendar (anonymous algorithm, Meeus/Jones/Butcher). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function plusDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The public holidays of a year in France, and in the given département when it has its own. */
export function publicHolidays(year: number, departement?: string | null): ReadonlySet<string> {
  const local = departement ? LOCAL_HOLIDAYS[departement] : undefined;
  const key = local ? `${year}:${departement}` : String(year);
  let set = franceHolidayCache.get(key);
  if (!set) {
    const easter = easterSunday(year);
    const fixed = ['01-01', '05-01', '05-08', '07-14', '08-15', '11-01', '11-11', '12-25', ...(local?.fixed ?? [])];
    // Easter Monday, Ascension Thursday, Whit Monday (Pentecost Sunday is a Sunday anyway).
    const moving = [plusDays(easter, 1), plusDays(easter, 39), plusDays(easter, 50)];
    if (local?.goodFriday) moving.push(plusDays(easter, -2));
    set = new Set([...fixed.map((md) => `${year}-${md}`), ...moving]);
    franceHolidayCache.set(key, set);
  }
  return set;
}

const FIXED_HOLIDAY_NAMES: Record<string, string> = {
  '01-01': 'Jour de l’an',
  '05-01': 'Fête du Travail',
  '05-08': 'Victoire 1945',
  '07-14': 'Fête nationale',
  '08-15': 'Assomption',
  '11-01': 'Toussaint',
  '11-11': 'Armistice 1918',
  '12-25': 'Noël',
  '12-26': 'Saint-Étienne',
};

/**
 * The public holidays of `publicHolidays`, each with its French name, in calendar order: what
 * the closing days page shows for reference.
 */
export function publicHolidayList(year: number, departement?: string | null): { date: string; name: string }[] {
  const easter = easterSunday(year);
  const names = new Map<string, string>([
    [plusDays(easter, -2), 'Vendredi saint'],
    [plusDays(easter, 1), 'Lundi de Pâques'],
    [plusDays(easter, 39), 'Ascension'],
    [plusDays(easter, 50), 'Lundi de Pentecôte'],
  ]);
  return [...publicHolidays(year, departement)].sort().map((date) => ({
    date,
    name: names.get(date) ?? FIXED_HOLIDAY_NAMES[date.slice(5)] ?? 'Abolition de l’esclavage',
  }));
}

function parseDate(date: string): Date {
  const m = DATE_RE.exec(date);
  if (!m || !isHolidaySpec(date)) throw new RangeError(`Invalid date, expected YYYY-MM-DD: ${date}`);
  // Noon UTC: stepping day by day can never slip to another day.
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12));
}

function formatDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** A day already checked ('YYYY-MM-DD') as a Date at noon UTC, without checking it again. */
function checkedDay(date: string): Date {
  return new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)), 12));
}

/** The day after a checked day (the loops below step through many of them). */
function nextDay(date: string): string {
  const d = checkedDay(date);
  d.setUTCDate(d.getUTCDate() + 1);
  return formatDate(d);
}

function extraHolidayMatcher(extraHolidays: string[] | undefined): (date: string) => boolean {
  if (!extraHolidays || extraHolidays.length === 0) return () => false;
  for (const spec of extraHolidays) {
    if (!isHolidaySpec(spec)) throw new RangeError(`Invalid extra holiday, expected YYYY-MM-DD or MM-DD: ${spec}`);
  }
  const specs = new Set(extraHolidays);
  return (date) => specs.has(date) || specs.has(date.slice(5));
}

/** Whether the calendar day 'YYYY-MM-DD' is a working day in France (plus local holidays). */
export function isWorkingDay(
  date: string,
  options: Pick<WorkingDayOptions, 'extraHolidays' | 'departement'> = {},
): boolean {
  parseDate(date);
  return isWorkingDayWith(date, extraHolidayMatcher(options.extraHolidays), options.departement);
}

function isWorkingDayWith(date: string, isExtra: (date: string) => boolean, departement?: string | null): boolean {
  const d = checkedDay(date);
  const weekday = d.getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  if (publicHolidays(d.getUTCFullYear(), departement).has(date)) return false;
  return !isExtra(date);
}

// Building an Intl formatter costs far more than using one: keep one per time zone.
const localFormatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day and hour of an instant in a time zone. */
export function localDateAndHour(instant: Date, timeZone: string = DEFAULT_TIME_ZONE): { date: string; hour: number } {
  let formatter = localFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
    });
    localFormatters.set(timeZone, formatter);
  }
  // formatToParts is slow next to the rest of a deadline computation: the answer holds for the
  // whole minute (today's time zones are whole minutes off UTC; older local mean times are not,
  // so only instants since 1970 are remembered).
  const minute = Math.floor(instant.getTime() / 60_000);
  const last = lastLocal.get(timeZone);
  if (last && last.minute === minute) return { date: last.date, hour: last.hour };
  const parts = formatter.formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const local = { date: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')) };
  if (minute >= 0) lastLocal.set(timeZone, { minute, ...local });
  return local;
}

const lastLocal = new Map<string, { minute: number; date: string; hour: number }>();

/**
 * The day ('YYYY-MM-DD', in the commune's time zone) that is `days` working days after `from`.
 * The day of filing itself does not count: a request filed on Monday morning with 1 working day
 * is due on Tuesday. A filing on a non-working day or after CUTOFF_HOUR counts as received on the
 * next working day, so it is due `days` working days after that day.
 */
export function addWorkingDays(from: Date, days: number, options: WorkingDayOptions = {}): string {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`days must be a non-negative integer: ${days}`);
  if (Number.isNaN(from.getTime())) throw new RangeError('from is not a valid date');
  const isExtra = extraHolidayMatcher(options.extraHolidays);
  const dep = options.departement;
  const local = localDateAndHour(from, options.timeZone ?? DEFAULT_TIME_ZONE);
  let day = local.date;
  if (!isWorkingDayWith(day, isExtra, dep) || local.hour >= CUTOFF_HOUR) {
    day = nextDay(day);
    while (!isWorkingDayWith(day, isExtra, dep)) day = nextDay(day);
  }
  for (let counted = 0; counted < days;) {
    day = nextDay(day);
    if (isWorkingDayWith(day, isExtra, dep)) counted += 1;
  }
  return day;
}

/**
 * How many working days come after the calendar day `from` up to and including `to` (both
 * 'YYYY-MM-DD'); 0 when `to` is not later. An item that waited from Friday to Monday waited one
 * working day, as a filing on Friday due one working day later is due on Monday.
 */
export function workingDaysBetween(
  from: string,
  to: string,
  options: Pick<WorkingDayOptions, 'extraHolidays' | 'departement'> = {},
): number {
  parseDate(from);
  const isExtra = extraHolidayMatcher(options.extraHolidays);
  let count = 0;
  for (let day = nextDay(from); day <= to; day = nextDay(day)) {
    if (isWorkingDayWith(day, isExtra, options.departement)) count += 1;
  }
  return count;
}

/** The day `days` working days after the calendar day `day` ('YYYY-MM-DD'); `day` itself when 0. */
export function shiftWorkingDays(
  day: string,
  days: number,
  options: Pick<WorkingDayOptions, 'extraHolidays' | 'departement'> = {},
): string {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`days must be a non-negative integer: ${days}`);
  parseDate(day);
  const isExtra = extraHolidayMatcher(options.extraHolidays);
  let result = day;
  for (let counted = 0; counted < days;) {
    result = nextDay(result);
    if (isWorkingDayWith(result, isExtra, options.departement)) counted += 1;
  }
  return result;
}
