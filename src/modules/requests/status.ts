import type { RequestStatus } from '../../db/schema.ts';

/** How a status reads for citizens and agents. */
export const STATUS_LABELS: Record<RequestStatus, string> = {
  recue: 'Reçue',
  en_cours: 'En cours de traitement',
  en_attente_usager: 'En attente de votre part',
  traitee: 'Traitée',
  refusee: 'Refusée',
};

export const FINAL_STATUSES: readonly RequestStatus[] = ['traitee', 'refusee'];

export function isOpen(status: RequestStatus): boolean {
  return !FINAL_STATUSES.includes(status);
}
