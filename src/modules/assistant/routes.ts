import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { rateLimitedError } from '../../platform/security/rate-limits.ts';
import { parseForm, type FieldError } from '../../platform/web/form.ts';
import { readFormBody } from '../../platform/web/form-body.ts';
import { url, type PageContext } from '../../platform/web/layout.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { pageContext, requireTenant } from '../../platform/web/request-context.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';
import type { Services } from '../../services.ts';
import { agentArea } from '../agents/agent-area.ts';
import { agentActor } from '../agents/policy.ts';
import { currentAgent, requireAgent } from '../agents/require-agent.ts';
import { agentContext } from '../agents/route-support.ts';
import { API_PREFIX } from '../api/openapi.ts';
import { can } from '../authorization.ts';
import { answerQuestion, checkQuestion, type AnswerQuestionInput, type AssistantAnswer } from './answer-question.ts';
import { assistantAnswerSchema, assistantErrorResponses, assistantQuestionSchema } from './api-schemas.ts';
import { askAssistant, isConversationId } from './ask-assistant.ts';
import { assistantSettingsForm, handOffForm, questionForm } from './forms.ts';
import { handOffConversation } from './hand-off-conversation.ts';
import { nextSteps, type NextStep } from './next-steps.ts';
import {
  findArticles,
  findConversation,
  readLlmPersonalData,
  writeLlmPersonalData,
  type Conversation,
} from './repository.ts';
import { internalArticlePage } from './views/article-page.ts';
import { assistantPage } from './views/assistant-page.ts';
import { handOffDonePage, handOffPage, type HandOffValues } from './views/hand-off-page.ts';
import { ASSISTANT_SETTINGS_PAGE, assistantSettingsPage } from './views/settings-page.ts';

type Area = 'citizen' | 'agent';

/** Where each area's assistant lives. */
const PATHS: Record<Area, string> = { citizen: '/assistant', agent: '/agent/assistant' };

/** The JSON the widget and the API receive: the API's document describes it (api-schemas.ts). */
export function presentAnswer(answer: AssistantAnswer, conversationId?: string) {
  return {
    answer: answer.answer,
    citations: answer.citations,
    declined: answer.declined,
    next_steps: answer.nextSteps,
    ...(conversationId ? { conversation_id: conversationId } : {}),
  };
}

/** Whether the client asked for JSON (the widget, `Accept: application/json`). */
function wantsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return /application\/json/i.test(accept) && !/text\/html/i.test(accept);
}

/**
 * One budget for the portal's page, its widget and the API (ASSISTANT_RATE_LIMIT questions a
 * minute per client address): a signed-in agent is not counted.
 */
function assistantRateLimit(app: FastifyInstance, services: Services): onRequestHookHandler {
  let limiter: ReturnType<FastifyInstance['createRateLimit']> | null = null;
  const hook = async (request: FastifyRequest, reply: FastifyReply) => {
    if (await currentAgent(request, services)) return;
    limiter ??= app.createRateLimit({ max: services.config.assistantRateLimit, timeWindow: 60_000 });
    const limit = await limiter(request);
    if (limit.isAllowed) return;
    const resetSeconds = Math.max(1, limit.ttlInSeconds);
    reply.header('x-ratelimit-limit', limit.max);
    reply.header('x-ratelimit-remaining', limit.remaining);
    reply.header('x-ratelimit-reset', resetSeconds);
    if (limit.isExceeded) {
      reply.header('retry-after', resetSeconds);
      throw rateLimitedError(limit.ttl);
    }
  };
  return hook as onRequestHookHandler;
}

/** Links of the answers given on the pages: relative to the tenant's prefix. */
function pageLinks(ctx: PageContext, area: Area, conversationId: string): AnswerQuestionInput['links'] {
  return {
    base: ctx.base,
    handoffUrl: area === 'citizen' ? url(ctx, `/assistant/c/${conversationId}/personne`) : null,
    articleUrl: (a) =>
      a.audience === 'internal' ? url(ctx, `/agent/assistant/articles/${a.slug}`) : url(ctx, `/demarches/${a.slug}`),
  };
}

function notFound(): AppError {
  return new AppError('not_found', 'Cette conversation n’existe pas ou plus : elles sont effacées après 30 jours.');
}

/**
 * The portal's assistant (/assistant: a form, the answer on the next page, the widget's JSON),
 * the hand-off to a person, the API (POST /api/v1/assistant), and, inside the agents' area, the
 * workspace's assistant and the administrators' settings page.
 */
export function registerAssistantRoutes(app: FastifyInstance, services: Services): void {
  const limit = assistantRateLimit(app, services);

  app.get('/assistant', async (request, reply) => {
    return sendHtml(reply, assistantPage(pageContext(request), emptyPage('citizen')));
  });

  app.post('/assistant', { onRequest: limit }, async (request, reply) => ask(request, reply, 'citizen'));

  app.get<{ Params: { id: string } }>(
    '/assistant/c/:id',
    { config: { personalData: true } },
    async (request, reply) => {
      const ctx = pageContext(request);
      const conversation = await conversationOf(ctx.tenant.id, request.params.id, 'public');
      return sendHtml(reply, await conversationPage(ctx, 'citizen', conversation));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/assistant/c/:id/personne',
    { config: { personalData: true } },
    async (request, reply) => {
      const ctx = pageContext(request);
      const conversation = await conversationOf(ctx.tenant.id, request.params.id, 'public');
      if (conversation.handedOffRequestId) {
        return reply.redirect(url(ctx, `/assistant/c/${conversation.id}/transmis`), 303);
      }
      const values: HandOffValues = { nom: '', email: '', telephone: '', consentement: false };
      return sendHtml(
        reply,
        handOffPage(ctx, { conversationId: conversation.id, messages: conversation.messages, values, errors: [] }),
      );
    },
  );

  app.post<{ Params: { id: string } }>(
    '/assistant/c/:id/personne',
    { config: { personalData: true, rateLimitBudget: 'submission' } },
    async (request, reply) => {
      const ctx = pageContext(request);
      const tenant = requireTenant(request);
      const conversation = await conversationOf(tenant.id, request.params.id, 'public');
      const { fields } = readFormBody(request);
      const values: HandOffValues = {
        nom: typeof fields.nom === 'string' ? fields.nom : '',
        email: typeof fields.email === 'string' ? fields.email : '',
        telephone: typeof fields.telephone === 'string' ? fields.telephone : '',
        consentement: fields.consentement !== undefined && fields.consentement !== '',
      };
      const form = parseForm(handOffForm, fields);
      const again = (errors: FieldError[]) =>
        sendHtml(
          reply,
          handOffPage(ctx, { conversationId: conversation.id, messages: conversation.messages, values, errors }),
          400,
        );
      if (!form.ok) return again(form.errors);
      const result = await handOffConversation(services, tenant, {
        conversationId: conversation.id,
        name: form.value.nom,
        email: form.value.email || null,
        phone: form.value.telephone || null,
        consent: form.value.consentement,
        baseUrl: requestBaseUrl(services.config, request),
      });
      if (!result.ok) {
        if ('notFound' in result) throw notFound();
        return again(result.errors);
      }
      if (!result.value.alreadyDone) services.mail.kick();
      return reply.redirect(url(ctx, `/assistant/c/${conversation.id}/transmis`), 303);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/assistant/c/:id/transmis',
    { config: { personalData: true } },
    async (request, reply) => {
      const ctx = pageContext(request);
      const conversation = await conversationOf(ctx.tenant.id, request.params.id, 'public');
      const item = conversation.handedOffRequestId
        ? await inTenant(services.db, ctx.tenant.id, (trx) =>
            trx
              .selectFrom('requests')
              .select(['reference', 'applicant_email'])
              .where('id', '=', conversation.handedOffRequestId!)
              .executeTakeFirst(),
          )
        : undefined;
      if (!item) return reply.redirect(url(ctx, `/assistant/c/${conversation.id}/personne`), 303);
      return sendHtml(
        reply,
        handOffDonePage(ctx, { reference: item.reference, emailed: item.applicant_email !== null }),
      );
    },
  );

  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post(
    `${API_PREFIX}/assistant`,
    {
      onRequest: limit,
      attachValidation: true,
      schema: {
        operationId: 'askAssistant',
        summary: 'Poser une question à l’assistant',
        description: [
          'Répond à une question écrite en français, à partir des pages de la collectivité seulement, avec les pages citées (« citations ») et les suites possibles (« next_steps »).',
          'Quand aucune page ne répond, « declined » vaut true et la réponse le dit : l’assistant ne devine pas.',
          'La question fait 2 000 caractères au plus. Les appels anonymes sont limités (ASSISTANT_RATE_LIMIT par minute et par adresse).',
          'Les conversations ne sont pas gardées par cette route.',
        ].join(' '),
        tags: ['Assistant'],
        body: assistantQuestionSchema,
        response: { 200: assistantAnswerSchema, ...assistantErrorResponses },
      },
    },
    async (request) => {
      const tenant = requireTenant(request);
      if (request.validationError) {
        const body = request.body as unknown;
        const question = body && typeof body === 'object' ? (body as { question?: unknown }).question : undefined;
        checkQuestion(question);
        throw new AppError('question_required', 'Envoyez un objet JSON avec la question : {"question": "…"}.');
      }
      const base = requestBaseUrl(services.config, request);
      const answer = await answerQuestion(services, tenant, {
        question: request.body.question,
        audience: 'public',
        links: { base, handoffUrl: null, articleUrl: (a) => `${base}/demarches/${a.slug}` },
        log: request.log,
      });
      return presentAnswer(answer);
    },
  );

  /** A question posted by the page or the widget: answered, kept in the conversation. */
  async function ask(request: FastifyRequest, reply: FastifyReply, area: Area) {
    const agent = area === 'agent' ? await requireAgent(request, services) : null;
    const tenant = requireTenant(request);
    if (agent && !can(agentActor(tenant.id, agent), 'use_agent_assistant', { kind: 'tenant', tenantId: tenant.id })) {
      throw new AppError('not_found', 'Page introuvable.');
    }
    const ctx = agent ? agentContext(request, agent) : pageContext(request);
    const json = wantsJson(request);
    const { fields } = readFormBody(request);
    const typed = typeof fields.question === 'string' ? fields.question : '';
    const conversationId = typeof fields.conversation === 'string' ? fields.conversation : '';
    const form = parseForm(questionForm, fields);
    let outcome: Awaited<ReturnType<typeof askAssistant>>;
    try {
      if (!form.ok) checkQuestion('');
      outcome = await askAssistant(services, tenant, {
        question: typed,
        audience: area === 'agent' ? 'agent' : 'public',
        conversationId: isConversationId(conversationId) ? conversationId : null,
        links: (id) => pageLinks(ctx, area, id),
        log: request.log,
      });
    } catch (err) {
      if (!(err instanceof AppError) || !err.code.startsWith('question_')) throw err;
      if (json) return reply.code(400).send({ error: { code: err.code, message: err.message } });
      const existing = isConversationId(conversationId)
        ? await inTenant(services.db, tenant.id, (trx) => findConversation(trx, conversationId))
        : null;
      const page = assistantPage(ctx, {
        ...emptyPage(area),
        conversationId: existing?.id ?? null,
        messages: existing?.messages ?? [],
        question: typed.slice(0, 2000),
        errors: [{ field: 'question', message: err.message }],
      });
      return sendHtml(reply, page, 400);
    }
    if (json) return reply.send(presentAnswer(outcome.answer, outcome.conversationId));
    return reply.redirect(url(ctx, `${PATHS[area]}/c/${outcome.conversationId}#reponse`), 303);
  }

  async function conversationOf(tenantId: string, id: string, audience: 'public' | 'agent'): Promise<Conversation> {
    if (!isConversationId(id)) throw notFound();
    const conversation = await inTenant(services.db, tenantId, (trx) => findConversation(trx, id));
    if (!conversation || conversation.audience !== audience) throw notFound();
    return conversation;
  }

  /** A conversation's page: its messages and the next steps of its last answer, recomputed. */
  async function conversationPage(ctx: PageContext, area: Area, conversation: Conversation) {
    const steps = await lastNextSteps(ctx, area, conversation);
    const reference = conversation.handedOffRequestId
      ? ((
          await inTenant(services.db, ctx.tenant.id, (trx) =>
            trx
              .selectFrom('requests')
              .select('reference')
              .where('id', '=', conversation.handedOffRequestId!)
              .executeTakeFirst(),
          )
        )?.reference ?? null)
      : null;
    return assistantPage(ctx, {
      ...emptyPage(area),
      conversationId: conversation.id,
      messages: conversation.messages,
      nextSteps: steps,
      handedOffReference: reference,
    });
  }

  async function lastNextSteps(ctx: PageContext, area: Area, conversation: Conversation): Promise<NextStep[]> {
    const last = conversation.messages.at(-1);
    if (!last || last.role !== 'answer') return [];
    const slug = last.citations?.[0]?.slug;
    const [article] = slug
      ? await inTenant(services.db, ctx.tenant.id, (trx) =>
          findArticles(trx, [slug], area === 'agent' ? 'agent' : 'public'),
        )
      : [];
    return nextSteps(ctx.tenant, article ?? null, pageLinks(ctx, area, conversation.id));
  }

  // The workspace's assistant: same engine, the agents' sheets too, no limit, no hand-off.
  agentArea(app, (scope) => {
    const requireAssistantAgent = async (request: FastifyRequest) => {
      const agent = await requireAgent(request, services);
      const tenant = requireTenant(request);
      if (!can(agentActor(tenant.id, agent), 'use_agent_assistant', { kind: 'tenant', tenantId: tenant.id })) {
        throw new AppError('not_found', 'Page introuvable.');
      }
      return { agent, ctx: agentContext(request, agent) };
    };

    scope.get('/agent/assistant', async (request, reply) => {
      const { ctx } = await requireAssistantAgent(request);
      return sendHtml(reply, assistantPage(ctx, emptyPage('agent')));
    });

    scope.post('/agent/assistant', async (request, reply) => ask(request, reply, 'agent'));

    scope.get<{ Params: { id: string } }>('/agent/assistant/c/:id', async (request, reply) => {
      const { ctx } = await requireAssistantAgent(request);
      const conversation = await conversationOf(ctx.tenant.id, request.params.id, 'agent');
      return sendHtml(reply, await conversationPage(ctx, 'agent', conversation));
    });

    scope.get<{ Params: { slug: string } }>('/agent/assistant/articles/:slug', async (request, reply) => {
      const { ctx } = await requireAssistantAgent(request);
      const slug = request.params.slug;
      if (!/^[a-z0-9-]{1,100}$/.test(slug)) throw new AppError('not_found', 'Fiche introuvable.');
      const [article] = await inTenant(services.db, ctx.tenant.id, (trx) => findArticles(trx, [slug], 'agent'));
      if (!article) throw new AppError('not_found', 'Fiche introuvable.');
      return sendHtml(reply, internalArticlePage(ctx, article));
    });

    const requireSettingsAdmin = async (request: FastifyRequest) => {
      const agent = await requireAgent(request, services);
      const tenant = requireTenant(request);
      if (!can(agentActor(tenant.id, agent), 'manage_assistant_settings', { kind: 'tenant', tenantId: tenant.id })) {
        throw new AppError('forbidden', 'Cette page est réservée aux administrateurs de la collectivité.');
      }
      return { agent, ctx: agentContext(request, agent) };
    };

    scope.get(ASSISTANT_SETTINGS_PAGE, async (request, reply) => {
      const { ctx } = await requireSettingsAdmin(request);
      const personalData = await inTenant(services.db, ctx.tenant.id, readLlmPersonalData);
      const notice = queryParam(request, 'fait') === 'enregistre' ? 'Le réglage est enregistré.' : undefined;
      return sendHtml(
        reply,
        assistantSettingsPage(ctx, { model: modelInfo(), personalData, ...(notice ? { notice } : {}) }),
      );
    });

    scope.post(ASSISTANT_SETTINGS_PAGE, async (request, reply) => {
      const { ctx } = await requireSettingsAdmin(request);
      const form = parseForm(assistantSettingsForm, readFormBody(request).fields);
      if (!form.ok) throw new AppError('invalid_input', 'Le formulaire est incomplet : rechargez la page.');
      await inTenant(services.db, ctx.tenant.id, (trx) =>
        writeLlmPersonalData(trx, ctx.tenant.id, form.value.donnees_personnelles),
      );
      return reply.redirect(url(ctx, `${ASSISTANT_SETTINGS_PAGE}?fait=enregistre`), 303);
    });
  });

  function modelInfo(): { name: string; host: string } | null {
    const llm = services.config.llm;
    return llm ? { name: llm.model, host: new URL(llm.baseUrl).host } : null;
  }
}

function emptyPage(area: Area) {
  return {
    area,
    action: PATHS[area],
    conversationId: null,
    messages: [],
    nextSteps: [],
    question: '',
    errors: [],
    handedOffReference: null,
  };
}
