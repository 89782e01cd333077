import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { Services } from '../../services.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import { AppError } from '../../platform/errors.ts';
import { findTrackedRequest } from '../requests/find-tracked-request.ts';
import { trackingUrl } from '../requests/notifications.ts';
import { submitRequest } from '../requests/submit-request.ts';
import { API_PREFIX } from './openapi.ts';
import { rejectInvalid } from './validation.ts';
import {
  commonErrorResponses,
  notFoundResponse,
  rateLimitedResponse,
  referenceParamsSchema,
  slugParamsSchema,
  submitBodySchema,
  submitResultSchema,
  trackedRequestSchema,
  trackingHeadersSchema,
  validationErrorResponse,
} from './schemas.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';

type Answers = z.infer<typeof submitBodySchema>['answers'];

/** The form engine reads an address as three fields, as the HTML form posts them. */
export function flattenAnswers(answers: Answers): Record<string, string | string[]> {
  const flat: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(answers)) {
    if (typeof value === 'string' || Array.isArray(value)) {
      flat[name] = value;
    } else {
      flat[`${name}__street`] = value.street;
      flat[`${name}__postal_code`] = value.postalCode;
      flat[`${name}__city`] = value.city;
    }
  }
  return flat;
}

export function registerApiRequestRoutes(app: FastifyInstance, services: Services): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post(
    `${API_PREFIX}/demarches/:slug/requests`,
    {
      config: { rateLimitBudget: 'submission' },
      attachValidation: true,
      schema: {
        operationId: 'submitRequest',
        summary: 'Déposer une demande',
        description: [
          'Dépose une demande pour une démarche en ligne, avec les réponses au formulaire (voir « Voir une démarche »).',
          'Envoyez aussi les champs de la personne : applicant_given_name, applicant_family_name, applicant_email et, si vous voulez, applicant_phone.',
          'Une case à cocher vaut « oui » quand elle est cochée.',
          'Les pièces jointes (fichiers) ne peuvent pas être envoyées par l’API : une démarche qui exige un fichier doit se faire avec le formulaire en ligne.',
          'La réponse donne le numéro et le code de suivi : gardez ce code, il n’est donné qu’une fois.',
        ].join(' '),
        tags: ['Demandes'],
        params: slugParamsSchema,
        body: submitBodySchema,
        response: {
          201: submitResultSchema,
          400: validationErrorResponse,
          404: notFoundResponse('Démarche inconnue ou pas en ligne (code « demarche_not_found »).'),
          ...commonErrorResponses,
        },
      },
    },
    async (request, reply) => {
      rejectInvalid(request);
      const tenant = requireTenant(request);
      const baseUrl = requestBaseUrl(services.config, request);
      const result = await submitRequest(services, tenant, {
        demarcheSlug: request.params.slug,
        answers: flattenAnswers(request.body.answers),
        files: [],
        channel: 'api',
        baseUrl,
      });
      if (!result.ok) {
        throw new AppError(
          'validation_failed',
          result.errors.length === 1
            ? 'La demande contient une erreur. Corrigez le champ indiqué.'
            : `La demande contient ${result.errors.length} erreurs. Corrigez les champs indiqués.`,
          result.errors.map((e) => ({ field: e.field, message: e.message })),
        );
      }
      const { reference, secret, dueOn } = result.request;
      return reply
        .code(201)
        .header('location', `${request.base}${API_PREFIX}/requests/${encodeURIComponent(reference)}`)
        .send({
          reference,
          trackingCode: secret,
          dueOn,
          trackingUrl: trackingUrl(baseUrl, reference, secret),
        });
    },
  );

  api.get(
    `${API_PREFIX}/requests/:reference`,
    {
      attachValidation: true,
      // The tracking pages' budget: guesses spread over the API and the pages count together.
      config: { rateLimitBudget: 'tracking', personalData: true },
      schema: {
        operationId: 'getRequest',
        summary: 'Suivre une demande',
        description: [
          'Donne le statut et l’historique d’une demande.',
          'Envoyez le code de suivi dans l’en-tête X-Tracking-Code.',
          'Un numéro inconnu et un mauvais code donnent la même erreur 404.',
          'Le nombre d’essais par minute est limité.',
        ].join(' '),
        tags: ['Demandes'],
        params: referenceParamsSchema,
        headers: trackingHeadersSchema,
        response: {
          200: trackedRequestSchema,
          400: validationErrorResponse,
          404: notFoundResponse('Demande introuvable, ou code de suivi faux (code « request_not_found »).'),
          429: rateLimitedResponse,
          ...commonErrorResponses,
        },
      },
    },
    async (request) => {
      rejectInvalid(request);
      const tenant = requireTenant(request);
      const tracked = await findTrackedRequest(
        services,
        tenant,
        request.params.reference,
        request.headers['x-tracking-code'],
      );
      return {
        reference: tracked.reference,
        status: tracked.status,
        statusLabel: tracked.statusLabel,
        demarcheTitle: tracked.demarcheTitle,
        submittedAt: new Date(tracked.submittedAt).toISOString(),
        dueOn: tracked.dueOn,
        answers: tracked.data,
        timeline: tracked.events.map((e) => ({
          kind: e.kind,
          at: new Date(e.at).toISOString(),
          statusTo: e.statusTo,
          statusLabel: e.statusLabel,
          body: e.body,
          author: e.author,
        })),
      };
    },
  );
}
