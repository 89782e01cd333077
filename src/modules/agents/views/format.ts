import type { RequestStatus } from '../../../db/schema.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { AGENT_STATUS_LABELS as STATUS_LABELS } from '../../requests/status.ts';

const TIME_ZONE = 'Europe/Paris';
const dateFormat = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: TIME_ZONE });
const dateTimeFormat = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: TIME_ZONE });
const isoDateFormat = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE });

/** 'YYYY-MM-DD' of a moment, in the communes' time zone (deadlines are French calendar days). */
export function isoDate(moment: Date): string {
  return isoDateFormat.format(moment);
}

/** A `date` column ('YYYY-MM-DD') in words: "3 décembre 2026". */
export function formatDay(day: string): string {
  return dateFormat.format(new Date(`${day}T12:00:00Z`));
}

export function formatDate(moment: Date | string): string {
  return dateFormat.format(new Date(moment));
}

export function formatDateTime(moment: Date | string): string {
  return dateTimeFormat.format(new Date(moment));
}

export function statusBadge(status: RequestStatus): SafeHtml {
  return html`<span class="status status-${status}">${STATUS_LABELS[status]}</span>`;
}

export function isLate(status: RequestStatus, dueOn: string, today: string): boolean {
  return status !== 'traitee' && status !== 'refusee' && dueOn < today;
}
