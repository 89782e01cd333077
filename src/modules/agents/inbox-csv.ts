import { toCsv } from '../../platform/csv.ts';
import { formatDateFr, formatDateTimeFr } from '../../platform/format.ts';
import { AGENT_STATUS_LABELS } from '../requests/status.ts';
import type { RequestListItem } from './repository.ts';

/** An export holds at most this many items: beyond, narrow the view (service, status). */
export const EXPORT_MAX_ROWS = 10_000;

/**
 * An inbox view as CSV: what the list shows, no more (no addresses, no answers): the
 * applicant's name is the only personal data, as on the screen.
 */
export function inboxToCsv(items: readonly RequestListItem[]): string {
  return toCsv(
    [
      'Référence',
      'Démarche',
      'Service',
      'Demandeur',
      'Identité vérifiée',
      'Prise en charge',
      'Statut',
      'Déposée le',
      'À traiter avant le',
      'Nouveau message',
    ],
    items.map((r) => [
      r.reference,
      r.demarche_title,
      r.service_name,
      r.applicant_name ?? '',
      r.identity_source === 'franceconnect' ? 'FranceConnect' : 'non',
      r.assignee_name ?? '',
      AGENT_STATUS_LABELS[r.status],
      formatDateTimeFr(r.submitted_at),
      formatDateFr(r.due_on),
      r.unread ? 'oui' : 'non',
    ]),
  );
}
