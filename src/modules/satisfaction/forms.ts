import { z } from 'zod';
import { checkbox, choice, text } from '../../platform/web/form.ts';
import { COMMENT_MAX_LENGTH } from './questions.ts';

const optionalChoice = <const T extends readonly [string, ...string[]]>(values: T, message: string) =>
  z.preprocess((v) => (v === undefined || v === '' ? undefined : v), choice(values, message).optional());

/** The survey's form (fieldset and legend per question, radios; everything but the first optional). */
export const surveyForm = z.object({
  satisfaction: choice(['5', '4', '3', '2', '1'], 'Choisissez votre niveau de satisfaction.'),
  simple: optionalChoice(['4', '3', '2', '1'], 'Choisissez une réponse ou laissez la question sans réponse.'),
  clair: optionalChoice(['4', '3', '2', '1'], 'Choisissez une réponse ou laissez la question sans réponse.'),
  note: optionalChoice(
    ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10'],
    'Choisissez une note de 0 à 10 ou laissez la question sans réponse.',
  ),
  commentaire: text({
    max: COMMENT_MAX_LENGTH,
    required: false,
    tooLong: `Votre commentaire est trop long : ${COMMENT_MAX_LENGTH.toLocaleString('fr-FR')} caractères au plus.`,
  }),
  relier: checkbox(),
});

export type SurveyValues = Record<'satisfaction' | 'simple' | 'clair' | 'note' | 'commentaire', string> & {
  relier: boolean;
};

export const EMPTY_SURVEY: SurveyValues = {
  satisfaction: '',
  simple: '',
  clair: '',
  note: '',
  commentaire: '',
  relier: false,
};

/** The administrators' form that opens a counter tablet. */
export const kioskForm = z.object({
  nom: text({ max: 120, required: 'Donnez un nom à la tablette, par exemple « Accueil de la mairie ».' }),
  service: z.preprocess((v) => (Array.isArray(v) ? v[0] : (v ?? '')), z.string().max(60)),
  lieu: z.preprocess((v) => (Array.isArray(v) ? v[0] : (v ?? '')), z.string().max(60)),
});
