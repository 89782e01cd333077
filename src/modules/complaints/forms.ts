import { z } from 'zod';
import { choice, email, hidden, text } from '../../platform/web/form.ts';
import { ACK_WAYS, CAUSES, CHANNELS, DECISIONS } from './labels.ts';

/** A complaint recorded by an agent (from a request's page, a call, a letter, the contact form). */
export const newComplaintForm = z.object({
  service: hidden(100),
  canal: choice(CHANNELS, 'Indiquez comment la réclamation est arrivée.'),
  objet: text({
    max: 200,
    required: 'Résumez la réclamation en une ligne, par exemple « Attente de trois mois pour un permis ».',
    tooLong: 'L’objet doit faire au plus 200 caractères.',
  }),
  description: text({ max: 5000, required: 'Décrivez ce que la personne reproche, avec ses mots.' }),
  nom: text({ max: 200, required: false, tooLong: 'Le nom doit faire au plus 200 caractères.' }),
  courriel: email({ required: false }),
  telephone: text({ max: 40, required: false, tooLong: 'Le numéro doit faire au plus 40 caractères.' }),
  demande: hidden(40),
});
export type NewComplaintValues = Record<
  'service' | 'canal' | 'objet' | 'description' | 'nom' | 'courriel' | 'telephone' | 'demande',
  string
>;

export const acknowledgeForm = z.object({
  moyen: choice(ACK_WAYS, 'Indiquez comment l’accusé de réception a été donné.'),
});

export const escalateForm = z.object({
  motif: text({ max: 2000, required: 'Indiquez pourquoi la réclamation passe au niveau suivant.' }),
});

export const decisionForm = z.object({
  cause: choice(CAUSES, 'Choisissez la cause principale de la réclamation.'),
  decision: choice(DECISIONS, 'Indiquez si la réclamation est fondée.'),
  reponse: text({ max: 5000, required: 'Écrivez la réponse envoyée à la personne.' }),
});

export const answerDaysForm = z.object({
  jours: text({
    max: 3,
    required: 'Indiquez le délai de réponse en jours, de 1 à 120.',
    pattern: { regex: /^(?:[1-9]\d?|1[01]\d|120)$/, message: 'Indiquez un nombre de jours de 1 à 120.' },
  }),
});
