import type { RequestStatus } from '../../../db/schema.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { AGENT_STATUS_LABELS as STATUS_LABELS } from '../../requests/status.ts';

export function statusBadge(status: RequestStatus): SafeHtml {
  return html`<span class="status status-${status}">${STATUS_LABELS[status]}</span>`;
}

export function isLate(status: RequestStatus, dueOn: string, today: string): boolean {
  return status !== 'traitee' && status !== 'refusee' && dueOn < today;
}
