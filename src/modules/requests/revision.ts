import type { FieldError } from '../../platform/web/form.ts';

/**
 * The answer to a form sent from a page older than the item: someone else (a colleague, the
 * citizen) changed it meanwhile. Nothing is written; the page shows the item as it is now and
 * keeps what the agent typed.
 */
export function staleRevision(field: string): FieldError {
  return {
    field,
    message: STALE,
  };
}

/** Whether a use case refused a form because the item changed meanwhile (answered 409). */
export function isStale(errors: readonly FieldError[]): boolean {
  return errors.some((e) => e.message === STALE);
}

const STALE =
  'Cette demande a changé depuis que vous l’avez ouverte (nouveau message, nouveau statut ou nouvelle prise en charge). Relisez l’historique : votre texte est gardé, envoyez-le à nouveau s’il convient toujours.';

/** A revision from a form's hidden field: a number, or null when absent or forged. */
export function parseRevision(value: string): number | null {
  return /^\d{1,9}$/.test(value) ? Number(value) : null;
}
