import type { FormDefinition } from '../form-definition.ts';
import { form as acteNaissanceMariage } from './acte-naissance-mariage.ts';
import { form as cantinePeriscolaire } from './cantine-periscolaire.ts';
import { form as composteur } from './composteur.ts';
import { form as encombrants } from './encombrants.ts';
import { form as inscriptionListesElectorales } from './inscription-listes-electorales.ts';
import { form as inscriptionScolaire } from './inscription-scolaire.ts';
import { form as locationSalle } from './location-salle.ts';
import { form as occupationDomainePublic } from './occupation-domaine-public.ts';
import { form as reclamation } from './reclamation.ts';
import { form as signalerProblemeVoirie } from './signaler-probleme-voirie.ts';

/** Online forms, by démarche slug. A démarche without an entry here cannot be done online. */
export const FORMS_BY_SLUG: Record<string, FormDefinition> = {
  'acte-naissance-mariage': acteNaissanceMariage,
  'cantine-periscolaire': cantinePeriscolaire,
  composteur,
  encombrants,
  'inscription-listes-electorales': inscriptionListesElectorales,
  'inscription-scolaire': inscriptionScolaire,
  'location-salle': locationSalle,
  'occupation-domaine-public': occupationDomainePublic,
  reclamation,
  'signaler-probleme-voirie': signalerProblemeVoirie,
};

/**
 * Committed answer delays (working days) for démarches that get a form but whose article states
 * none: the confirmation page promises a date, so there must be one.
 */
export const DEFAULT_DELAY_DAYS: Record<string, number> = {
  // Composters are handed out at the next distribution; we commit to confirming the slot within 15 days.
  composteur: 15,
};
