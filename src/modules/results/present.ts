import { CHANNEL_LABELS } from '../inbox/inbox-query.ts';

const PERCENT = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const POINTS = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0, signDisplay: 'exceptZero' });
const MONTH = new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const SHORT_MONTH = new Intl.DateTimeFormat('fr-FR', { month: 'short', timeZone: 'UTC' });

/** « 87 % »; a share without data is null and reads « pas encore de données » where shown. */
export function percentFr(rate: number): string {
  return `${PERCENT.format(rate * 100)} %`;
}

/** Net satisfaction in points: « +62 points », « −5 points ». */
export function pointsFr(net: number): string {
  const n = Math.round(net * 100);
  return `${POINTS.format(n).replace('-', '−')} point${Math.abs(n) > 1 ? 's' : ''}`;
}

/** « décembre 2026 » from '2026-12'. */
export function monthFr(month: string): string {
  return MONTH.format(new Date(`${month}-01T12:00:00Z`));
}

/** « déc. » from '2026-12'. */
export function shortMonthFr(month: string): string {
  return SHORT_MONTH.format(new Date(`${month}-01T12:00:00Z`));
}

/** How a request's channel reads in the results (the inbox's labels). */
export function channelLabel(channel: string): string {
  return CHANNEL_LABELS[channel] ?? channel;
}
