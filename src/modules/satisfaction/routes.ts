import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { unsafeRaw } from '../../platform/html.ts';
import { parseForm, type FieldError } from '../../platform/web/form.ts';
import { readFormBody } from '../../platform/web/form-body.ts';
import { url } from '../../platform/web/layout.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { pageContext, requireTenant } from '../../platform/web/request-context.ts';
import { typedValue } from '../../platform/web/typed-values.ts';
import type { Services } from '../../services.ts';
import { agentActor } from '../agents/policy.ts';
import { authorisedRequest } from '../agents/request-access.ts';
import { findRequestByReference, listServices } from '../agents/repository.ts';
import { requireAgent } from '../agents/require-agent.ts';
import { agentContext, UUID } from '../agents/route-support.ts';
import type { SessionAgent } from '../agents/sessions.ts';
import { qrCodeSvg } from '../../platform/qr-code.ts';
import { activeSites } from '../appointments/repository.ts';
import { can } from '../authorization.ts';
import { answerSurvey, clientKeyOf, type SurveySource } from './answer-survey.ts';
import { EMPTY_SURVEY, kioskForm, surveyForm, type SurveyValues } from './forms.ts';
import { inviteAfterConversation } from './invite-after-conversation.ts';
import { readSurveyLink } from './read-survey-link.ts';
import { REFERENCE_PATTERN } from '../requests/reference.ts';
import { createKiosk, findKiosk, kioskPath, listKiosks, revokeKiosk } from './kiosks.ts';
import { openSurvey } from './open-survey.ts';
import { KIOSKS_PATH, kiosksPage, surveyQrPage } from './views/kiosks-page.ts';
import { surveyPage, surveyRefusedPage, surveyThanksPage } from './views/survey-page.ts';

function typedSurvey(fields: Record<string, string | string[] | undefined>): SurveyValues {
  return {
    satisfaction: typedValue(fields, 'satisfaction', 2),
    simple: typedValue(fields, 'simple', 2),
    clair: typedValue(fields, 'clair', 2),
    note: typedValue(fields, 'note', 2),
    commentaire: typedValue(fields, 'commentaire', 5000),
    relier: typedValue(fields, 'relier', 10) !== '',
  };
}

const num = (v: string | undefined) => (v === undefined ? null : Number(v));

/**
 * The satisfaction survey: the page a link opens (`/avis/<token>`: mail, text message, QR code),
 * the assistant's « Donner votre avis » (`/avis/assistant/<conversation>`), the counter tablet
 * (`/avis/borne/<secret>`), the thanks; for agents, the QR code of an item's survey and the
 * administrators' « Tablettes d'avis ». The token or the tablet's secret is the capability: no
 * actor is asked for on the public side (decision 35).
 */
export function registerSatisfactionRoutes(app: FastifyInstance, services: Services): void {
  const limits = services.config.survey;

  app.get('/avis/merci', async (request, reply) => sendHtml(reply, surveyThanksPage(pageContext(request))));

  app.get<{ Params: { token: string } }>('/avis/:token', { config: { personalData: true } }, async (request, reply) => {
    const ctx = pageContext(request);
    const opened = await inTenant(services.db, ctx.tenant.id, (trx) =>
      openSurvey(trx, {
        tenantId: ctx.tenant.id,
        sessionSecret: services.config.sessionSecret,
        token: request.params.token,
        now: services.clock.now(),
      }),
    );
    if (!opened.ok) {
      const refused = surveyRefusedPage(ctx, opened.reason);
      return sendHtml(reply, refused.page, refused.status);
    }
    const s = opened.value;
    return sendHtml(
      reply,
      surveyPage(ctx, {
        action: `/avis/${request.params.token}`,
        subject: s.subject,
        reference: s.reference,
        online: s.online,
        values: EMPTY_SURVEY,
        errors: [],
      }),
    );
  });

  app.post<{ Params: { token: string } }>(
    '/avis/:token',
    { config: { personalData: true } },
    async (request, reply) => {
      const ctx = pageContext(request);
      const tenant = requireTenant(request);
      const now = services.clock.now();
      const opened = await inTenant(services.db, tenant.id, (trx) =>
        openSurvey(trx, {
          tenantId: tenant.id,
          sessionSecret: services.config.sessionSecret,
          token: request.params.token,
          now,
        }),
      );
      if (!opened.ok) {
        const refused = surveyRefusedPage(ctx, opened.reason);
        return sendHtml(reply, refused.page, refused.status);
      }
      const { fields } = readFormBody(request);
      const values = typedSurvey(fields);
      const again = (errors: FieldError[]) =>
        sendHtml(
          reply,
          surveyPage(ctx, {
            action: `/avis/${request.params.token}`,
            subject: opened.value.subject,
            reference: opened.value.reference,
            online: opened.value.online,
            values,
            errors,
          }),
          400,
        );
      const form = parseForm(surveyForm, fields);
      if (!form.ok) return again(form.errors);
      return record(request, reply, { kind: 'invitation', invitationId: opened.value.invitationId }, form.value, {
        clientKey: clientKeyOf(services.config.sessionSecret, request.ip),
        limit: limits.rateLimit,
        done: '/avis/merci',
      });
    },
  );

  /** One answer stored, or the page that says why not. */
  async function record(
    request: FastifyRequest,
    reply: FastifyReply,
    source: SurveySource,
    value: {
      satisfaction: string;
      simple?: string;
      clair?: string;
      note?: string;
      commentaire: string;
      relier: boolean;
    },
    options: { clientKey: string; limit: number; done: string },
  ) {
    const ctx = pageContext(request);
    const outcome = await inTenant(services.db, ctx.tenant.id, (trx) =>
      answerSurvey(trx, {
        tenantId: ctx.tenant.id,
        source,
        answer: {
          satisfaction: Number(value.satisfaction),
          simple: num(value.simple),
          clear: num(value.clair),
          onlineScore: num(value.note),
          comment: value.commentaire,
          linked: value.relier,
        },
        clientKey: options.clientKey,
        dailyLimit: options.limit,
        now: services.clock.now(),
      }),
    );
    if (!outcome.ok) {
      const refused = surveyRefusedPage(ctx, outcome.reason);
      return sendHtml(reply, refused.page, refused.status);
    }
    return reply.redirect(url(ctx, options.done), 303);
  }

  // « Donner votre avis » under an assistant conversation: its one invitation, then its survey.
  app.get<{ Params: { id: string } }>(
    '/avis/assistant/:id',
    { config: { personalData: true } },
    async (request, reply) => {
      const ctx = pageContext(request);
      const link = await inTenant(services.db, ctx.tenant.id, (trx) =>
        inviteAfterConversation(trx, {
          tenantId: ctx.tenant.id,
          conversationId: request.params.id,
          sessionSecret: services.config.sessionSecret,
          linkDays: limits.linkDays,
          now: services.clock.now(),
        }),
      );
      if (!link) {
        const refused = surveyRefusedPage(ctx, 'answered');
        return sendHtml(reply, refused.page, refused.status);
      }
      return reply.redirect(url(ctx, `/avis/${link.token}`), 303);
    },
  );

  // The counter tablet: the survey, and the empty survey again after each answer.
  app.get<{ Params: { secret: string } }>(
    '/avis/borne/:secret',
    { config: { personalData: true } },
    async (request, reply) => {
      const ctx = pageContext(request);
      const kiosk = await inTenant(services.db, ctx.tenant.id, (trx) => findKiosk(trx, request.params.secret));
      if (!kiosk) throw new AppError('not_found', 'Cette tablette n’est plus en service.');
      return sendHtml(
        reply,
        surveyPage(ctx, {
          action: kioskPath(request.params.secret),
          subject: 'de votre visite',
          reference: null,
          online: false,
          values: EMPTY_SURVEY,
          errors: [],
          kiosk: { name: kiosk.name, thanked: queryParam(request, 'merci') === '1' },
        }),
      );
    },
  );

  app.post<{ Params: { secret: string } }>(
    '/avis/borne/:secret',
    { config: { personalData: true } },
    async (request, reply) => {
      const ctx = pageContext(request);
      const kiosk = await inTenant(services.db, ctx.tenant.id, (trx) => findKiosk(trx, request.params.secret));
      if (!kiosk) throw new AppError('not_found', 'Cette tablette n’est plus en service.');
      const { fields } = readFormBody(request);
      const values = { ...typedSurvey(fields), relier: false };
      const form = parseForm(surveyForm, fields);
      if (!form.ok)
        return sendHtml(
          reply,
          surveyPage(ctx, {
            action: kioskPath(request.params.secret),
            subject: 'de votre visite',
            reference: null,
            online: false,
            values,
            errors: form.errors,
            kiosk: { name: kiosk.name, thanked: false },
          }),
          400,
        );
      return record(
        request,
        reply,
        { kind: 'kiosk', kioskId: kiosk.id },
        { ...form.value, relier: false },
        {
          clientKey: `kiosk:${kiosk.id}`,
          limit: limits.kioskRateLimit,
          done: `${kioskPath(request.params.secret)}?merci=1`,
        },
      );
    },
  );
}

/** The agents' side: an item's QR code, the administrators' tablets. Inside the agents' scope. */
export function registerSatisfactionAgentRoutes(scope: FastifyInstance, services: Services): void {
  scope.get<{ Params: { reference: string } }>('/agent/demandes/:reference/avis', async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenant = requireTenant(request);
    const reference = request.params.reference;
    const found = await inTenant(services.db, tenant.id, async (trx) => {
      const row = authorisedRequest(
        tenant.id,
        agent,
        'view',
        REFERENCE_PATTERN.test(reference) ? await findRequestByReference(trx, reference) : undefined,
      );
      return readSurveyLink(trx, {
        tenantId: tenant.id,
        of: { requestId: row.id },
        sessionSecret: services.config.sessionSecret,
        baseUrl: requestBaseUrl(services.config, request),
        now: services.clock.now(),
      });
    });
    const svg = found.url ? unsafeRaw(await qrCodeSvg(found.url)) : null;
    return sendHtml(
      reply,
      surveyQrPage(agentContext(request, agent), {
        subject: reference,
        back: { href: `/agent/demandes/${encodeURIComponent(reference)}`, label: 'Retour à la demande' },
        qrSvg: svg,
        link: found.url,
        answered: found.answered,
      }),
    );
  });

  async function requireAdmin(request: FastifyRequest): Promise<SessionAgent> {
    const agent = await requireAgent(request, services);
    const tenantId = requireTenant(request).id;
    if (!can(agentActor(tenantId, agent), 'manage_survey_kiosks', { kind: 'tenant', tenantId }))
      throw new AppError('forbidden', 'Cette page est réservée aux administrateurs de la collectivité.');
    return agent;
  }

  async function renderKiosks(
    request: FastifyRequest,
    reply: FastifyReply,
    agent: SessionAgent,
    extra: {
      values?: { nom: string; service: string; lieu: string };
      errors?: FieldError[];
      created?: { name: string; address: string };
      notice?: string;
    },
    status = 200,
  ) {
    const tenant = requireTenant(request);
    const {
      kiosks,
      services: list,
      sites,
    } = await inTenant(services.db, tenant.id, async (trx) => ({
      kiosks: await listKiosks(trx),
      services: await listServices(trx, null),
      sites: await activeSites(trx),
    }));
    return sendHtml(
      reply,
      kiosksPage(agentContext(request, agent), {
        kiosks,
        services: list,
        sites,
        values: extra.values ?? { nom: '', service: '', lieu: '' },
        errors: extra.errors ?? [],
        ...(extra.created ? { created: extra.created } : {}),
        ...(extra.notice ? { notice: extra.notice } : {}),
      }),
      status,
    );
  }

  scope.get(KIOSKS_PATH, async (request, reply) => {
    const agent = await requireAdmin(request);
    return renderKiosks(request, reply, agent, {
      ...(queryParam(request, 'fait') === 'retiree'
        ? { notice: 'La tablette est retirée : son adresse ne s’ouvre plus.' }
        : {}),
    });
  });

  scope.post(KIOSKS_PATH, async (request, reply) => {
    const agent = await requireAdmin(request);
    const tenant = requireTenant(request);
    const { fields } = readFormBody(request);
    const values = {
      nom: typedValue(fields, 'nom', 200),
      service: typedValue(fields, 'service', 60),
      lieu: typedValue(fields, 'lieu', 60),
    };
    const form = parseForm(kioskForm, fields);
    if (!form.ok) return renderKiosks(request, reply, agent, { values, errors: form.errors }, 400);
    const serviceId = form.value.service === '' ? null : form.value.service;
    const siteId = form.value.lieu === '' ? null : form.value.lieu;
    const unknown: FieldError[] = [
      ...(serviceId !== null && !UUID.test(serviceId)
        ? [{ field: 'service', message: 'Choisissez un service de la liste.' }]
        : []),
      ...(siteId !== null && !UUID.test(siteId)
        ? [{ field: 'lieu', message: 'Choisissez un lieu d’accueil de la liste.' }]
        : []),
    ];
    if (unknown.length > 0) return renderKiosks(request, reply, agent, { values, errors: unknown }, 400);
    const created = await inTenant(services.db, tenant.id, (trx) =>
      createKiosk(trx, { tenantId: tenant.id, name: form.value.nom, serviceId, siteId }),
    );
    if (!created.ok) return renderKiosks(request, reply, agent, { values, errors: created.errors }, 400);
    // Shown this once (only its hash is kept): the page is the answer to the post.
    return renderKiosks(request, reply, agent, {
      created: {
        name: form.value.nom,
        address: `${requestBaseUrl(services.config, request)}${kioskPath(created.value.secret)}`,
      },
    });
  });

  scope.post<{ Params: { id: string } }>(`${KIOSKS_PATH}/:id/retirer`, async (request, reply) => {
    await requireAdmin(request);
    const tenant = requireTenant(request);
    const notFound = () => new AppError('not_found', 'Cette tablette n’existe pas ou est déjà retirée.');
    if (!UUID.test(request.params.id)) throw notFound();
    const done = await inTenant(services.db, tenant.id, (trx) =>
      revokeKiosk(trx, { kioskId: request.params.id, now: services.clock.now() }),
    );
    if (!done) throw notFound();
    return reply.redirect(url(request, `${KIOSKS_PATH}?fait=retiree`), 303);
  });
}
