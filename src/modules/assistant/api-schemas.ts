import { z } from 'zod';
import { commonErrorResponses, errorBodySchema, rateLimitedResponse } from '../api/schemas.ts';

/**
 * The API's assistant: the question in, the answer out. The document shows these schemas; the
 * question's length and content are checked by the use case, with stable codes.
 */
export const assistantQuestionSchema = z
  .object({
    question: z
      .string()
      .describe('La question, en français, avec vos mots. 2 000 caractères au plus.')
      .meta({ examples: ['Combien coûte un passeport ?'] }),
  })
  .describe('Une question.');

const citationSchema = z.object({
  slug: z.string().describe('Identifiant de la page citée.'),
  title: z.string().describe('Titre de la page citée.'),
  url: z.string().describe('Adresse de la page citée.'),
});

const nextStepSchema = z.object({
  kind: z
    .enum(['online', 'appointment', 'call', 'handoff', 'catalogue', 'contact'])
    .describe(
      'online : faire la démarche en ligne ; appointment : prendre rendez-vous ; call : appeler ; contact : parler à une personne ; catalogue : toutes les démarches.',
    ),
  label: z.string().describe('Le texte du lien, en français.'),
  url: z.string().describe('L’adresse du lien (tel: pour un appel).'),
});

export const assistantAnswerSchema = z
  .object({
    answer: z.string().describe('La réponse, en texte simple (pas de HTML), tirée des pages citées.'),
    citations: z.array(citationSchema).describe('Les pages dont vient la réponse. Vide quand « declined » vaut true.'),
    declined: z
      .boolean()
      .describe('true quand l’assistant ne trouve pas de réponse sûre : il le dit au lieu de deviner.'),
    next_steps: z.array(nextStepSchema).describe('Ce que la personne peut faire ensuite.'),
  })
  .describe('La réponse de l’assistant.');

export const assistantErrorResponses = {
  400: errorBodySchema.describe(
    'Question vide (code « question_required »), trop longue (« question_too_long ») ou illisible (« question_invalid », « invalid_input »).',
  ),
  404: errorBodySchema.describe('Collectivité inconnue (code « tenant_not_found »).'),
  429: rateLimitedResponse,
  ...commonErrorResponses,
};
