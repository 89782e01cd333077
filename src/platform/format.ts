/**
 * Everything Guichet writes for people in French goes through here: dates, times, numbers, file
 * sizes, phone numbers, deadlines, and the French alphabetical order. Pages, mails, PDFs and
 * exports use these functions, so that a citizen and an agent read the same thing everywhere.
 * Phone numbers typed by people are read here too (`parsePhone`), next to their formatter.
 *
 * Choices, made once:
 * - Times are written as French administrative texts write them: « 0 h 25 », « 17 h 42 ».
 * - The first day of a month is « 1er ».
 * - Thousands are grouped with a no-break space (U+00A0), not the narrow one Intl gives
 *   (U+202F): the standard PDF fonts cannot print the narrow one, and one character everywhere
 *   keeps pages, PDFs and mails identical.
 * - File sizes count 1 Ko = 1 024 octets, like the upload limit shown on forms (« 10 Mo » is
 *   10 × 1 024 × 1 024 octets): a file shown as « 9,8 Mo » is always under a « 10 Mo » limit.
 */

const TZ = 'Europe/Paris';
const NBSP = '\u00a0';

// Built once: creating an Intl formatter costs far more than formatting (see docs/performance.md).
const PARIS_PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: TZ,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hourCycle: 'h23',
});
const NUMBER = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 6 });
const ONE_DECIMAL = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const COLLATOR = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });

const MONTHS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];

interface ParisParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

function slowParisParts(instant: Date): ParisParts {
  const parts = PARIS_PARTS.formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute') };
}

/**
 * Paris's offset from UTC, in milliseconds, for each UTC hour already seen. The offset only
 * changes on a whole UTC hour (01:00 UTC, last Sundays of March and October), so it is constant
 * within one: Intl, slow, is asked once per hour instead of once per date shown.
 */
const OFFSET_BY_UTC_HOUR = new Map<number, number>();
const HOUR = 3_600_000;

function parisParts(instant: Date): ParisParts {
  const ms = instant.getTime();
  const hourKey = Math.floor(ms / HOUR);
  let offset = OFFSET_BY_UTC_HOUR.get(hourKey);
  if (offset === undefined) {
    const p = slowParisParts(instant);
    if (p.year < 100) return p;
    offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - (ms - (((ms % 60_000) + 60_000) % 60_000));
    if (OFFSET_BY_UTC_HOUR.size >= 50_000) OFFSET_BY_UTC_HOUR.clear();
    OFFSET_BY_UTC_HOUR.set(hourKey, offset);
  }
  const local = new Date(ms + offset);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
  };
}

function day(year: number, month: number, dayOfMonth: number): string {
  return `${dayOfMonth === 1 ? '1er' : dayOfMonth} ${MONTHS[month - 1]} ${year}`;
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A day in words: « 3 décembre 2026 », « 1er août 2026 ». A 'YYYY-MM-DD' string is a calendar day
 * (no time-zone shift); a Date is read in Paris. A string that is not a date is shown as given.
 */
export function formatDateFr(value: string | Date): string {
  if (value instanceof Date) {
    const p = parisParts(value);
    return day(p.year, p.month, p.day);
  }
  const m = ISO_DAY.exec(value.slice(0, 10));
  if (!m) return value;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return value;
  return day(Number(m[1]), month, Number(m[3]));
}

/** The time of an instant in Paris: « 0 h 25 », « 17 h 42 ». */
export function formatTimeFr(instant: Date | string): string {
  const p = parisParts(new Date(instant));
  return `${p.hour} h ${String(p.minute).padStart(2, '0')}`;
}

/** An instant as read in Paris: « 28 novembre 2026 à 17 h 42 ». */
export function formatDateTimeFr(instant: Date | string): string {
  const p = parisParts(new Date(instant));
  return `${day(p.year, p.month, p.day)} à ${p.hour} h ${String(p.minute).padStart(2, '0')}`;
}

/** 'YYYY-MM-DD' of an instant, in Paris (deadlines are French calendar days). */
export function parisDay(instant: Date): string {
  const p = parisParts(instant);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** Calendar days from one 'YYYY-MM-DD' to another (negative when `to` is earlier). */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * A deadline said from today: « aujourd'hui », « demain », « dans 3 jours », « dépassé d'un
 * jour », « dépassé de 4 jours ». Both are 'YYYY-MM-DD' calendar days.
 */
export function formatDeadlineFr(dueOn: string, today: string): string {
  const n = daysBetween(today, dueOn);
  if (n === 0) return "aujourd'hui";
  if (n === 1) return 'demain';
  if (n > 1) return `dans ${formatNumberFr(n)} jours`;
  if (n === -1) return "dépassé d'un jour";
  return `dépassé de ${formatNumberFr(-n)} jours`;
}

/** How long ago an instant was, from `now`: « à l’instant », « il y a 1 minute », « il y a 12 minutes », « il y a 2 heures ». */
export function formatAgoFr(instant: Date | string, now: Date): string {
  const minutes = Math.floor((now.getTime() - new Date(instant).getTime()) / 60_000);
  if (minutes < 1) return 'à l’instant';
  if (minutes < 60) return minutes === 1 ? 'il y a 1 minute' : `il y a ${formatNumberFr(minutes)} minutes`;
  const hours = Math.floor(minutes / 60);
  return hours === 1 ? 'il y a 1 heure' : `il y a ${formatNumberFr(hours)} heures`;
}

/** A number as French people write it: « 5 000 », « 2,5 », « -1 234,75 ». */
export function formatNumberFr(n: number): string {
  return NUMBER.format(n).replace(/[\u202f\u00a0]/g, NBSP);
}

/** « 1 caractère », « 5 000 caractères »: for form hints and error messages. */
export function formatCharactersFr(n: number): string {
  return `${formatNumberFr(n)} caractère${Math.abs(n) >= 2 ? 's' : ''}`;
}

/** « 1 octet », « 800 octets », « 240 Ko », « 1,4 Mo », « 12 Mo » (1 Ko = 1 024 octets). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${formatNumberFr(bytes)} octet${bytes >= 2 ? 's' : ''}`;
  if (bytes < 1024 * 1024) return `${formatNumberFr(Math.round(bytes / 1024))} Ko`;
  return `${ONE_DECIMAL.format(bytes / 1024 / 1024).replace(/[\u202f\u00a0]/g, NBSP)} Mo`;
}

/**
 * French numbers (06 12 34 56 78) and international ones (+CC…, 00CC…). Returns the number
 * without spaces, as it is stored: '0612345678', or '+33612345678' for « +33 6 12 34 56 78 »
 * (and « +33 (0)6 … », the trunk 0 that people often keep). `formatPhoneFr` writes it back in pairs.
 */
export function parsePhone(value: string): string | null {
  let compact = value.replace(/[\s.()-]/g, '');
  if (/^0[1-9]\d{8}$/.test(compact)) return compact;
  if (compact.startsWith('00')) compact = `+${compact.slice(2)}`;
  if (/^\+330[1-9]\d{8}$/.test(compact)) compact = `+33${compact.slice(4)}`;
  if (/^\+33/.test(compact) && !/^\+33[1-9]\d{8}$/.test(compact)) return null;
  if (/^\+[1-9]\d{7,14}$/.test(compact)) return compact;
  return null;
}

/**
 * A phone number as stored (`parsePhone`: '0612345678' or '+33612345678') written in pairs:
 * « 06 12 34 56 78 », « +33 6 12 34 56 78 ». Other international numbers keep their country
 * code apart only when it is French; anything unexpected is shown as given.
 */
export function formatPhoneFr(value: string): string {
  const compact = value.replace(/[\s.()-]/g, '');
  if (/^0\d{9}$/.test(compact)) return compact.replace(/(\d{2})(?=\d)/g, '$1 ');
  const french = /^\+33(\d)(\d{8})$/.exec(compact);
  if (french) return `+33 ${french[1]} ${french[2]!.replace(/(\d{2})(?=\d)/g, '$1 ')}`;
  return value;
}

/**
 * French alphabetical order: « État civil » among the E's, « Élections » before « Enfance »,
 * « Salle 2 » before « Salle 10 ». PGlite and the server do not share a collation, so lists are
 * sorted in the process with this one comparator.
 */
export function compareFr(a: string, b: string): number {
  return COLLATOR.compare(a, b);
}

/** A copy of `items` in French order of `key(item)`. */
export function sortFr<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((x, y) => compareFr(key(x), key(y)));
}
