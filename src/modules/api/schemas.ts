import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../../platform/errors.ts';
import { formDefinitionSchema, formFieldSchema } from '../catalogue/form-definition.ts';

/**
 * Request and response schemas of the public API. They validate requests, shape responses and
 * are the single source of the OpenAPI document (through fastify-type-provider-zod), so the
 * descriptions here are what API users read: French, plain language.
 */

export const errorCodeSchema = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]);

export const fieldErrorSchema = z.object({
  field: z.string().describe('Nom du champ concerné (par exemple « applicant_email »).'),
  message: z.string().describe('Ce qui ne va pas, en français.'),
});

export const errorBodySchema = z
  .object({
    error: z.object({
      code: errorCodeSchema.describe('Code stable, à utiliser dans vos programmes.'),
      message: z.string().describe('Explication en français, que vous pouvez montrer à une personne.'),
      details: z
        .array(fieldErrorSchema)
        .optional()
        .describe('Seulement pour « validation_failed » : la liste des champs à corriger.'),
    }),
  })
  .describe('Erreur');

function errorResponse(description: string) {
  return errorBodySchema.describe(description);
}

/** Errors every route can answer: unknown collectivité, internal error, database down. */
export const commonErrorResponses = {
  500: errorResponse('Erreur inattendue (code « internal_error »).'),
  503: errorResponse('Service momentanément indisponible (code « database_unavailable »).'),
};

export const notFoundResponse = (what: string) => errorResponse(what);
export const validationErrorResponse = errorResponse(
  'Données non valides (code « validation_failed ») : « details » liste les champs à corriger.',
);
export const rateLimitedResponse = errorResponse('Trop de requêtes (code « rate_limited ») : attendez une minute.');

export const serviceSchema = z.object({
  slug: z.string().describe('Identifiant du service dans les adresses.'),
  name: z.string().describe('Nom du service.'),
  description: z.string().describe('Présentation courte du service.'),
});

export const serviceListSchema = z
  .object({ services: z.array(serviceSchema) })
  .describe('Les services de la collectivité.');

const serviceRefSchema = z
  .object({ slug: z.string(), name: z.string() })
  .describe('Le service qui traite la démarche.');

export const demarcheSummarySchema = z.object({
  slug: z.string().describe('Identifiant de la démarche dans les adresses.'),
  title: z.string().describe('Titre de la démarche.'),
  summary: z.string().describe('Résumé en quelques phrases.'),
  service: serviceRefSchema,
  delayDays: z.number().int().nullable().describe('Délai de traitement annoncé, en jours ouvrés (null si aucun).'),
  channels: z
    .array(z.string())
    .describe('Comment faire la démarche : en-ligne, guichet, rendez-vous, telephone, courrier, email.'),
  online: z.boolean().describe('Vrai si la démarche peut être faite en ligne (par le formulaire ou par cette API).'),
});

export const demarcheListSchema = z
  .object({ demarches: z.array(demarcheSummarySchema) })
  .describe('Les démarches publiques de la collectivité.');

export const demarcheDetailSchema = demarcheSummarySchema
  .extend({
    keywords: z.array(z.string()).describe('Mots-clés de recherche.'),
    sections: z
      .record(z.string(), z.string())
      .describe('Textes de la page d’information, par rubrique (en bref, qui est concerné, etc.).'),
    updatedAt: z.string().describe('Date de la dernière mise à jour (ISO 8601).'),
    form: formDefinitionSchema
      .nullable()
      .describe('Le formulaire en ligne : rubriques et champs à remplir (null si la démarche n’est pas en ligne).'),
    applicantFields: z
      .array(formFieldSchema)
      .describe(
        'Les champs sur la personne qui fait la demande, communs à tous les formulaires en ligne (vide si la démarche n’est pas en ligne).',
      ),
  })
  .describe('La démarche, avec son formulaire si elle se fait en ligne.');

export const slugParamsSchema = z.object({
  slug: z.string().max(100).describe('Identifiant de la démarche (par exemple « acte-naissance-mariage »).'),
});

const addressAnswerSchema = z
  .object({
    street: z.string().describe('Numéro et voie.'),
    postalCode: z.string().describe('Code postal.'),
    city: z.string().describe('Commune.'),
  })
  .describe('Une adresse (pour les champs de type « address »).');

export const answerValueSchema = z.union([
  z.string().max(100_000).describe('Un texte (la plupart des champs ; « oui » pour une case à cocher).'),
  z.array(z.string().max(100_000)).max(200).describe('Une liste de valeurs (champs à choix multiples).'),
  addressAnswerSchema,
]);

export const submitBodySchema = z
  .object({
    answers: z
      .record(z.string().regex(/^[a-z][a-z0-9_]{0,79}$/), answerValueSchema)
      .describe(
        'Les réponses, par nom de champ : ceux du formulaire de la démarche et ceux de la personne (applicant_given_name, applicant_family_name, applicant_email, applicant_phone).',
      ),
  })
  .describe('La demande à déposer. Les pièces jointes (fichiers) ne peuvent pas être envoyées par l’API.')
  .meta({
    examples: [
      {
        answers: {
          applicant_given_name: 'Camille',
          applicant_family_name: 'Martin',
          applicant_email: 'camille.martin@example.org',
          adresse: { street: '3 rue des Lilas', postalCode: '00000', city: 'Villebelle' },
        },
      },
    ],
  });

export const submitResultSchema = z
  .object({
    reference: z.string().describe('Numéro de la demande.'),
    trackingCode: z
      .string()
      .describe('Code de suivi secret. Il n’est donné qu’une fois : gardez-le pour suivre la demande.'),
    dueOn: z.string().describe('Date de réponse prévue (AAAA-MM-JJ).'),
    trackingUrl: z.string().describe('Adresse de la page de suivi pour la personne (contient le code de suivi).'),
  })
  .describe('Demande enregistrée.');

export const referenceParamsSchema = z.object({
  reference: z.string().max(64).describe('Numéro de la demande.'),
});

export const trackingHeadersSchema = z.looseObject({
  'x-tracking-code': z
    .string()
    .min(1)
    .max(200)
    .describe('Le code de suivi reçu au dépôt de la demande (en-tête X-Tracking-Code).'),
});

export const requestStatusSchema = z.enum(['recue', 'en_cours', 'en_attente_usager', 'traitee', 'refusee']);

export const trackedRequestSchema = z
  .object({
    reference: z.string(),
    status: requestStatusSchema.describe('Statut de la demande.'),
    statusLabel: z.string().describe('Statut en français.'),
    demarcheTitle: z.string(),
    submittedAt: z.string().describe('Date et heure du dépôt (ISO 8601).'),
    dueOn: z.string().describe('Date de réponse prévue (AAAA-MM-JJ).'),
    answers: z
      .record(z.string(), z.unknown())
      .describe('Les réponses enregistrées, telles qu’elles ont été saisies, par nom de champ.'),
    timeline: z
      .array(
        z.object({
          kind: z.string().describe('Type d’événement (submitted, status_changed, citizen_message, agent_message).'),
          at: z.string().describe('Date et heure (ISO 8601).'),
          statusTo: z.string().nullable().describe('Nouveau statut, pour un changement de statut.'),
          statusLabel: z.string().nullable(),
          body: z.string().describe('Message, en texte brut.'),
          author: z.enum(['citizen', 'agent', 'system']),
        }),
      )
      .describe('L’historique visible par la personne, du plus ancien au plus récent.'),
  })
  .describe('La demande et son historique.');

export const searchQuerySchema = z.object({
  q: z
    .string()
    .trim()
    .min(1)
    .max(2000)
    .describe(
      'La question ou les mots cherchés, en français (2 000 caractères au plus). Accents et fautes de frappe tolérés.',
    ),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(50)
    .default(10)
    .describe('Nombre de résultats voulus, de 1 à 50 (10 par défaut).'),
});

export const searchResultSchema = z
  .object({
    results: z
      .array(
        z.object({
          slug: z.string().describe('Identifiant de la page.'),
          title: z.string().describe('Titre de la page.'),
          url: z.string().describe('Adresse de la page sur ce site.'),
          score: z
            .number()
            .describe('Pertinence : plus elle est haute, mieux la page correspond (à comparer dans une même réponse).'),
        }),
      )
      .describe('Les pages publiques, de la plus pertinente à la moins pertinente.'),
    answerable: z
      .boolean()
      .describe('Vrai si la première page répond vraiment à la question ; faux si aucune ne semble y répondre.'),
  })
  .describe('Résultats de la recherche.');
