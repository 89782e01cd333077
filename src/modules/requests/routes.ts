import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { pageContext, requireTenant } from '../../platform/web/request-context.ts';
import { AppError } from '../../platform/errors.ts';
import { currentCitizen } from '../citizens/sessions.ts';
import { formIdentity } from '../identity/form-identity.ts';
import { fieldValue, readFormBody, type FormFields } from '../../platform/web/form-body.ts';
import { addCitizenMessage } from './add-citizen-message.ts';
import { findTrackedRequest, NOT_FOUND_MESSAGE } from './find-tracked-request.ts';
import { presentAnswers, verifiedIdentity, verifiedIdentityText } from './form-engine/present.ts';
import type { RawAnswers } from './form-engine/validate.ts';
import { trackingUrl } from './notifications.ts';
import { displayTrackingSecret, normalizeReference } from './reference.ts';
import { loadOnlineForm, submitRequest } from './submit-request.ts';
import { confirmationPage, formPage, lookupPage, trackingPage } from './views.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';
import { parseForm, type FieldError } from '../../platform/web/form.ts';
import { sendHtml } from '../../platform/web/reply.ts';
import { typedValue } from '../../platform/web/typed-values.ts';
import { trackingMessageForm } from './forms.ts';
import { stateDataFormState, submittedStateData } from '../state-data/form-state.ts';

interface RefParams {
  reference: string;
}
interface KeyQuery {
  cle?: string;
  envoye?: string;
}

/** The citizen's side of a request: the online form, confirmation, tracking, receipt. */
export function registerRequestRoutes(app: FastifyInstance, services: Services): void {
  const maxUploadMb = Math.round((services.config.uploadMaxBytes / 1024 / 1024) * 10) / 10;
  // Look-ups by reference and code share one budget per address (TRACKING_RATE_LIMIT) across every
  // route, this module's and the others': codes cannot be guessed by brute force (security/rate-limits.ts).
  // They show a request, by a URL that holds its tracking code: no cache, no Referer.
  const lookupLimit = { rateLimitBudget: 'tracking', personalData: true } as const;

  app.get<{ Params: { slug: string } }>('/demarches/:slug/demande', async (request, reply) => {
    const ctx = pageContext(request);
    const d = await loadOnlineForm(services, ctx.tenant, request.params.slug);
    const who = formIdentity(await currentCitizen(request, services), d.form);
    return reply.type('text/html; charset=utf-8').send(
      formPage(
        ctx,
        d,
        {
          values: who.prefill,
          errors: [],
          filesToReattach: [],
          locked: who.locked,
          stateData: stateDataFormState(services, ctx, d.slug, []),
        },
        maxUploadMb,
      ).toString(),
    );
  });

  // Files are read only after the CSRF token, and only for a démarche that exists.
  const formFiles = {
    maxFiles: 10,
    beforeFiles: async (request: FastifyRequest) => {
      await loadOnlineForm(services, requireTenant(request), (request.params as { slug: string }).slug);
    },
  };
  app.post<{ Params: { slug: string } }>(
    '/demarches/:slug/demande',
    { config: { files: formFiles, rateLimitBudget: 'submission' } },
    async (request, reply) => {
      const ctx = pageContext(request);
      const body = readFormBody(request);
      const { _csrf: _ignored, ...answers } = body.fields as RawAnswers;
      const form = (await loadOnlineForm(services, ctx.tenant, request.params.slug)).form;
      const who = formIdentity(await currentCitizen(request, services), form);
      // What API Particulier gave on this form, carried by signed hidden fields (state-data module).
      const stateData = submittedStateData(services, ctx.tenant.id, request.params.slug, body.fields);
      const result = await submitRequest(services, ctx.tenant, {
        stateData,
        citizen: who.citizen,
        demarcheSlug: request.params.slug,
        answers,
        files: body.files,
        channel: 'en-ligne',
        baseUrl: requestBaseUrl(services.config, request),
      });
      if (!result.ok) {
        const d = await loadOnlineForm(services, ctx.tenant, request.params.slug);
        return reply
          .code(400)
          .type('text/html; charset=utf-8')
          .send(
            formPage(
              ctx,
              d,
              {
                values: answers,
                errors: result.errors,
                filesToReattach: result.filesToReattach,
                locked: who.locked,
                stateData: stateDataFormState(services, ctx, d.slug, stateData),
              },
              maxUploadMb,
            ).toString(),
          );
      }
      if (result.ignoredFields.length > 0) {
        // Names only: the values are personal data, and the verified ones were kept anyway.
        request.log.warn(
          { demarche: request.params.slug, fields: result.ignoredFields },
          'verified answers: values sent for locked fields ignored',
        );
      }
      const { reference, secret } = result.request;
      return reply.redirect(
        `${request.base}/demandes/${reference}/confirmation?cle=${encodeURIComponent(secret)}`,
        303,
      );
    },
  );

  app.get<{ Params: RefParams; Querystring: KeyQuery }>(
    '/demandes/:reference/confirmation',
    { config: lookupLimit },
    async (request, reply) => {
      const ctx = pageContext(request);
      const secret = request.query.cle ?? '';
      const r = await findTrackedRequest(services, ctx.tenant, request.params.reference, secret);
      return reply.type('text/html; charset=utf-8').send(confirmationPage(ctx, r, secret).toString());
    },
  );

  app.get<{ Querystring: { reference?: string; cle?: string } }>(
    '/suivi',
    { config: lookupLimit },
    async (request, reply) => {
      const ctx = pageContext(request);
      const reference = (request.query.reference ?? '').trim();
      const code = (request.query.cle ?? '').trim();
      // No code at all (not even empty): a link from a mail with the reference filled in.
      if ((!reference && !code) || request.query.cle === undefined)
        return reply.type('text/html; charset=utf-8').send(lookupPage(ctx, { reference, code }).toString());
      const ref = normalizeReference(reference);
      if (!ref || !code) {
        return reply
          .code(400)
          .type('text/html; charset=utf-8')
          .send(
            lookupPage(ctx, {
              reference,
              code,
              error: 'Indiquez votre numéro de demande (par exemple VB-2026-4F7K2) et votre code de suivi.',
            }).toString(),
          );
      }
      return reply.redirect(`${request.base}/suivi/${ref}?cle=${encodeURIComponent(code)}`, 303);
    },
  );

  app.get<{ Params: RefParams; Querystring: KeyQuery }>(
    '/suivi/:reference',
    { config: lookupLimit },
    async (request, reply) => {
      const ctx = pageContext(request);
      const secret = request.query.cle ?? '';
      try {
        const r = await findTrackedRequest(services, ctx.tenant, request.params.reference, secret);
        const notice = request.query.envoye ? 'Votre message est bien envoyé au service.' : undefined;
        return reply
          .type('text/html; charset=utf-8')
          .send(trackingPage(ctx, r, secret, { message: '', errors: [], notice }).toString());
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'request_not_found') throw err;
        return reply
          .code(404)
          .type('text/html; charset=utf-8')
          .send(lookupPage(ctx, { reference: request.params.reference, code: '', error: err.message }).toString());
      }
    },
  );

  // Documents are read only once the tracking code sent before them opens the request.
  const messageFiles = {
    maxFiles: 10,
    beforeFiles: async (request: FastifyRequest, fields: FormFields) => {
      const reference = (request.params as RefParams).reference;
      await findTrackedRequest(services, requireTenant(request), reference, fieldValue({ fields }, 'cle'));
    },
  };
  app.post<{ Params: RefParams }>(
    '/suivi/:reference/messages',
    // The tracking code in the form authorises the post: no CSRF token, no cookie (decision 15).
    { config: { ...lookupLimit, files: messageFiles, authorisedByFormSecret: true } },
    async (request, reply) => {
      const ctx = pageContext(request);
      // The canonical reference (a fullwidth spelling is the same request; a line break is none):
      // what is looked up and what the redirect below carries.
      const reference = normalizeReference(request.params.reference);
      if (!reference) throw new AppError('request_not_found', NOT_FOUND_MESSAGE);
      const body = readFormBody(request);
      const secret = typedValue(body.fields, 'cle', 100);
      const message = typedValue(body.fields, 'message', 20_000);
      const again = async (errors: FieldError[]) => {
        const r = await findTrackedRequest(services, ctx.tenant, reference, secret);
        return sendHtml(reply, trackingPage(ctx, r, secret, { message, errors }), 400);
      };
      const form = parseForm(trackingMessageForm, body.fields);
      if (!form.ok) return again(form.errors);
      const result = await addCitizenMessage(services, ctx.tenant, {
        reference,
        secret: form.value.cle,
        message: form.value.message,
        files: body.files.filter((f) => f.fieldName === 'documents'),
        baseUrl: requestBaseUrl(services.config, request),
      });
      if (!result.ok) return again(result.errors);
      return reply.redirect(
        `${request.base}/suivi/${reference}?cle=${encodeURIComponent(secret)}&envoye=1#ajouter`,
        303,
      );
    },
  );

  app.get<{ Params: RefParams; Querystring: KeyQuery }>(
    '/suivi/:reference/recepisse.pdf',
    { config: lookupLimit },
    async (request, reply) => {
      const tenant = requireTenant(request);
      const secret = request.query.cle ?? '';
      const r = await findTrackedRequest(services, tenant, request.params.reference, secret);
      const c = tenant.contact;
      // pdf-lib is loaded at the first receipt, not at start: most processes never draw one.
      const { renderReceiptPdf } = await import('./receipt-pdf.ts');
      const identity = verifiedIdentity(r.data);
      const pdf = await renderReceiptPdf({
        tenantName: tenant.name,
        tenantAddress: c.address ? `${c.address}, ${c.postalCode ?? ''} ${c.city ?? ''}`.trim() : undefined,
        tenantPhone: c.phone,
        reference: r.reference,
        // findTrackedRequest accepted it, so it is a valid code, shown as the lookup page asks for it.
        trackingCode: displayTrackingSecret(secret) ?? secret,
        lookupUrl: `${requestBaseUrl(services.config, request)}/suivi`,
        demarcheTitle: r.demarcheTitle,
        submittedAt: r.submittedAt,
        dueOn: r.dueOn,
        delayDays: r.delayDays,
        applicantName: r.applicantName ?? '',
        identityVerified: identity ? verifiedIdentityText(identity) : null,
        answers: presentAnswers(r.form, r.data).map(({ label, value, verifiedBy }) => ({ label, value, verifiedBy })),
        documents: r.documents
          .filter((d) => d.fieldName !== null)
          .map((d) => ({ filename: d.filename, sizeBytes: d.sizeBytes })),
        trackingUrl: trackingUrl(requestBaseUrl(services.config, request), r.reference, secret),
      });
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="recepisse-${r.reference}.pdf"`)
        .header('cache-control', 'private, no-store')
        .send(Buffer.from(pdf));
    },
  );
}
