import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { inTenant, withTenantConnection, type Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { parisDay } from '../../platform/format.ts';
import type { AgentActor } from '../../platform/policy.ts';
import { attachmentDisposition } from '../../platform/web/download.ts';
import { readFormBody } from '../../platform/web/form-body.ts';
import { parseForm, type FieldError, type SubmittedFields } from '../../platform/web/form.ts';
import { url, type PageContext } from '../../platform/web/layout.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { pageContext, requireTenant } from '../../platform/web/request-context.ts';
import { typedValue } from '../../platform/web/typed-values.ts';
import { can } from '../authorization.ts';
import { agentActor } from '../agents/policy.ts';
import { requireAgent } from '../agents/require-agent.ts';
import { agentContext } from '../agents/route-support.ts';
import { answerConsultation, assertOpen, checkInvitation, sourceKey } from './answer-consultation.ts';
import { compileResults } from './compile-results.ts';
import { deleteQuestion } from './delete-question.ts';
import { resultsCsv, resultsJson } from './export-results.ts';
import {
  consultationForm,
  EMPTY_QUESTION,
  invitationsForm,
  questionForm,
  type ConsultationValues,
  type QuestionValues,
} from './forms.ts';
import { inviteRespondents } from './invite-respondents.ts';
import { parisLocal } from './paris-time.ts';
import { publishConsultation } from './publish-consultation.ts';
import type { Question } from './questionnaire.ts';
import {
  countInvitations,
  findConsultation,
  isUuid,
  listConsultations,
  listOpenPublicConsultations,
  listQuestions,
  listResponses,
  type ConsultationRow,
} from './repository.ts';
import { saveConsultation } from './save-consultation.ts';
import { conditionValue, saveQuestion } from './save-question.ts';
import {
  CONSULTATIONS_PAGE,
  consultationListPage,
  consultationPage,
  newConsultationPage,
  questionPage,
  type Audience,
  type ConsultationPageInput,
} from './views/admin-pages.ts';
import { answerPage, PUBLIC_LIST, publicListPage, thanksPage, unavailablePage } from './views/public-pages.ts';
import { resultsPage } from './views/results-page.ts';

const NOTICES: Record<string, string> = {
  creee: 'Le brouillon est créé. Ajoutez maintenant les questions.',
  enregistree: 'Les réglages sont enregistrés.',
  question: 'La question est enregistrée.',
  supprimee: 'La question est supprimée.',
  publiee: 'La consultation est publiée : ses questions ne peuvent plus changer.',
  invitations: 'Les invitations sont envoyées.',
};

/** Radio groups: the error summary links to their first radio. */
const RADIO_ANCHORS: Record<string, string> = { type: 'type-0', public: 'public-0', anonyme: 'anonyme-0' };
function anchored(errors: FieldError[]): FieldError[] {
  return errors.map((e) => (e.anchor || !RADIO_ANCHORS[e.field] ? e : { ...e, anchor: RADIO_ANCHORS[e.field] }));
}

function notFound(): AppError {
  return new AppError('not_found', 'Cette consultation n’existe pas.');
}

function settingsValues(c: ConsultationRow): ConsultationValues {
  const opens = parisLocal(c.opens_at);
  const closes = parisLocal(c.closes_at);
  return {
    titre: c.title,
    description: c.description,
    public: c.audience,
    anonyme: c.anonymous ? 'oui' : 'non',
    ouverture_jour: opens.day,
    ouverture_heure: opens.time,
    cloture_jour: closes.day,
    cloture_heure: closes.time,
  };
}

function typedSettings(fields: SubmittedFields): ConsultationValues {
  return {
    titre: typedValue(fields, 'titre', 400),
    description: typedValue(fields, 'description', 8000),
    public: typedValue(fields, 'public', 20),
    anonyme: typedValue(fields, 'anonyme', 10),
    ouverture_jour: typedValue(fields, 'ouverture_jour', 20),
    ouverture_heure: typedValue(fields, 'ouverture_heure', 10),
    cloture_jour: typedValue(fields, 'cloture_jour', 20),
    cloture_heure: typedValue(fields, 'cloture_heure', 10),
  };
}

function typedQuestion(fields: SubmittedFields): QuestionValues {
  return {
    intitule: typedValue(fields, 'intitule', 600),
    aide: typedValue(fields, 'aide', 1000),
    type: typedValue(fields, 'type', 20),
    obligatoire: typedValue(fields, 'obligatoire', 10) !== '',
    choix: typedValue(fields, 'choix', 10000),
    echelle_min: typedValue(fields, 'echelle_min', 3),
    echelle_max: typedValue(fields, 'echelle_max', 3),
    echelle_libelle_min: typedValue(fields, 'echelle_libelle_min', 120),
    echelle_libelle_max: typedValue(fields, 'echelle_libelle_max', 120),
    condition: typedValue(fields, 'condition', 200),
  };
}

function questionValues(q: Question, questions: readonly Question[]): QuestionValues {
  const source = questions.find((x) => x.id === q.conditionQuestionId);
  const index = source ? source.options.indexOf(q.conditionValues[0] ?? '') : -1;
  return {
    intitule: q.label,
    aide: q.hint,
    type: q.kind,
    obligatoire: q.required,
    choix: q.options.join('\n'),
    echelle_min: String(q.scaleMin ?? 1),
    echelle_max: String(q.scaleMax ?? 5),
    echelle_libelle_min: q.scaleMinLabel,
    echelle_libelle_max: q.scaleMaxLabel,
    condition: source && index >= 0 ? conditionValue(source.id, index) : '',
  };
}

/**
 * The administrators' and supervisors' consultation pages (`/agent/admin/consultations`: list,
 * settings, questions, publication, invitations, results and their exports). Registered inside
 * the agents' scope.
 */
export function registerConsultationAdminRoutes(scope: FastifyInstance, services: Services): void {
  async function requireManager(request: FastifyRequest) {
    const agent = await requireAgent(request, services);
    const actor: AgentActor = agentActor(requireTenant(request).id, agent);
    if (!can(actor, 'manage_consultations', { kind: 'tenant', tenantId: actor.tenantId }))
      throw new AppError('forbidden', 'Cette page est réservée aux administrateurs et aux responsables de service.');
    const audience: Audience = actor.role === 'admin' ? 'admin' : 'supervisor';
    return { agent, actor, ctx: agentContext(request, agent), audience };
  }

  async function consultationOf(request: FastifyRequest, tenantId: string): Promise<ConsultationRow> {
    const id = (request.params as { id: string }).id;
    const c = await withTenantConnection(services.db, tenantId, (db) => findConsultation(db, id));
    if (!c) throw notFound();
    return c;
  }

  async function renderConsultation(
    reply: FastifyReply,
    ctx: PageContext,
    audience: Audience,
    c: ConsultationRow,
    extra: Partial<Omit<ConsultationPageInput, 'consultation' | 'now' | 'questions' | 'responses'>>,
    status = 200,
  ) {
    const data = await inTenant(services.db, ctx.tenant.id, async (trx) => ({
      questions: await listQuestions(trx, c.id),
      invitations: await countInvitations(trx, c.id),
      responses: (await listResponses(trx, c.id)).length,
    }));
    const page = consultationPage(ctx, audience, {
      consultation: c,
      now: services.clock.now(),
      questions: data.questions,
      responses: data.responses,
      settings: extra.settings ?? { values: settingsValues(c), errors: [] },
      newQuestion: extra.newQuestion ?? { values: EMPTY_QUESTION, errors: [] },
      invitations: { ...data.invitations, values: { adresses: '' }, errors: [], ...extra.invitations },
      publishError: extra.publishError,
      notice: extra.notice,
    });
    return sendHtml(reply, page, status);
  }

  function draftOnly(c: Pick<ConsultationRow, 'published_at'> | undefined): void {
    if (c?.published_at) {
      throw new AppError('conflict', 'Cette consultation est publiée : ses questions ne peuvent plus changer.');
    }
  }

  /** Locks the consultation's row for a change to its questions: a publication at the same moment waits, or this refuses. */
  async function lockDraft(trx: Tx, id: string): Promise<void> {
    draftOnly(
      await trx.selectFrom('consultations').select('published_at').where('id', '=', id).forUpdate().executeTakeFirst(),
    );
  }

  scope.get(CONSULTATIONS_PAGE, async (request, reply) => {
    const { ctx, audience } = await requireManager(request);
    const consultations = await withTenantConnection(services.db, ctx.tenant.id, (db) => listConsultations(db));
    const done = queryParam(request, 'fait');
    return sendHtml(
      reply,
      consultationListPage(ctx, audience, {
        consultations,
        now: services.clock.now(),
        notice: Object.hasOwn(NOTICES, done) ? NOTICES[done] : undefined,
      }),
    );
  });

  scope.get(`${CONSULTATIONS_PAGE}/nouvelle`, async (request, reply) => {
    const { ctx, audience } = await requireManager(request);
    const today = parisDay(services.clock.now());
    const values: ConsultationValues = {
      titre: '',
      description: '',
      public: 'public',
      anonyme: 'oui',
      ouverture_jour: today,
      ouverture_heure: '',
      cloture_jour: '',
      cloture_heure: '',
    };
    return sendHtml(reply, newConsultationPage(ctx, audience, { values, errors: [] }));
  });

  scope.post(`${CONSULTATIONS_PAGE}/nouvelle`, async (request, reply) => {
    const { agent, actor, ctx, audience } = await requireManager(request);
    const { fields } = readFormBody(request);
    const values = typedSettings(fields);
    const again = (errors: FieldError[]) =>
      sendHtml(reply, newConsultationPage(ctx, audience, { values, errors: anchored(errors) }), 400);
    const form = parseForm(consultationForm, fields);
    if (!form.ok) return again(form.errors);
    const result = await inTenant(services.db, actor.tenantId, (trx) =>
      saveConsultation(trx, {
        tenantId: actor.tenantId,
        id: null,
        agentId: agent.id,
        values: form.value,
        now: services.clock.now(),
      }),
    );
    if (!result.ok) return again(result.errors);
    return reply.redirect(url(ctx, `${CONSULTATIONS_PAGE}/${result.value.id}?fait=creee`), 303);
  });

  scope.get(`${CONSULTATIONS_PAGE}/:id`, async (request, reply) => {
    const { ctx, audience, actor } = await requireManager(request);
    const c = await consultationOf(request, actor.tenantId);
    const done = queryParam(request, 'fait');
    return renderConsultation(reply, ctx, audience, c, {
      notice: Object.hasOwn(NOTICES, done) ? NOTICES[done] : undefined,
    });
  });

  scope.post(`${CONSULTATIONS_PAGE}/:id`, async (request, reply) => {
    const { agent, actor, ctx, audience } = await requireManager(request);
    const c = await consultationOf(request, actor.tenantId);
    const { fields } = readFormBody(request);
    const values = typedSettings(fields);
    const again = (errors: FieldError[]) =>
      renderConsultation(reply, ctx, audience, c, { settings: { values, errors: anchored(errors) } }, 400);
    const form = parseForm(consultationForm, fields);
    if (!form.ok) return again(form.errors);
    const result = await inTenant(services.db, actor.tenantId, (trx) =>
      saveConsultation(trx, {
        tenantId: actor.tenantId,
        id: c.id,
        agentId: agent.id,
        values: form.value,
        now: services.clock.now(),
      }),
    );
    if (!result.ok) return again(result.errors);
    return reply.redirect(url(ctx, `${CONSULTATIONS_PAGE}/${c.id}?fait=enregistree`), 303);
  });

  async function saveQuestionRoute(request: FastifyRequest, reply: FastifyReply, questionId: string | null) {
    const { actor, ctx, audience } = await requireManager(request);
    const c = await consultationOf(request, actor.tenantId);
    draftOnly(c);
    const questions = await withTenantConnection(services.db, actor.tenantId, (db) => listQuestions(db, c.id));
    const question = questionId === null ? null : questions.find((q) => q.id === questionId);
    if (question === undefined) throw new AppError('not_found', 'Cette question n’existe pas.');
    const { fields } = readFormBody(request);
    const values = typedQuestion(fields);
    const again = (errors: FieldError[]) =>
      question
        ? sendHtml(
            reply,
            questionPage(ctx, audience, { consultation: c, question, questions, values, errors: anchored(errors) }),
            400,
          )
        : renderConsultation(reply, ctx, audience, c, { newQuestion: { values, errors: anchored(errors) } }, 400);
    const form = parseForm(questionForm, fields);
    if (!form.ok) return again(form.errors);
    const result = await inTenant(services.db, actor.tenantId, async (trx) => {
      await lockDraft(trx, c.id);
      return saveQuestion(trx, {
        tenantId: actor.tenantId,
        consultationId: c.id,
        questionId: question?.id ?? null,
        questions,
        values: form.value,
      });
    });
    if (!result.ok) return again(result.errors);
    return reply.redirect(url(ctx, `${CONSULTATIONS_PAGE}/${c.id}?fait=question#questions`), 303);
  }

  scope.post(`${CONSULTATIONS_PAGE}/:id/questions`, async (request, reply) => saveQuestionRoute(request, reply, null));

  scope.get(`${CONSULTATIONS_PAGE}/:id/questions/:questionId`, async (request, reply) => {
    const { actor, ctx, audience } = await requireManager(request);
    const c = await consultationOf(request, actor.tenantId);
    draftOnly(c);
    const questions = await withTenantConnection(services.db, actor.tenantId, (db) => listQuestions(db, c.id));
    const question = questions.find((q) => q.id === (request.params as { questionId: string }).questionId);
    if (!question) throw new AppError('not_found', 'Cette question n’existe pas.');
    const values = questionValues(question, questions);
    return sendHtml(reply, questionPage(ctx, audience, { consultation: c, question, questions, values, errors: [] }));
  });

  scope.post(`${CONSULTATIONS_PAGE}/:id/questions/:questionId`, async (request, reply) =>
    saveQuestionRoute(request, reply, (request.params as { questionId: string }).questionId),
  );

  scope.post(`${CONSULTATIONS_PAGE}/:id/questions/:questionId/supprimer`, async (request, reply) => {
    const { actor, ctx, audience } = await requireManager(request);
    const c = await consultationOf(request, actor.tenantId);
    draftOnly(c);
    const questionId = (request.params as { questionId: string }).questionId;
    const outcome = await inTenant(services.db, actor.tenantId, async (trx) => {
      await lockDraft(trx, c.id);
      const questions = await listQuestions(trx, c.id);
      if (!questions.some((q) => q.id === questionId)) return undefined;
      return deleteQuestion(trx, { questions, questionId });
    });
    if (outcome === undefined) throw new AppError('not_found', 'Cette question n’existe pas.');
    if (!outcome.ok) {
      return renderConsultation(
        reply,
        ctx,
        audience,
        c,
        {
          newQuestion: {
            values: EMPTY_QUESTION,
            errors: [
              {
                field: 'intitule',
                message: `La question « ${outcome.dependent} » dépend de celle-ci : changez d’abord sa condition, ou supprimez-la.`,
              },
            ],
          },
        },
        409,
      );
    }
    return reply.redirect(url(ctx, `${CONSULTATIONS_PAGE}/${c.id}?fait=supprimee#questions`), 303);
  });

  scope.post(`${CONSULTATIONS_PAGE}/:id/publier`, async (request, reply) => {
    const { actor, ctx, audience } = await requireManager(request);
    const c = await consultationOf(request, actor.tenantId);
    const result = await inTenant(services.db, actor.tenantId, async (trx) => {
      const locked = await trx
        .selectFrom('consultations')
        .select('id')
        .where('id', '=', c.id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const questions = await listQuestions(trx, locked.id);
      return publishConsultation(trx, { consultation: c, questionCount: questions.length, now: services.clock.now() });
    });
    if (!result.ok) return renderConsultation(reply, ctx, audience, c, { publishError: result.message }, 409);
    return reply.redirect(url(ctx, `${CONSULTATIONS_PAGE}/${c.id}?fait=publiee`), 303);
  });

  scope.post(`${CONSULTATIONS_PAGE}/:id/invitations`, async (request, reply) => {
    const { actor, ctx, audience } = await requireManager(request);
    const c = await consultationOf(request, actor.tenantId);
    const { fields } = readFormBody(request);
    const adresses = typedValue(fields, 'adresses', 200_000);
    const again = (errors: FieldError[]) =>
      renderConsultation(
        reply,
        ctx,
        audience,
        c,
        { invitations: { sent: 0, used: 0, values: { adresses }, errors } },
        400,
      );
    const form = parseForm(invitationsForm, fields);
    if (!form.ok) return again(form.errors);
    const result = await inTenant(services.db, actor.tenantId, (trx) =>
      inviteRespondents(trx, {
        tenant: ctx.tenant,
        consultation: c,
        addresses: form.value.adresses,
        baseUrl: requestBaseUrl(services.config, request),
      }),
    );
    if (!result.ok) return again(result.errors);
    services.mail.kick();
    return reply.redirect(url(ctx, `${CONSULTATIONS_PAGE}/${c.id}?fait=invitations#invitations`), 303);
  });

  async function resultsOf(request: FastifyRequest) {
    const { actor, ctx, audience } = await requireManager(request);
    const c = await consultationOf(request, actor.tenantId);
    const data = await inTenant(services.db, actor.tenantId, async (trx) => ({
      questions: await listQuestions(trx, c.id),
      responses: await listResponses(trx, c.id),
    }));
    return { ctx, audience, c, ...data, results: compileResults(data.questions, data.responses) };
  }

  scope.get(`${CONSULTATIONS_PAGE}/:id/resultats`, { config: { personalData: true } }, async (request, reply) => {
    const r = await resultsOf(request);
    return sendHtml(
      reply,
      resultsPage(r.ctx, r.audience, { consultation: r.c, results: r.results, now: services.clock.now() }),
    );
  });

  scope.get(`${CONSULTATIONS_PAGE}/:id/resultats.csv`, { config: { personalData: true } }, async (request, reply) => {
    const r = await resultsOf(request);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', attachmentDisposition(`consultation-${parisDay(services.clock.now())}.csv`))
      .send(resultsCsv(r.c, r.questions, r.responses));
  });

  scope.get(`${CONSULTATIONS_PAGE}/:id/resultats.json`, { config: { personalData: true } }, async (request, reply) => {
    const r = await resultsOf(request);
    return reply.type('application/json; charset=utf-8').send(resultsJson(r.c, r.questions, r.responses, r.results));
  });
}

/**
 * The citizens' side: the open public consultations (`/consultations`), the answering form (a
 * public consultation, or one open to a list with the invitation's token in `?jeton=`), the
 * thank-you page. Answers to a public consultation are limited per address
 * (CONSULTATION_RATE_LIMIT an hour).
 */
export function registerConsultationPublicRoutes(app: FastifyInstance, services: Services): void {
  async function publishedOf(request: FastifyRequest): Promise<ConsultationRow> {
    const id = (request.params as { id: string }).id;
    if (!isUuid(id)) throw notFound();
    const c = await withTenantConnection(services.db, requireTenant(request).id, (db) => findConsultation(db, id));
    if (!c || !c.published_at) throw notFound();
    return c;
  }

  /** The page instead of the form when the consultation takes no answer now; null when it does. */
  function unavailable(ctx: PageContext, c: ConsultationRow, reply: FastifyReply) {
    try {
      assertOpen(c, services.clock.now());
      return null;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return sendHtml(reply, unavailablePage(ctx, { title: c.title, message: err.message }), err.status);
    }
  }

  app.get(PUBLIC_LIST, async (request, reply) => {
    const ctx = pageContext(request);
    const consultations = await withTenantConnection(services.db, ctx.tenant.id, (db) =>
      listOpenPublicConsultations(db, services.clock.now()),
    );
    return sendHtml(reply, publicListPage(ctx, { consultations }));
  });

  app.get(`${PUBLIC_LIST}/:id`, { config: { personalData: true } }, async (request, reply) => {
    const ctx = pageContext(request);
    const c = await publishedOf(request);
    const closed = unavailable(ctx, c, reply);
    if (closed) return closed;
    const token = c.audience === 'invited' ? queryParam(request, 'jeton') : '';
    if (c.audience === 'invited') {
      try {
        await inTenant(services.db, ctx.tenant.id, (trx) => checkInvitation(trx, c, token));
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        return sendHtml(reply, unavailablePage(ctx, { title: c.title, message: err.message }), err.status);
      }
    }
    const questions = await withTenantConnection(services.db, ctx.tenant.id, (db) => listQuestions(db, c.id));
    return sendHtml(reply, answerPage(ctx, { consultation: c, questions, fields: {}, errors: [], token }));
  });

  app.post(`${PUBLIC_LIST}/:id`, { config: { personalData: true } }, async (request, reply) => {
    const ctx = pageContext(request);
    const c = await publishedOf(request);
    const { fields } = readFormBody(request);
    const token = c.audience === 'invited' ? typedValue(fields, 'jeton', 100) : '';
    const now = services.clock.now();
    const questions = await withTenantConnection(services.db, ctx.tenant.id, (db) => listQuestions(db, c.id));
    let result;
    try {
      result = await inTenant(services.db, ctx.tenant.id, (trx) =>
        answerConsultation(trx, {
          tenantId: ctx.tenant.id,
          consultation: c,
          questions,
          fields,
          token,
          source:
            c.audience === 'public'
              ? {
                  key: sourceKey(services.config.sessionSecret, c.id, request.ip),
                  perHour: services.config.consultationRateLimit,
                }
              : null,
          now,
        }),
      );
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'rate_limited') throw err;
      return sendHtml(reply, unavailablePage(ctx, { title: c.title, message: err.message }), err.status);
    }
    if (!result.ok) {
      return sendHtml(
        reply,
        answerPage(ctx, { consultation: c, questions, fields, errors: result.errors, token }),
        400,
      );
    }
    return reply.redirect(url(ctx, `${PUBLIC_LIST}/${c.id}/merci`), 303);
  });

  app.get(`${PUBLIC_LIST}/:id/merci`, async (request, reply) => {
    const ctx = pageContext(request);
    const c = await publishedOf(request);
    return sendHtml(reply, thanksPage(ctx, { consultation: c }));
  });
}
