import { z } from 'zod';
import { checkbox, choice, email, hidden, text } from '../../platform/web/form.ts';
import { ACTION_STATUSES, TONES } from './labels.ts';

/** The citizen's form: « Partager votre expérience ». */
export const shareExperienceForm = z.object({
  ton: choice(TONES, 'Dites si votre expérience est positive, neutre ou négative.'),
  titre: text({
    max: 120,
    required: 'Donnez un titre à votre expérience, par exemple « Accueil rapide pour ma carte d’identité ».',
    tooLong: 'Le titre doit faire au plus 120 caractères.',
  }),
  recit: text({
    max: 4000,
    required: 'Racontez votre expérience en quelques phrases.',
    tooLong: 'Votre récit doit faire au plus 4 000 caractères.',
  }),
  service: hidden(100),
  nom: text({ max: 100, required: false, tooLong: 'Votre nom doit faire au plus 100 caractères.' }),
  courriel: email({ required: false }),
  accord: checkbox().refine((v) => v, {
    error: 'Cochez la case pour accepter que votre expérience soit publiée sans vos données personnelles.',
  }),
});
export type ShareExperienceValues = Record<'ton' | 'titre' | 'recit' | 'service' | 'nom' | 'courriel', string> & {
  accord: boolean;
};

/** The moderator's publication: the public title and text, as they checked them. */
export const publishForm = z.object({
  titre: text({
    max: 200,
    required: 'Indiquez le titre publié.',
    tooLong: 'Le titre doit faire au plus 200 caractères.',
  }),
  recit: text({ max: 4000, required: 'Indiquez le texte publié.' }),
});

export const rejectForm = z.object({
  motif: text({
    max: 1000,
    required:
      'Indiquez pourquoi cette expérience n’est pas publiée (propos injurieux, hors sujet, données personnelles…).',
  }),
});

export const answerForm = z.object({
  reponse: text({ max: 4000, required: 'Écrivez la réponse publique du service.' }),
  signature: text({
    max: 200,
    required: 'Indiquez la signature de la réponse, par exemple « Claire Dubois, service État civil ».',
    tooLong: 'La signature doit faire au plus 200 caractères.',
  }),
});

export const actionForm = z.object({
  titre: text({
    max: 200,
    required: 'Indiquez l’action, par exemple « Ouvrir l’accueil le samedi matin ».',
    tooLong: 'Le titre doit faire au plus 200 caractères.',
  }),
  description: text({ max: 2000, required: false }),
  statut: choice(ACTION_STATUSES, 'Choisissez le statut de l’action.'),
  service: hidden(100),
});

export const actionStatusForm = z.object({
  statut: choice(ACTION_STATUSES, 'Choisissez le statut de l’action.'),
});
