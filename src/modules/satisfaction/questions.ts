/**
 * The survey's questions and scales (decision 35).
 *
 * « Globalement, êtes-vous satisfait… » on five levels, the scale of the Baromètre des services
 * publics that Services Publics+ publishes (satisfied, neutral, dissatisfied): the satisfaction
 * rate is the share of the two « satisfait » levels, the net satisfaction that share minus the
 * share of the two « pas satisfait » levels, the neutral level counting in neither.
 * « Simple » and « claire » on four levels (no middle: a yes or a no), optional. The score out of
 * ten is asked after an online démarche only: the « démarches en ligne notées au moins 8/10 ».
 */

/** 5 = très satisfait … 1 = pas du tout satisfait; listed from the best, as read. */
export const SATISFACTION_LEVELS = [
  { value: 5, label: 'Très satisfait' },
  { value: 4, label: 'Plutôt satisfait' },
  { value: 3, label: 'Ni satisfait, ni insatisfait' },
  { value: 2, label: 'Plutôt pas satisfait' },
  { value: 1, label: 'Pas du tout satisfait' },
] as const;

/** 4 = oui, tout à fait … 1 = non, pas du tout. */
export const AGREEMENT_LEVELS = [
  { value: 4, label: 'Oui, tout à fait' },
  { value: 3, label: 'Plutôt oui' },
  { value: 2, label: 'Plutôt non' },
  { value: 1, label: 'Non, pas du tout' },
] as const;

/** Satisfied: the two upper levels; dissatisfied: the two lower ones. */
export const SATISFIED_FROM = 4;
export const DISSATISFIED_UP_TO = 2;
/** « Oui » to simple or clear: the two upper levels. */
export const AGREED_FROM = 3;

export const COMMENT_MAX_LENGTH = 2000;

/** What the survey is about, in the question: « … de votre demande VB-2026-4F7K2 ». */
export function satisfactionQuestion(subject: string): string {
  return `Globalement, êtes-vous satisfait ${subject} ?`;
}
