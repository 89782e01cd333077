import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ExperienceStatus } from '../../db/schema.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { parseForm, type FieldError } from '../../platform/web/form.ts';
import { readFormBody } from '../../platform/web/form-body.ts';
import { url } from '../../platform/web/layout.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { pageContext, requireTenant } from '../../platform/web/request-context.ts';
import { typedValue, typedValues } from '../../platform/web/typed-values.ts';
import type { Services } from '../../services.ts';
import { agentActor } from '../agents/policy.ts';
import { requireAgent } from '../agents/require-agent.ts';
import { agentContext, UUID } from '../agents/route-support.ts';
import type { SessionAgent } from '../agents/sessions.ts';
import { can } from '../authorization.ts';
import { anonymiseText } from './anonymise-text.ts';
import { answerExperience } from './answer-experience.ts';
import { actionForm, actionStatusForm, answerForm, publishForm, rejectForm, shareExperienceForm } from './forms.ts';
import {
  createImprovementAction,
  setImprovementActionStatus,
  tagExperienceWithActions,
} from './improvement-actions.ts';
import { publishExperience, rejectExperience } from './moderate-experience.ts';
import {
  countExperiencesToModerate,
  experienceActionIds,
  findExperience,
  listActions,
  listExperiencesForAgents,
  listPublishedExperiences,
  listServiceChoices,
} from './repository.ts';
import { experienceSourceKey, submitExperience } from './submit-experience.ts';
import {
  AGENT_ACTIONS_PATH,
  AGENT_EXPERIENCES_PATH,
  agentActionsPage,
  agentExperiencePage,
  agentExperiencesPage,
  type ExperienceDetailInput,
} from './views/agent-pages.ts';
import {
  ACTIONS_PATH,
  actionsPage,
  EXPERIENCES_PATH,
  experiencesPage,
  SHARE_PATH,
  sharePage,
  THANKS_PATH,
  thanksPage,
} from './views/public-pages.ts';

const NOTICES: Record<string, string> = {
  publiee: 'L’expérience est publiée.',
  rejetee: 'L’expérience est rejetée : elle ne sera pas publiée.',
  reponse: 'La réponse est publiée sous l’expérience.',
  actions: 'Les actions liées sont enregistrées.',
  action: 'L’action est enregistrée et publiée.',
  statut: 'Le statut de l’action est changé.',
};

const EMPTY_SHARE = { ton: '', titre: '', recit: '', service: '', nom: '', courriel: '', accord: false };

/**
 * The public pages of experiences (share, published list, « Vous avez dit, nous avons fait »),
 * open to everyone, without JavaScript.
 */
export function registerExperienceRoutes(app: FastifyInstance, services: Services): void {
  const servicesOf = (tenantId: string) => inTenant(services.db, tenantId, (trx) => listServiceChoices(trx));

  app.get(EXPERIENCES_PATH, async (request, reply) => {
    const tenant = requireTenant(request);
    const experiences = await inTenant(services.db, tenant.id, (trx) => listPublishedExperiences(trx));
    return sendHtml(reply, experiencesPage(pageContext(request), { experiences }));
  });

  app.get(ACTIONS_PATH, async (request, reply) => {
    const tenant = requireTenant(request);
    const actions = await inTenant(services.db, tenant.id, (trx) => listActions(trx));
    return sendHtml(reply, actionsPage(pageContext(request), { actions }));
  });

  app.get(THANKS_PATH, async (request, reply) => sendHtml(reply, thanksPage(pageContext(request))));

  app.get(SHARE_PATH, async (request, reply) => {
    const tenant = requireTenant(request);
    return sendHtml(
      reply,
      sharePage(pageContext(request), { values: EMPTY_SHARE, errors: [], services: await servicesOf(tenant.id) }),
    );
  });

  app.post(SHARE_PATH, async (request, reply) => {
    const tenant = requireTenant(request);
    const { fields } = readFormBody(request);
    const values = {
      ton: typedValue(fields, 'ton', 20),
      titre: typedValue(fields, 'titre', 200),
      recit: typedValue(fields, 'recit', 5000),
      service: typedValue(fields, 'service', 100),
      nom: typedValue(fields, 'nom', 150),
      courriel: typedValue(fields, 'courriel', 300),
      accord: typedValue(fields, 'accord', 10) !== '',
    };
    const serviceList = await servicesOf(tenant.id);
    const again = (errors: FieldError[], status: number) =>
      sendHtml(reply, sharePage(pageContext(request), { values, errors, services: serviceList }), status);
    const form = parseForm(shareExperienceForm, fields);
    const errors = form.ok ? [] : [...form.errors];
    if (values.service !== '' && !serviceList.some((s) => s.id === values.service))
      errors.push({ field: 'service', message: 'Choisissez un service de la liste, ou « Je ne sais pas ».' });
    if (!form.ok || errors.length > 0) return again(errors, 400);
    const v = form.value;
    const result = await inTenant(services.db, tenant.id, (trx) =>
      submitExperience(trx, {
        tenantId: tenant.id,
        tone: v.ton,
        title: v.titre,
        story: v.recit,
        serviceId: v.service || null,
        authorName: v.nom || null,
        contactEmail: v.courriel || null,
        sourceKey: experienceSourceKey(services.config.sessionSecret, tenant.id, request.ip),
        limit: services.config.experienceRateLimit,
        now: services.clock.now(),
      }),
    );
    if (!result.ok)
      return again(
        [
          {
            field: 'titre',
            message:
              'Vous avez déjà partagé plusieurs expériences depuis hier. Merci ! Réessayez demain, ou écrivez-nous par la page « Nous contacter ».',
          },
        ],
        429,
      );
    return reply.redirect(url(request, THANKS_PATH), 303);
  });
}

/** The agents' side: moderation, public answers, improvement actions. Registered inside the agents' scope. */
export function registerExperienceAgentRoutes(scope: FastifyInstance, services: Services): void {
  async function staff(request: FastifyRequest): Promise<{ agent: SessionAgent; tenantId: string }> {
    const agent = await requireAgent(request, services);
    const tenantId = requireTenant(request).id;
    if (!can(agentActor(tenantId, agent), 'list_experiences', { kind: 'tenant', tenantId }))
      throw new AppError('forbidden', 'Cette page est réservée aux agents de la collectivité.');
    return { agent, tenantId };
  }

  function idParam(request: FastifyRequest): string {
    const id = (request.params as { id?: string }).id ?? '';
    if (!UUID.test(id)) throw notFound();
    return id;
  }
  const notFound = () => new AppError('not_found', 'Cette expérience n’existe pas.');

  /** The experience, if this agent may moderate it (else « not found », like an unknown one). */
  async function moderatable(request: FastifyRequest) {
    const { agent, tenantId } = await staff(request);
    const id = idParam(request);
    const row = await inTenant(services.db, tenantId, (trx) => findExperience(trx, id));
    if (!row) throw notFound();
    const allowed = can(agentActor(tenantId, agent), 'moderate_experience', {
      kind: 'service_scope',
      tenantId,
      serviceId: row.service_id,
    });
    return { agent, tenantId, id, row, allowed };
  }

  scope.get(AGENT_EXPERIENCES_PATH, async (request, reply) => {
    const { agent, tenantId } = await staff(request);
    const raw = queryParam(request, 'statut');
    const status: ExperienceStatus | null =
      raw === 'toutes' ? null : raw === '' ? 'a_moderer' : (raw as ExperienceStatus);
    if (status !== null && !['a_moderer', 'publiee', 'rejetee'].includes(status))
      throw new AppError('invalid_input', 'Ce filtre n’existe pas.');
    const { rows, toModerate } = await inTenant(services.db, tenantId, async (trx) => ({
      rows: await listExperiencesForAgents(trx, status),
      toModerate: await countExperiencesToModerate(trx),
    }));
    return sendHtml(
      reply,
      agentExperiencesPage(agentContext(request, agent), {
        rows,
        status,
        toModerate,
        canManageActions: can(agentActor(tenantId, agent), 'manage_improvement_actions', { kind: 'tenant', tenantId }),
        notice: NOTICES[queryParam(request, 'fait')],
      }),
    );
  });

  async function renderDetail(
    request: FastifyRequest,
    reply: FastifyReply,
    form: ExperienceDetailInput['form'],
    status = 200,
  ) {
    const { agent, tenantId, id, allowed } = await moderatable(request);
    const tenant = requireTenant(request);
    const { row, actions, tagged } = await inTenant(services.db, tenantId, async (trx) => ({
      row: (await findExperience(trx, id))!,
      actions: await listActions(trx),
      tagged: await experienceActionIds(trx, id),
    }));
    const knownNames = [row.author_name ?? '', row.contact_email?.split('@')[0] ?? ''].filter(Boolean);
    const masked =
      row.status === 'a_moderer' && allowed && row.story !== null
        ? [
            ...anonymiseText(row.title, { knownNames, today: services.clock.now() }).found,
            ...anonymiseText(row.story, { knownNames, today: services.clock.now() }).found,
          ]
        : [];
    const page = agentExperiencePage(agentContext(request, agent), {
      row,
      masked,
      canModerate: allowed,
      actions,
      taggedActionIds: tagged,
      form,
      defaultSignature: `${agent.name}, ${row.service_name ?? tenant.name}`,
      notice: NOTICES[queryParam(request, 'fait')],
    });
    return sendHtml(reply, page, status);
  }

  scope.get(`${AGENT_EXPERIENCES_PATH}/:id`, async (request, reply) =>
    renderDetail(request, reply, { kind: null, values: {}, errors: [] }),
  );

  /** A moderation form posted: the rule, the form, the use case; errors come back on the page. */
  async function moderation(
    request: FastifyRequest,
    reply: FastifyReply,
    kind: 'publier' | 'rejeter' | 'reponse',
    names: string[],
    run: (ctx: Awaited<ReturnType<typeof moderatable>>, fields: Record<string, string>) => Promise<string | null>,
  ) {
    const ctx = await moderatable(request);
    if (!ctx.allowed) throw notFound();
    const { fields } = readFormBody(request);
    const values = Object.fromEntries(names.map((n) => [n, typedValue(fields, n, 5000)]));
    const schema = kind === 'publier' ? publishForm : kind === 'rejeter' ? rejectForm : answerForm;
    const form = parseForm(schema, fields);
    if (!form.ok) return renderDetail(request, reply, { kind, values, errors: form.errors }, 400);
    const refused = await run(ctx, form.value as Record<string, string>);
    if (refused !== null)
      return renderDetail(request, reply, { kind, values, errors: [{ field: names[0]!, message: refused }] }, 409);
    const done = kind === 'publier' ? 'publiee' : kind === 'rejeter' ? 'rejetee' : 'reponse';
    return reply.redirect(url(request, `${AGENT_EXPERIENCES_PATH}/${ctx.id}?fait=${done}`), 303);
  }

  scope.post(`${AGENT_EXPERIENCES_PATH}/:id/publier`, (request, reply) =>
    moderation(request, reply, 'publier', ['titre', 'recit'], async (ctx, v) => {
      const result = await inTenant(services.db, ctx.tenantId, (trx) =>
        publishExperience(trx, {
          id: ctx.id,
          agentId: ctx.agent.id,
          title: v.titre!,
          story: v.recit!,
          now: services.clock.now(),
        }),
      );
      return result.ok ? null : 'Cette expérience a été rejetée : elle ne peut plus être publiée.';
    }),
  );

  scope.post(`${AGENT_EXPERIENCES_PATH}/:id/rejeter`, (request, reply) =>
    moderation(request, reply, 'rejeter', ['motif'], async (ctx, v) => {
      const result = await inTenant(services.db, ctx.tenantId, (trx) =>
        rejectExperience(trx, {
          tenant: requireTenant(request),
          id: ctx.id,
          agentId: ctx.agent.id,
          reason: v.motif!,
          now: services.clock.now(),
        }),
      );
      if (result.ok) services.mail.kick();
      return result.ok ? null : 'Cette expérience est déjà rejetée.';
    }),
  );

  scope.post(`${AGENT_EXPERIENCES_PATH}/:id/reponse`, (request, reply) =>
    moderation(request, reply, 'reponse', ['reponse', 'signature'], async (ctx, v) => {
      const result = await inTenant(services.db, ctx.tenantId, (trx) =>
        answerExperience(trx, {
          tenant: requireTenant(request),
          id: ctx.id,
          agentId: ctx.agent.id,
          answer: v.reponse!,
          signature: v.signature!,
          pageUrl: `${requestBaseUrl(services.config, request)}${EXPERIENCES_PATH}`,
          now: services.clock.now(),
        }),
      );
      if (result.ok) services.mail.kick();
      return result.ok ? null : 'Seule une expérience publiée reçoit une réponse publique.';
    }),
  );

  scope.post(`${AGENT_EXPERIENCES_PATH}/:id/actions`, async (request, reply) => {
    const ctx = await moderatable(request);
    if (!ctx.allowed) throw notFound();
    const { fields } = readFormBody(request);
    const ids = typedValues(fields, 'actions', 100);
    if (ids.some((id) => !UUID.test(id)))
      return renderDetail(
        request,
        reply,
        { kind: 'actions', values: {}, errors: [{ field: 'actions', message: 'Choisissez des actions de la liste.' }] },
        400,
      );
    const result = await inTenant(services.db, ctx.tenantId, (trx) =>
      tagExperienceWithActions(trx, { tenantId: ctx.tenantId, experienceId: ctx.id, actionIds: ids }),
    );
    if (!result.ok)
      return renderDetail(
        request,
        reply,
        {
          kind: 'actions',
          values: {},
          errors: [
            {
              field: 'actions',
              message:
                result.reason === 'unknown_action'
                  ? 'Choisissez des actions de la liste.'
                  : 'Seule une expérience publiée est liée à des actions.',
            },
          ],
        },
        result.reason === 'unknown_action' ? 400 : 409,
      );
    return reply.redirect(url(request, `${AGENT_EXPERIENCES_PATH}/${ctx.id}?fait=actions#actions`), 303);
  });

  async function actionsManager(request: FastifyRequest) {
    const { agent, tenantId } = await staff(request);
    if (!can(agentActor(tenantId, agent), 'manage_improvement_actions', { kind: 'tenant', tenantId }))
      throw new AppError('forbidden', 'Cette page est réservée aux responsables de service et aux administrateurs.');
    return { agent, tenantId };
  }

  async function renderActions(
    request: FastifyRequest,
    reply: FastifyReply,
    agent: SessionAgent,
    tenantId: string,
    form: { values: Record<'titre' | 'description' | 'statut' | 'service', string>; errors: FieldError[] },
    status = 200,
  ) {
    const { actions, serviceList } = await inTenant(services.db, tenantId, async (trx) => ({
      actions: await listActions(trx),
      serviceList: await listServiceChoices(trx),
    }));
    return sendHtml(
      reply,
      agentActionsPage(agentContext(request, agent), {
        actions,
        services: serviceList,
        ...form,
        notice: NOTICES[queryParam(request, 'fait')],
      }),
      status,
    );
  }

  scope.get(AGENT_ACTIONS_PATH, async (request, reply) => {
    const { agent, tenantId } = await actionsManager(request);
    return renderActions(request, reply, agent, tenantId, {
      values: { titre: '', description: '', statut: 'prevue', service: '' },
      errors: [],
    });
  });

  scope.post(AGENT_ACTIONS_PATH, async (request, reply) => {
    const { agent, tenantId } = await actionsManager(request);
    const { fields } = readFormBody(request);
    const values = {
      titre: typedValue(fields, 'titre', 300),
      description: typedValue(fields, 'description', 3000),
      statut: typedValue(fields, 'statut', 20),
      service: typedValue(fields, 'service', 100),
    };
    const form = parseForm(actionForm, fields);
    const serviceList = await inTenant(services.db, tenantId, (trx) => listServiceChoices(trx));
    const errors = form.ok ? [] : [...form.errors];
    if (values.service !== '' && !serviceList.some((s) => s.id === values.service))
      errors.push({ field: 'service', message: 'Choisissez un service de la liste.' });
    if (!form.ok || errors.length > 0) return renderActions(request, reply, agent, tenantId, { values, errors }, 400);
    await inTenant(services.db, tenantId, (trx) =>
      createImprovementAction(trx, {
        tenantId,
        title: form.value.titre,
        description: form.value.description,
        status: form.value.statut,
        serviceId: form.value.service || null,
        now: services.clock.now(),
      }),
    );
    return reply.redirect(url(request, `${AGENT_ACTIONS_PATH}?fait=action`), 303);
  });

  scope.post(`${AGENT_ACTIONS_PATH}/:id`, async (request, reply) => {
    const { agent, tenantId } = await actionsManager(request);
    const id = (request.params as { id?: string }).id ?? '';
    const missing = () => new AppError('not_found', 'Cette action n’existe pas.');
    if (!UUID.test(id)) throw missing();
    const { fields } = readFormBody(request);
    const form = parseForm(actionStatusForm, fields);
    if (!form.ok)
      return renderActions(
        request,
        reply,
        agent,
        tenantId,
        { values: { titre: '', description: '', statut: 'prevue', service: '' }, errors: form.errors },
        400,
      );
    const found = await inTenant(services.db, tenantId, (trx) =>
      setImprovementActionStatus(trx, { id, status: form.value.statut, now: services.clock.now() }),
    );
    if (!found) throw missing();
    return reply.redirect(url(request, `${AGENT_ACTIONS_PATH}?fait=statut`), 303);
  });
}
