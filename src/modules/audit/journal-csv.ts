import { toCsv } from '../../platform/csv.ts';
import { formatDateTimeFr } from '../../platform/format.ts';
import { CHANNEL_LABELS, JOURNAL_ACTIONS } from './journal-actions.ts';
import type { JournalEntry } from './repository.ts';
import { entryDetail } from './views/journal-page.ts';

/** The journal's filtered entries as CSV: the columns of the screen, the instant in ISO 8601 too. */
export function journalToCsv(entries: readonly JournalEntry[]): string {
  return toCsv(
    ['Date et heure', 'Horodatage (UTC)', 'Qui', 'Action', 'Référence', 'Service', 'Usager', 'Canal', 'Détail'],
    entries.map((e) => [
      formatDateTimeFr(e.at),
      e.atKey,
      e.actorLabel,
      JOURNAL_ACTIONS[e.action] ?? e.action,
      e.reference ?? '',
      e.serviceName ?? '',
      e.applicantName ?? '',
      CHANNEL_LABELS[e.channel],
      entryDetail(e),
    ]),
  );
}
