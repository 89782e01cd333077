import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { STATE_DATA_KINDS, type StateDataKind } from '../catalogue/form-definition.ts';
import { currentCitizen } from '../citizens/sessions.ts';
import { formIdentity } from '../identity/form-identity.ts';
import { loadOnlineForm } from '../requests/submit-request.ts';
import type { RawAnswers } from '../requests/form-engine/validate.ts';
import { formPage } from '../requests/views.ts';
import { AppError } from '../../platform/errors.ts';
import { readFormBody } from '../../platform/web/form-body.ts';
import { pageContext, requireTenant } from '../../platform/web/request-context.ts';
import { sendHtml } from '../../platform/web/reply.ts';
import { obtainStateData } from './obtain-state-data.ts';
import { parisDay } from '../../platform/format.ts';
import { stateDataFormState, stateDataPath, submittedStateData } from './form-state.ts';

/**
 * « Récupérer mon quotient familial » and the like: the button sends the whole online form
 * here; the State's data is asked for (with the consent ticked on the form) and the form comes
 * back with it, or asking for the document instead and saying why, with what was typed.
 */
export function registerStateDataRoutes(app: FastifyInstance, services: Services): void {
  const maxUploadMb = Math.round((services.config.uploadMaxBytes / 1024 / 1024) * 10) / 10;
  // The form is multipart when it has file fields: files sent with the button are not kept
  // (the form says to add them again), as after any error.
  const formFiles = {
    maxFiles: 10,
    beforeFiles: async (request: FastifyRequest) => {
      await loadOnlineForm(services, requireTenant(request), (request.params as { slug: string }).slug);
    },
  };
  app.post<{ Params: { slug: string } }>(
    stateDataPath(':slug'),
    // One call to API Particulier per click: the submissions' budget per address.
    { config: { files: formFiles, rateLimitBudget: 'submission' } },
    async (request, reply) => {
      const ctx = pageContext(request);
      const d = await loadOnlineForm(services, ctx.tenant, request.params.slug);
      const body = readFormBody(request);
      const { _csrf: _ignored, _donnees: requested, ...answers } = body.fields as RawAnswers;
      const kind = (Array.isArray(requested) ? requested[0] : requested) as StateDataKind | undefined;
      if (!kind || !STATE_DATA_KINDS.includes(kind))
        throw new AppError('invalid_input', 'Ce formulaire ne permet pas de récupérer ces données.');
      const who = formIdentity(await currentCitizen(request, services), d.form);
      // Data already obtained on this form stays (another kind, or the same one asked again).
      const kept = submittedStateData(services, ctx.tenant.id, d.slug, body.fields).filter((x) => x.kind !== kind);
      const claims = who.citizen?.identitySource === 'franceconnect' ? who.citizen.verifiedClaims : null;
      const result = await obtainStateData(services, {
        form: d.form,
        kind,
        // The locked fields have no input on the page: their verified values stand in.
        answers: { ...answers, ...(who.locked?.values ?? {}) },
        franceconnect: claims,
        recipient: ctx.tenant.siret ?? null,
        today: parisDay(services.clock.now()),
      });
      if (!result.ok && result.cause) request.log.warn({ kind, cause: result.cause }, 'API Particulier gave nothing');
      const obtained = result.ok ? [...kept, result.obtained] : kept;
      const filesToReattach = [...new Set(body.files.map((f) => f.fieldName))];
      return sendHtml(
        reply,
        formPage(
          ctx,
          d,
          {
            values: answers,
            errors: result.ok ? [] : result.errors,
            filesToReattach,
            locked: who.locked,
            stateData: {
              ...stateDataFormState(services, ctx, d.slug, obtained),
              communeChoice: result.ok ? undefined : result.communeChoice,
            },
          },
          maxUploadMb,
        ),
        // The form asking for the document instead is an answer, not a mistake of the citizen's.
        result.ok || !result.invalid ? 200 : 400,
      );
    },
  );
}
