import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComplaintCause, ComplaintDecision } from '../../db/schema.ts';
import { inTenant, type Tx } from '../../db/tenant-scope.ts';
import { toCsv } from '../../platform/csv.ts';
import { AppError } from '../../platform/errors.ts';
import { parisDay } from '../../platform/format.ts';
import { attachmentDisposition } from '../../platform/web/download.ts';
import { parseForm, type FieldError } from '../../platform/web/form.ts';
import { readFormBody } from '../../platform/web/form-body.ts';
import { url } from '../../platform/web/layout.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import { typedValue } from '../../platform/web/typed-values.ts';
import type { Services } from '../../services.ts';
import { agentActor } from '../agents/policy.ts';
import { findRequestByReference } from '../agents/repository.ts';
import { authorisedRequest } from '../agents/request-access.ts';
import { requireAgent } from '../agents/require-agent.ts';
import { agentContext, UUID } from '../agents/route-support.ts';
import type { SessionAgent } from '../agents/sessions.ts';
import { can } from '../authorization.ts';
import { periodForm } from '../deadlines/forms.ts';
import { requestScope } from '../requests/policy.ts';
import { createComplaint } from './create-complaint.ts';
import {
  acknowledgeForm,
  answerDaysForm,
  decisionForm,
  escalateForm,
  newComplaintForm,
  type NewComplaintValues,
} from './forms.ts';
import {
  acknowledgeComplaint,
  decideComplaint,
  escalateComplaint,
  setComplaintAnswerDays,
} from './handle-complaint.ts';
import { complaintIndicators, type ComplaintIndicators } from './indicators.ts';
import type { ACK_WAYS } from './labels.ts';
import { CAUSE_LABELS } from './labels.ts';
import { complaintAnswerDays, complaintHistory, findComplaint, listComplaints } from './repository.ts';
import {
  COMPLAINTS_PATH,
  complaintListPage,
  complaintPage,
  type ComplaintPageInput,
  NEW_COMPLAINT_PATH,
  newComplaintPage,
  STATISTICS_PATH,
  statisticsPage,
} from './views/pages.ts';

const NOTICES: Record<string, string> = {
  creee: 'La réclamation est enregistrée.',
  'creee-courriel': 'La réclamation est enregistrée et l’accusé de réception envoyé par courriel.',
  accuse: 'L’accusé de réception est enregistré.',
  escalade: 'La réclamation est transmise au niveau suivant.',
  decision: 'La décision est enregistrée et la réponse envoyée.',
  delai: 'Le délai de réponse annoncé est enregistré.',
};

const REFERENCE = /^[A-Z]{2,4}-\d{4}-[A-Z0-9]{3,12}$/;

/** The last twelve months up to `today`: the statistics' period when none is given. */
function defaultPeriod(today: string): { du: string; au: string } {
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() - 1);
  d.setUTCDate(d.getUTCDate() + 1);
  return { du: d.toISOString().slice(0, 10), au: today };
}

/** What the citizen last wrote on a request (its text prefills the complaint). */
async function lastCitizenWords(trx: Tx, requestId: string): Promise<string> {
  const row = await trx
    .selectFrom('request_events')
    .select('body')
    .where('request_id', '=', requestId)
    .where('author_kind', '=', 'citizen')
    .where('body', '<>', '')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.body ?? '';
}

/** Complaints: the agents' list, recording one, handling it, and the supervisors' statistics. */
export function registerComplaintRoutes(scope: FastifyInstance, services: Services): void {
  async function staff(request: FastifyRequest, action: 'list_complaints' | 'create_complaint' = 'list_complaints') {
    const agent = await requireAgent(request, services);
    const tenantId = requireTenant(request).id;
    if (!can(agentActor(tenantId, agent), action, { kind: 'tenant', tenantId }))
      throw new AppError('forbidden', 'Cette page est réservée aux agents de la collectivité.');
    return { agent, tenantId };
  }
  const notFound = () => new AppError('not_found', 'Cette réclamation n’existe pas ou vous n’y avez pas accès.');

  /** A complaint of the agent's services (others answer « not found », like an unknown one). */
  async function handled(request: FastifyRequest) {
    const { agent, tenantId } = await staff(request);
    const id = (request.params as { id?: string }).id ?? '';
    if (!UUID.test(id)) throw notFound();
    const row = await inTenant(services.db, tenantId, (trx) => findComplaint(trx, id));
    if (
      !row ||
      !can(agentActor(tenantId, agent), 'handle_complaint', {
        kind: 'service_scope',
        tenantId,
        serviceId: row.service_id,
      })
    )
      throw notFound();
    return { agent, tenantId, id };
  }

  scope.get(COMPLAINTS_PATH, async (request, reply) => {
    const { agent, tenantId } = await staff(request);
    const open = queryParam(request, 'vue') !== 'toutes';
    const actor = agentActor(tenantId, agent);
    const rows = await inTenant(services.db, tenantId, (trx) =>
      listComplaints(trx, { serviceIds: requestScope(actor), open }),
    );
    return sendHtml(
      reply,
      complaintListPage(agentContext(request, agent), {
        rows,
        open,
        now: services.clock.now(),
        canViewStatistics: can(actor, 'view_complaint_statistics', { kind: 'tenant', tenantId }),
        notice: NOTICES[queryParam(request, 'fait')],
      }),
    );
  });

  /** The request a complaint is about, when the agent may see it. */
  async function linkedRequest(trx: Tx, tenantId: string, agent: SessionAgent, reference: string) {
    if (reference === '') return null;
    if (!REFERENCE.test(reference)) return undefined;
    const row = await findRequestByReference(trx, reference);
    try {
      return authorisedRequest(tenantId, agent, 'view', row);
    } catch {
      return undefined;
    }
  }

  async function renderNew(
    request: FastifyRequest,
    reply: FastifyReply,
    agent: SessionAgent,
    tenantId: string,
    form: { values: NewComplaintValues; errors: FieldError[] },
    status = 200,
  ) {
    const { serviceList, linked, answerDays } = await inTenant(services.db, tenantId, async (trx) => ({
      serviceList: await trx.selectFrom('services').select(['id', 'name']).orderBy('name').execute(),
      linked: await linkedRequest(trx, tenantId, agent, form.values.demande),
      answerDays: await complaintAnswerDays(trx, tenantId),
    }));
    return sendHtml(
      reply,
      newComplaintPage(agentContext(request, agent), {
        ...form,
        services: serviceList,
        request: linked ? { reference: linked.reference, demarcheTitle: linked.demarche_title } : null,
        answerDays,
      }),
      status,
    );
  }

  scope.get(NEW_COMPLAINT_PATH, async (request, reply) => {
    const { agent, tenantId } = await staff(request, 'create_complaint');
    const reference = queryParam(request, 'demande').slice(0, 40);
    const values: NewComplaintValues = {
      service: '',
      canal: '',
      objet: '',
      description: '',
      nom: '',
      courriel: '',
      telephone: '',
      demande: '',
    };
    if (reference !== '') {
      const prefilled = await inTenant(services.db, tenantId, async (trx) => {
        const r = await linkedRequest(trx, tenantId, agent, reference);
        if (!r) return null;
        return { r, words: await lastCitizenWords(trx, r.id) };
      });
      if (!prefilled) throw new AppError('request_not_found', "Cette demande n'existe pas ou vous n'y avez pas accès.");
      const { r, words } = prefilled;
      Object.assign(values, {
        service: r.service_id,
        canal: 'demande',
        objet: `Réclamation sur la demande ${r.reference} (${r.demarche_title})`.slice(0, 200),
        description: words.slice(0, 5000),
        nom: r.applicant_name ?? '',
        courriel: r.applicant_email ?? '',
        telephone: r.applicant_phone ?? '',
        demande: r.reference,
      });
    }
    return renderNew(request, reply, agent, tenantId, { values, errors: [] });
  });

  scope.post(NEW_COMPLAINT_PATH, async (request, reply) => {
    const { agent, tenantId } = await staff(request, 'create_complaint');
    const tenant = requireTenant(request);
    const { fields } = readFormBody(request);
    const values: NewComplaintValues = {
      service: typedValue(fields, 'service', 100),
      canal: typedValue(fields, 'canal', 20),
      objet: typedValue(fields, 'objet', 300),
      description: typedValue(fields, 'description', 6000),
      nom: typedValue(fields, 'nom', 300),
      courriel: typedValue(fields, 'courriel', 300),
      telephone: typedValue(fields, 'telephone', 60),
      demande: typedValue(fields, 'demande', 40),
    };
    const form = parseForm(newComplaintForm, fields);
    const errors = form.ok ? [] : [...form.errors];
    const checked = await inTenant(services.db, tenantId, async (trx) => ({
      service: UUID.test(values.service)
        ? await trx.selectFrom('services').select('id').where('id', '=', values.service).executeTakeFirst()
        : undefined,
      linked: await linkedRequest(trx, tenantId, agent, values.demande),
    }));
    if (!checked.service && !errors.some((e) => e.field === 'service'))
      errors.push({ field: 'service', message: 'Choisissez le service concerné.' });
    if (checked.linked === undefined)
      throw new AppError('request_not_found', "Cette demande n'existe pas ou vous n'y avez pas accès.");
    if (values.canal === 'demande' && !checked.linked)
      errors.push({ field: 'canal', message: 'Choisissez comment la réclamation est arrivée.' });
    if (!form.ok || errors.length > 0) return renderNew(request, reply, agent, tenantId, { values, errors }, 400);
    const v = form.value;
    const created = await inTenant(services.db, tenantId, (trx) =>
      createComplaint(trx, {
        tenant,
        serviceId: checked.service!.id,
        requestId: checked.linked?.id ?? null,
        channel: v.canal,
        subject: v.objet,
        description: v.description,
        citizenName: v.nom || null,
        citizenEmail: v.courriel || null,
        citizenPhone: v.telephone || null,
        agentId: agent.id,
        now: services.clock.now(),
      }),
    );
    if (v.courriel) services.mail.kick();
    return reply.redirect(
      url(request, `${COMPLAINTS_PATH}/${created.id}?fait=${v.courriel ? 'creee-courriel' : 'creee'}`),
      303,
    );
  });

  async function renderComplaint(
    request: FastifyRequest,
    reply: FastifyReply,
    form: ComplaintPageInput['form'],
    status = 200,
  ) {
    const { agent, tenantId, id } = await handled(request);
    const { row, history } = await inTenant(services.db, tenantId, async (trx) => ({
      row: (await findComplaint(trx, id))!,
      history: await complaintHistory(trx, id),
    }));
    return sendHtml(
      reply,
      complaintPage(agentContext(request, agent), {
        row,
        history,
        canHandle: true,
        now: services.clock.now(),
        form,
        notice: NOTICES[queryParam(request, 'fait')],
      }),
      status,
    );
  }

  scope.get(`${COMPLAINTS_PATH}/:id`, (request, reply) =>
    renderComplaint(request, reply, { kind: null, values: {}, errors: [] }),
  );

  const REFUSALS: Record<string, string> = {
    closed: 'Cette réclamation a déjà sa réponse.',
    top_level: 'Cette réclamation est déjà au niveau du médiateur.',
    acknowledged: 'L’accusé de réception est déjà enregistré.',
    not_found: 'Cette réclamation n’existe plus.',
  };

  async function act(
    request: FastifyRequest,
    reply: FastifyReply,
    kind: 'accuse' | 'escalade' | 'decision',
    run: (
      ctx: { agent: SessionAgent; tenantId: string; id: string },
      v: Record<string, string>,
    ) => Promise<string | null>,
  ) {
    const ctx = await handled(request);
    const { fields } = readFormBody(request);
    const names = kind === 'accuse' ? ['moyen'] : kind === 'escalade' ? ['motif'] : ['cause', 'decision', 'reponse'];
    const values = Object.fromEntries(names.map((n) => [n, typedValue(fields, n, 6000)]));
    const schema = kind === 'accuse' ? acknowledgeForm : kind === 'escalade' ? escalateForm : decisionForm;
    const form = parseForm(schema, fields);
    if (!form.ok) return renderComplaint(request, reply, { kind, values, errors: form.errors }, 400);
    const refused = await run(ctx, form.value as Record<string, string>);
    if (refused)
      return renderComplaint(
        request,
        reply,
        { kind, values, errors: [{ field: names[0]!, message: REFUSALS[refused] ?? refused }] },
        409,
      );
    services.mail.kick();
    return reply.redirect(url(request, `${COMPLAINTS_PATH}/${ctx.id}?fait=${kind}`), 303);
  }

  scope.post(`${COMPLAINTS_PATH}/:id/accuse`, (request, reply) =>
    act(request, reply, 'accuse', async (ctx, v) => {
      const r = await inTenant(services.db, ctx.tenantId, (trx) =>
        acknowledgeComplaint(trx, {
          tenantId: ctx.tenantId,
          id: ctx.id,
          how: v.moyen as (typeof ACK_WAYS)[number],
          agentId: ctx.agent.id,
          now: services.clock.now(),
        }),
      );
      return r.ok ? null : r.reason;
    }),
  );

  scope.post(`${COMPLAINTS_PATH}/:id/escalade`, (request, reply) =>
    act(request, reply, 'escalade', async (ctx, v) => {
      const r = await inTenant(services.db, ctx.tenantId, (trx) =>
        escalateComplaint(trx, {
          tenant: requireTenant(request),
          id: ctx.id,
          reason: v.motif!,
          agentId: ctx.agent.id,
          now: services.clock.now(),
        }),
      );
      return r.ok ? null : r.reason;
    }),
  );

  scope.post(`${COMPLAINTS_PATH}/:id/decision`, (request, reply) =>
    act(request, reply, 'decision', async (ctx, v) => {
      const r = await inTenant(services.db, ctx.tenantId, (trx) =>
        decideComplaint(trx, {
          tenant: requireTenant(request),
          id: ctx.id,
          cause: v.cause as ComplaintCause,
          decision: v.decision as ComplaintDecision,
          answer: v.reponse!,
          agentId: ctx.agent.id,
          now: services.clock.now(),
        }),
      );
      return r.ok ? null : r.reason;
    }),
  );

  // --- Statistics (supervisors and administrators) ---

  async function supervisor(request: FastifyRequest) {
    const agent = await requireAgent(request, services);
    const tenantId = requireTenant(request).id;
    if (!can(agentActor(tenantId, agent), 'view_complaint_statistics', { kind: 'tenant', tenantId }))
      throw new AppError('forbidden', 'Cette page est réservée aux responsables de service et aux administrateurs.');
    return { agent, tenantId };
  }

  async function statistics(request: FastifyRequest, tenantId: string) {
    const today = parisDay(services.clock.now());
    const fallback = defaultPeriod(today);
    const values = {
      du: queryParam(request, 'du').slice(0, 100) || fallback.du,
      au: queryParam(request, 'au').slice(0, 100) || fallback.au,
      service: queryParam(request, 'service').slice(0, 100),
    };
    const parsed = parseForm(periodForm, { du: values.du, au: values.au });
    const serviceList = await inTenant(services.db, tenantId, (trx) =>
      trx.selectFrom('services').select(['id', 'name']).orderBy('name').execute(),
    );
    const errors: FieldError[] = parsed.ok ? [] : [...parsed.errors];
    if (values.service !== '' && !serviceList.some((s) => s.id === values.service))
      errors.push({ field: 'service', message: 'Choisissez un service de la liste.' });
    let indicators: ComplaintIndicators | null = null;
    if (parsed.ok && errors.length === 0)
      indicators = await inTenant(services.db, tenantId, (trx) =>
        complaintIndicators(trx, {
          from: parsed.value.du ?? fallback.du,
          to: parsed.value.au ?? fallback.au,
          serviceId: values.service || null,
        }),
      );
    return { values, errors, indicators, serviceList };
  }

  async function renderStatistics(
    request: FastifyRequest,
    reply: FastifyReply,
    daysForm: { value: string | null; errors: FieldError[] },
    status = 200,
  ) {
    const { agent, tenantId } = await supervisor(request);
    const found = await statistics(request, tenantId);
    const answerDays = await inTenant(services.db, tenantId, (trx) => complaintAnswerDays(trx, tenantId));
    return sendHtml(
      reply,
      statisticsPage(agentContext(request, agent), {
        values: found.values,
        errors: found.errors,
        indicators: found.indicators,
        services: found.serviceList,
        isAdmin: agent.role === 'admin',
        answerDays,
        daysForm: { value: daysForm.value ?? String(answerDays), errors: daysForm.errors },
        notice: NOTICES[queryParam(request, 'fait')],
      }),
      found.errors.length > 0 ? 400 : status,
    );
  }

  scope.get(STATISTICS_PATH, (request, reply) => renderStatistics(request, reply, { value: null, errors: [] }));

  scope.get(`${STATISTICS_PATH}.csv`, async (request, reply) => {
    const { tenantId } = await supervisor(request);
    const found = await statistics(request, tenantId);
    const i = found.indicators;
    if (!i) throw new AppError('invalid_input', found.errors.map((e) => e.message).join(' '));
    const header = [
      'partie',
      'service',
      'cause',
      'reclamations_recues',
      'demandes_recues',
      'taux',
      'traitees',
      'dans_le_delai',
    ];
    const rows: string[][] = [
      ...i.byService.map((s) => [
        'service',
        s.serviceName,
        '',
        String(s.received),
        String(s.requestsReceived),
        s.rate === null ? '' : s.rate.toFixed(4),
        String(s.handled),
        String(s.handledInTime),
      ]),
      ...i.causes.map((k) => ['cause', '', CAUSE_LABELS[k.cause], '', '', k.share.toFixed(4), String(k.count), '']),
      [
        'ensemble',
        '',
        '',
        String(i.received),
        String(i.requestsReceived),
        i.rate === null ? '' : i.rate.toFixed(4),
        String(i.handled),
        String(i.handledInTime),
      ],
    ];
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', attachmentDisposition(`reclamations-${i.from}-${i.to}.csv`))
      .send(toCsv(header, rows));
  });

  scope.post(`${STATISTICS_PATH}/delai`, async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenantId = requireTenant(request).id;
    if (!can(agentActor(tenantId, agent), 'manage_complaint_settings', { kind: 'tenant', tenantId }))
      throw new AppError('forbidden', 'Seuls les administrateurs fixent le délai de réponse annoncé.');
    const { fields } = readFormBody(request);
    const form = parseForm(answerDaysForm, fields);
    if (!form.ok)
      return renderStatistics(request, reply, { value: typedValue(fields, 'jours', 10), errors: form.errors }, 400);
    await inTenant(services.db, tenantId, (trx) =>
      setComplaintAnswerDays(trx, { tenantId, days: Number(form.value.jours) }),
    );
    return reply.redirect(url(request, `${STATISTICS_PATH}?fait=delai`), 303);
  });
}
