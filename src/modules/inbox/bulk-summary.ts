import { SKIP_REASONS, type BulkOutcome, type SkipReason } from './apply-bulk-action.ts';

const REFERENCE = /^[A-Z]{2,4}-\d{4}-[A-Z0-9]{3,12}$/;

/** Why an item was left untouched, said to the agent. */
export const SKIP_REASON_TEXT: Record<SkipReason, string> = {
  modifiee: 'elle a changé depuis l’affichage de la liste (nouveau message, statut ou prise en charge) : rouvrez-la',
  introuvable: 'elle n’existe plus ou ne fait pas partie de vos services',
  interdite: 'vous n’avez pas le droit de faire cela sur cette demande',
  agent: 'l’agent choisi ne travaille pas pour son service',
  service: 'elle est déjà dans ce service',
  statut: 'son statut actuel ne permet pas ce changement',
  refusee: 'l’action n’est pas possible sur cette demande',
};

/**
 * A bulk action's outcome as the query parameters of the redirect after it (post/redirect/get):
 * counts, and each item left untouched with its reason (at most BULK_MAX_ITEMS of them).
 */
export function bulkSummaryParams(outcome: BulkOutcome): Record<string, string> {
  return {
    fait: 'selection',
    faites: String(outcome.done.length),
    inchangees: String(outcome.unchanged.length),
    ecartees: outcome.skipped.map((s) => `${s.reference}~${s.reason}`).join(','),
  };
}

export interface BulkSummary {
  done: number;
  unchanged: number;
  skipped: { reference: string; reason: SkipReason }[];
}

/** The summary back from the URL, or null when there is none (or it was tampered with). */
export function parseBulkSummary(get: (name: string) => string): BulkSummary | null {
  if (get('fait') !== 'selection') return null;
  const count = (v: string) => (/^\d{1,3}$/.test(v) ? Number(v) : null);
  const done = count(get('faites'));
  const unchanged = count(get('inchangees'));
  if (done === null || unchanged === null) return null;
  const raw = get('ecartees');
  const skipped: BulkSummary['skipped'] = [];
  for (const part of raw === '' ? [] : raw.split(',').slice(0, 200)) {
    const [reference = '', reason = ''] = part.split('~');
    if (!REFERENCE.test(reference) || !(SKIP_REASONS as readonly string[]).includes(reason)) return null;
    skipped.push({ reference, reason: reason as SkipReason });
  }
  return { done, unchanged, skipped };
}
