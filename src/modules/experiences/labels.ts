import type { ActionStatus, ExperienceStatus, ExperienceTone } from '../../db/schema.ts';

/** How each tone of experience is named, on the form and on the published list. */
export const TONE_LABELS: Record<ExperienceTone, string> = {
  positive: 'Positive',
  neutre: 'Neutre',
  negative: 'Négative',
};

export const TONES = ['positive', 'neutre', 'negative'] as const;

export const EXPERIENCE_STATUS_LABELS: Record<ExperienceStatus, string> = {
  a_moderer: 'À modérer',
  publiee: 'Publiée',
  rejetee: 'Rejetée',
};

/** The statuses of an improvement action, as published. */
export const ACTION_STATUS_LABELS: Record<ActionStatus, string> = {
  prevue: 'Prévue',
  en_cours: 'En cours',
  realisee: 'Réalisée',
};

export const ACTION_STATUSES = ['prevue', 'en_cours', 'realisee'] as const;
