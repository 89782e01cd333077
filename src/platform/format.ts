const TZ = 'Europe/Paris';

// Built once: creating an Intl.DateTimeFormat costs far more than formatting (see docs/performance.md).
const DAY_UTC = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const DAY_PARIS = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: TZ });
const TIME_PARIS = new Intl.DateTimeFormat('fr-FR', {
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
  timeZone: TZ,
});

/** '2026-12-12' → '12 décembre 2026' (a calendar day: no time-zone shift). */
export function formatDateFr(isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  return DAY_UTC.format(new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)));
}

/** An instant as read in Paris: '28 novembre 2026 à 17 h 42'. */
export function formatDateTimeFr(date: Date): string {
  const day = DAY_PARIS.format(date);
  const parts = TIME_PARIS.formatToParts(date);
  const h = parts.find((p) => p.type === 'hour')?.value ?? '00';
  const min = parts.find((p) => p.type === 'minute')?.value ?? '00';
  return `${day} à ${Number(h)} h ${min}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} octets`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} Ko`;
  return `${(n / 1024 / 1024).toFixed(1).replace('.', ',')} Mo`;
}
