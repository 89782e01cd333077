/**
 * What the commune declares about each démarche's processing of personal data: how long a
 * closed request keeps its personal data, and the legal basis. Values follow common practice
 * for French communes; the legal durations are for each commune (and its DPO) to confirm, and
 * can be changed per démarche in the database (demarches.retention_months).
 */

/** Used for a démarche this table does not name. */
export const DEFAULT_RETENTION_MONTHS = 24;

export const RETENTION_MONTHS_BY_SLUG: Record<string, number> = {
  // The act itself lives in the état civil registers; the request for a copy is of no use
  // once answered beyond possible follow-up questions.
  'acte-naissance-mariage': 12,
  // A report is of no use once the repair is done; a year covers a recurrence.
  'signaler-probleme-voirie': 12,
  encombrants: 12,
  // The registration is in the electoral register (REU); the request only helps answer disputes
  // within the year.
  'inscription-listes-electorales': 12,
  // A complaint may come back (mediator, administrative court: two-month appeal periods that
  // can be extended): three years.
  reclamation: 36,
  // A composter is lent: keep the loan while it is plausibly in use.
  composteur: 36,
  // Enrolment follows the child through primary school years.
  'inscription-scolaire': 36,
  // Invoiced services: public debts are time-barred after four years (prescription quadriennale).
  'cantine-periscolaire': 48,
  'location-salle': 48,
  'occupation-domaine-public': 48,
};

export type LegalBasis = 'obligation_legale' | 'mission_interet_public';

export const LEGAL_BASIS_LABELS: Record<LegalBasis, string> = {
  obligation_legale: 'Obligation légale (article 6.1.c du RGPD)',
  mission_interet_public: 'Mission d’intérêt public (article 6.1.e du RGPD)',
};

/** Démarches a text requires the commune to handle; the others are public-interest missions. */
export const LEGAL_BASIS_BY_SLUG: Record<string, { basis: LegalBasis; reference?: string }> = {
  'acte-naissance-mariage': { basis: 'obligation_legale', reference: 'Code civil, articles 34 et suivants' },
  'inscription-listes-electorales': {
    basis: 'obligation_legale',
    reference: 'Code électoral, articles L11 et suivants',
  },
  'inscription-scolaire': { basis: 'obligation_legale', reference: 'Code de l’éducation, article L131-6' },
};

export function retentionMonthsFor(slug: string): number {
  return RETENTION_MONTHS_BY_SLUG[slug] ?? DEFAULT_RETENTION_MONTHS;
}

export function legalBasisFor(slug: string): { basis: LegalBasis; reference?: string } {
  return LEGAL_BASIS_BY_SLUG[slug] ?? { basis: 'mission_interet_public' };
}
