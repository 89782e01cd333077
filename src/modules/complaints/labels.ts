import type {
  ComplaintCause,
  ComplaintChannel,
  ComplaintDecision,
  ComplaintLevel,
  ComplaintStatus,
} from '../../db/schema.ts';

/** How a complaint reached the commune. */
export const CHANNEL_LABELS: Record<ComplaintChannel, string> = {
  demande: 'Sur une demande en cours',
  courriel: 'Courriel',
  telephone: 'Téléphone',
  accueil: 'Accueil',
  courrier: 'Courrier',
  formulaire: 'Formulaire de contact',
};
export const CHANNELS = ['demande', 'courriel', 'telephone', 'accueil', 'courrier', 'formulaire'] as const;

/** The escalation levels, in order. */
export const LEVELS = ['service', 'direction', 'mediateur'] as const;
export const LEVEL_LABELS: Record<ComplaintLevel, string> = {
  service: 'Service',
  direction: 'Direction',
  mediateur: 'Médiateur',
};
/** « transmise à la direction » */
export const LEVEL_TO: Record<ComplaintLevel, string> = {
  service: 'au service',
  direction: 'à la direction',
  mediateur: 'au médiateur',
};

export const STATUS_LABELS: Record<ComplaintStatus, string> = {
  recue: 'Accusé de réception à faire',
  en_cours: 'En cours',
  close: 'Répondue',
};

/** Root-cause categories: what went wrong, as the statistics group them. */
export const CAUSES = [
  'delai',
  'accueil',
  'information',
  'decision',
  'erreur',
  'qualite',
  'accessibilite',
  'autre',
] as const;
export const CAUSE_LABELS: Record<ComplaintCause, string> = {
  delai: 'Délai de traitement',
  accueil: 'Accueil et comportement',
  information: 'Information absente ou erronée',
  decision: 'Contestation d’une décision',
  erreur: 'Erreur administrative',
  qualite: 'Qualité du service rendu',
  accessibilite: 'Accessibilité',
  autre: 'Autre cause',
};

export const DECISIONS = ['fondee', 'partiellement_fondee', 'non_fondee'] as const;
export const DECISION_LABELS: Record<ComplaintDecision, string> = {
  fondee: 'Fondée',
  partiellement_fondee: 'Partiellement fondée',
  non_fondee: 'Non fondée',
};

/** How an acknowledgement was given when not by the automatic mail. */
export const ACK_WAYS = ['telephone', 'courrier', 'accueil', 'courriel'] as const;
export const ACK_LABELS: Record<(typeof ACK_WAYS)[number], string> = {
  telephone: 'Par téléphone',
  courrier: 'Par courrier',
  accueil: 'À l’accueil',
  courriel: 'Par courriel',
};
