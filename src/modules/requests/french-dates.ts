/**
 * Dates and sizes written out in French for documents (receipt, data export, mails): "1er
 * décembre 2026 à 9 h 05", "340 Ko". Apart from the PDF code so that pages can use them without
 * loading the PDF library.
 */

const TIME_ZONE = 'Europe/Paris';
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

function frenchDate(year: number, month: number, day: number): string {
  return `${day === 1 ? '1er' : day} ${MONTHS[month - 1]} ${year}`;
}

/** "28 novembre 2026 à 17 h 42", in Paris time. */
export function formatFilingDateTime(instant: Date): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const minute = String(get('minute')).padStart(2, '0');
  return `${frenchDate(get('year'), get('month'), get('day'))} à ${get('hour')} h ${minute}`;
}

/** "12 décembre 2026" from '2026-12-12'; anything else is shown as given. */
export function formatDueDate(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return date;
  return frenchDate(Number(m[1]), month, Number(m[3]));
}

/** "12 octets", "340 Ko", "1,2 Mo" (the decimal units French users see in their file managers). */
export function formatSize(bytes: number): string {
  const n = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
  if (bytes < 1000) return `${bytes} octet${bytes > 1 ? 's' : ''}`;
  if (bytes < 1_000_000) return `${n.format(Math.round(bytes / 1000))} Ko`;
  return `${n.format(bytes / 1_000_000)} Mo`;
}
