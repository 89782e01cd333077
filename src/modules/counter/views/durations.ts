import { formatNumberFr } from '../../../platform/format.ts';

/**
 * A duration as people say it: « moins d’une minute », « 12 min », « 1 h 05 », « 3 j 4 h ».
 * « – » when there is nothing to show.
 */
export function formatDurationFr(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–';
  const minutes = Math.round(seconds / 60);
  if (minutes < 1) return 'moins d’une minute';
  if (minutes < 60) return `${formatNumberFr(minutes)} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${String(minutes % 60).padStart(2, '0')}`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${formatNumberFr(days)} j` : `${formatNumberFr(days)} j ${hours % 24} h`;
}

/** « 12 % », or « – » when there is no base. */
export function formatShareFr(share: number | null): string {
  return share === null ? '–' : `${formatNumberFr(Math.round(share * 100))} %`;
}
