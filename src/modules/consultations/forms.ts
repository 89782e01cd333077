import { z } from 'zod';
import { checkbox, choice, email, hidden, text } from '../../platform/web/form.ts';

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 4000;
export const LABEL_MAX = 300;
export const HINT_MAX = 500;
export const OPTION_MAX = 150;
export const OPTIONS_MAX_COUNT = 30;
export const TEXT_ANSWER_MAX = 4000;
export const INVITATIONS_MAX_COUNT = 2000;

export const QUESTION_KINDS = {
  single: 'Choix unique',
  multiple: 'Choix multiple',
  scale: 'Échelle (par exemple de 1 à 5)',
  text: 'Texte libre',
} as const;
export type QuestionKind = keyof typeof QUESTION_KINDS;
const KIND_KEYS = Object.keys(QUESTION_KINDS) as [QuestionKind, ...QuestionKind[]];

/** A consultation's settings: what citizens read, who may answer, and when. */
export const consultationForm = z.object({
  titre: text({
    max: TITLE_MAX,
    required: 'Donnez un titre à la consultation, par exemple « Horaires d’ouverture de la mairie ».',
    tooLong: `Le titre est trop long : ${TITLE_MAX} caractères au plus.`,
  }),
  description: text({ max: DESCRIPTION_MAX, required: false }),
  public: choice(['public', 'invited'], 'Choisissez qui peut répondre.'),
  anonyme: choice(['oui', 'non'], 'Dites si les réponses sont anonymes.'),
  ouverture_jour: text({ max: 20, required: 'Indiquez le jour d’ouverture, par exemple 05/01/2027.' }),
  ouverture_heure: text({ max: 10, required: false }),
  cloture_jour: text({ max: 20, required: 'Indiquez le jour de clôture, par exemple 31/01/2027.' }),
  cloture_heure: text({ max: 10, required: false }),
});
export type ConsultationValues = {
  titre: string;
  description: string;
  public: string;
  anonyme: string;
  ouverture_jour: string;
  ouverture_heure: string;
  cloture_jour: string;
  cloture_heure: string;
};

/** A question, added or changed. Choices are typed one per line. */
export const questionForm = z.object({
  intitule: text({
    max: LABEL_MAX,
    required: 'Écrivez la question.',
    tooLong: `La question est trop longue : ${LABEL_MAX} caractères au plus.`,
  }),
  aide: text({ max: HINT_MAX, required: false, tooLong: `L’aide est trop longue : ${HINT_MAX} caractères au plus.` }),
  type: choice(KIND_KEYS, 'Choisissez le type de question.'),
  obligatoire: checkbox(),
  choix: text({ max: 8000, required: false, tooLong: 'La liste des choix est trop longue.' }),
  echelle_min: choice(['0', '1'], 'L’échelle commence à 0 ou à 1.'),
  echelle_max: choice(['3', '4', '5', '6', '7', '10'], 'L’échelle finit à 3, 4, 5, 6, 7 ou 10.'),
  echelle_libelle_min: text({ max: 60, required: false, tooLong: 'Ce libellé a 60 caractères au plus.' }),
  echelle_libelle_max: text({ max: 60, required: false, tooLong: 'Ce libellé a 60 caractères au plus.' }),
  condition: hidden(200),
});
export type QuestionValues = {
  intitule: string;
  aide: string;
  type: string;
  obligatoire: boolean;
  choix: string;
  echelle_min: string;
  echelle_max: string;
  echelle_libelle_min: string;
  echelle_libelle_max: string;
  condition: string;
};

export const EMPTY_QUESTION: QuestionValues = {
  intitule: '',
  aide: '',
  type: 'single',
  obligatoire: false,
  choix: '',
  echelle_min: '1',
  echelle_max: '5',
  echelle_libelle_min: '',
  echelle_libelle_max: '',
  condition: '',
};

/** Addresses to invite, one per line (or separated by commas or semicolons). */
export const invitationsForm = z.object({
  adresses: text({ max: 200_000, required: 'Indiquez au moins une adresse électronique.' }),
});

/** A public consultation that is not anonymous asks who answers. */
export const respondentForm = z.object({
  nom: text({ max: 200, required: 'Indiquez votre nom.', tooLong: 'Le nom a 200 caractères au plus.' }),
  email: email({ required: 'Indiquez votre adresse électronique.' }),
});
