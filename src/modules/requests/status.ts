import type { RequestStatus } from '../../db/schema.ts';

/** How a status reads for agents (short, neutral). */
export const AGENT_STATUS_LABELS: Record<RequestStatus, string> = {
  recue: 'Reçue',
  en_cours: 'En cours',
  en_attente_usager: "En attente de l'usager",
  traitee: 'Traitée',
  refusee: 'Refusée',
};

/** How a status reads for the citizen (tracking page, mails, API). */
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
