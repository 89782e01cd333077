import type { RequestStatus } from '../../db/schema.ts';
import { STATUS_LABELS } from '../requests/status.ts';

/** The citizen's wording of a status (exports hold statuses as stored strings). */
export function statusLabelForCitizen(status: string): string {
  return STATUS_LABELS[status as RequestStatus] ?? status;
}
