import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { parisDay } from '../../platform/format.ts';
import type { AgentActor } from '../../platform/policy.ts';
import { parseForm, type FieldError } from '../../platform/web/form.ts';
import { readFormBody, type FormFields } from '../../platform/web/form-body.ts';
import { url } from '../../platform/web/layout.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import { typedValue } from '../../platform/web/typed-values.ts';
import { can } from '../authorization.ts';
import { agentActor } from '../agents/policy.ts';
import { requireAgent } from '../agents/require-agent.ts';
import { agentContext } from '../agents/route-support.ts';
import type { SessionAgent } from '../agents/sessions.ts';
import { chooseRoute, forgetRoutingPlan, loadRoutingPlan, type RoutingPlan } from '../requests/route-item.ts';
import { cancelAbsence } from './cancel-absence.ts';
import { declareAbsence } from './declare-absence.ts';
import { deleteRoutingRule } from './delete-routing-rule.ts';
import {
  absenceForm,
  autoAssignForm,
  routingRuleForm,
  routingTestForm,
  type AbsenceValues,
  type RoutingRuleValues,
  type RoutingTestValues,
} from './forms.ts';
import { moveRoutingRule } from './move-routing-rule.ts';
import {
  findAbsence,
  findDemarcheForRouting,
  findRoutingRule,
  listAgentsWithServices,
  listCurrentAbsences,
  listRoutableDemarches,
  listRoutingRules,
  listServicesForRouting,
} from './repository.ts';
import { saveRoutingRule } from './save-routing-rule.ts';
import { setAutoAssign } from './set-auto-assign.ts';
import { setRoutingRuleActive } from './set-routing-rule-active.ts';
import { ABSENCES_PAGE, absencesPage } from './views/absences-page.ts';
import { ROUTING_PAGE, routingPage, type RoutingPageInput } from './views/routing-page.ts';
import { routingRuleEditor } from './views/routing-rule-editor.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const NOTICES: Record<string, string> = {
  enregistree: 'La règle est enregistrée.',
  supprimee: 'La règle est supprimée.',
  deplacee: 'L’ordre des règles est changé.',
  activation: 'La règle est mise à jour.',
  attribution: 'L’attribution à tour de rôle est enregistrée.',
};
const ABSENCE_NOTICES: Record<string, string> = {
  declaree: 'L’absence est enregistrée.',
  annulee: 'L’absence est annulée.',
};

function ruleNotFound(): AppError {
  return new AppError('not_found', 'Cette règle d’orientation n’existe pas.');
}

/** Checkboxes sharing a name, as sent. */
function list(fields: FormFields, name: string): string[] {
  const v = fields[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).slice(0, 500).map((x) => String(x).slice(0, 100));
}

/**
 * « Orientation des demandes » (administrators) and « Absences » (every agent: their own; a
 * supervisor: their services' agents; an administrator: everyone). Registered inside the agents' scope.
 */
export function registerRoutingRoutes(scope: FastifyInstance, services: Services): void {
  async function requireRoutingAdmin(request: FastifyRequest): Promise<{ agent: SessionAgent; actor: AgentActor }> {
    const agent = await requireAgent(request, services);
    const actor = agentActor(requireTenant(request).id, agent);
    if (!can(actor, 'manage_routing', { kind: 'tenant', tenantId: actor.tenantId }))
      throw new AppError('forbidden', 'Cette page est réservée aux administrateurs.');
    return { agent, actor };
  }

  async function renderRouting(
    request: FastifyRequest,
    reply: FastifyReply,
    agent: SessionAgent,
    extra: Partial<Pick<RoutingPageInput, 'test' | 'autoAssignErrors' | 'notice'>>,
    status = 200,
  ) {
    const tenantId = requireTenant(request).id;
    const data = await inTenant(services.db, tenantId, async (trx) => ({
      rules: await listRoutingRules(trx),
      services: await listServicesForRouting(trx),
      demarches: await listRoutableDemarches(trx),
    }));
    const test = extra.test ?? {
      values: { demarche: data.demarches[0]?.id ?? '', canal: 'en-ligne', texte: '', code_postal: '', commune: '' },
      errors: [],
    };
    return sendHtml(reply, routingPage(agentContext(request, agent), { ...data, ...extra, test }), status);
  }

  async function renderEditor(
    request: FastifyRequest,
    reply: FastifyReply,
    agent: SessionAgent,
    form: { id: string | null; values: RoutingRuleValues; errors: FieldError[] },
    status = 200,
  ) {
    const tenantId = requireTenant(request).id;
    const choices = await inTenant(services.db, tenantId, async (trx) => ({
      services: await listServicesForRouting(trx),
      demarches: await listRoutableDemarches(trx),
    }));
    return sendHtml(reply, routingRuleEditor(agentContext(request, agent), { ...form, ...choices }), status);
  }

  /** The rule of the URL; an id that is no UUID is an unknown rule. */
  async function ruleOf(request: FastifyRequest, tenantId: string) {
    const id = (request.params as { id: string }).id;
    if (!UUID.test(id)) throw ruleNotFound();
    const rule = await inTenant(services.db, tenantId, (trx) => findRoutingRule(trx, id));
    if (!rule) throw ruleNotFound();
    return rule;
  }

  async function saveRule(request: FastifyRequest, reply: FastifyReply, id: string | null) {
    const { agent, actor } = await requireRoutingAdmin(request);
    if (id !== null) await ruleOf(request, actor.tenantId);
    const { fields } = readFormBody(request);
    const values: RoutingRuleValues = {
      nom: typedValue(fields, 'nom', 300),
      service: typedValue(fields, 'service', 100),
      demarches: list(fields, 'demarches'),
      themes: list(fields, 'themes'),
      mots_cles: typedValue(fields, 'mots_cles', 8000),
      lieux: typedValue(fields, 'lieux', 8000),
      canaux: list(fields, 'canaux'),
      actif: typedValue(fields, 'actif', 10) !== '',
    };
    const again = (errors: FieldError[]) => renderEditor(request, reply, agent, { id, values, errors }, 400);
    const form = parseForm(routingRuleForm, fields);
    if (!form.ok) return again(form.errors);
    const result = await inTenant(services.db, actor.tenantId, (trx) =>
      saveRoutingRule(trx, { tenantId: actor.tenantId, id, values: form.value, now: services.clock.now() }),
    );
    if (!result.ok) return again(result.errors);
    forgetRoutingPlan(services, actor.tenantId);
    return reply.redirect(url(request, `${ROUTING_PAGE}?fait=enregistree`), 303);
  }

  scope.get(ROUTING_PAGE, async (request, reply) => {
    const { agent } = await requireRoutingAdmin(request);
    const done = queryParam(request, 'fait');
    return renderRouting(request, reply, agent, { notice: Object.hasOwn(NOTICES, done) ? NOTICES[done] : undefined });
  });

  scope.get(`${ROUTING_PAGE}/nouvelle`, async (request, reply) => {
    const { agent } = await requireRoutingAdmin(request);
    const values: RoutingRuleValues = {
      nom: '',
      service: '',
      demarches: [],
      themes: [],
      mots_cles: '',
      lieux: '',
      canaux: [],
      actif: true,
    };
    return renderEditor(request, reply, agent, { id: null, values, errors: [] });
  });

  scope.post(`${ROUTING_PAGE}/nouvelle`, async (request, reply) => saveRule(request, reply, null));

  scope.get(`${ROUTING_PAGE}/:id`, async (request, reply) => {
    const { agent, actor } = await requireRoutingAdmin(request);
    const r = await ruleOf(request, actor.tenantId);
    const values: RoutingRuleValues = {
      nom: r.name,
      service: r.service_id,
      demarches: r.demarche_ids,
      themes: r.themes,
      mots_cles: r.keywords.join('\n'),
      lieux: r.places.join('\n'),
      canaux: r.channels,
      actif: r.active,
    };
    return renderEditor(request, reply, agent, { id: r.id, values, errors: [] });
  });

  scope.post(`${ROUTING_PAGE}/:id`, async (request, reply) =>
    saveRule(request, reply, (request.params as { id: string }).id),
  );

  scope.post(`${ROUTING_PAGE}/:id/supprimer`, async (request, reply) => {
    const { actor } = await requireRoutingAdmin(request);
    const r = await ruleOf(request, actor.tenantId);
    await inTenant(services.db, actor.tenantId, (trx) => deleteRoutingRule(trx, r.id));
    forgetRoutingPlan(services, actor.tenantId);
    return reply.redirect(url(request, `${ROUTING_PAGE}?fait=supprimee`), 303);
  });

  scope.post(`${ROUTING_PAGE}/:id/deplacer`, async (request, reply) => {
    const { actor } = await requireRoutingAdmin(request);
    const r = await ruleOf(request, actor.tenantId);
    const { fields } = readFormBody(request);
    const sens = typedValue(fields, 'sens', 10);
    if (sens !== 'haut' && sens !== 'bas')
      throw new AppError('invalid_input', 'Choisissez de monter ou de descendre la règle.');
    await inTenant(services.db, actor.tenantId, (trx) =>
      moveRoutingRule(trx, { id: r.id, direction: sens === 'haut' ? 'up' : 'down' }),
    );
    forgetRoutingPlan(services, actor.tenantId);
    return reply.redirect(url(request, `${ROUTING_PAGE}?fait=deplacee`), 303);
  });

  scope.post(`${ROUTING_PAGE}/:id/activation`, async (request, reply) => {
    const { actor } = await requireRoutingAdmin(request);
    const r = await ruleOf(request, actor.tenantId);
    const { fields } = readFormBody(request);
    const actif = typedValue(fields, 'actif', 10);
    if (actif !== 'oui' && actif !== 'non')
      throw new AppError('invalid_input', 'Choisissez d’activer ou de désactiver la règle.');
    await inTenant(services.db, actor.tenantId, (trx) =>
      setRoutingRuleActive(trx, { id: r.id, active: actif === 'oui', now: services.clock.now() }),
    );
    forgetRoutingPlan(services, actor.tenantId);
    return reply.redirect(url(request, `${ROUTING_PAGE}?fait=activation`), 303);
  });

  scope.post(`${ROUTING_PAGE}/attribution`, async (request, reply) => {
    const { agent, actor } = await requireRoutingAdmin(request);
    const { fields } = readFormBody(request);
    const form = parseForm(autoAssignForm, fields);
    const result = form.ok
      ? await inTenant(services.db, actor.tenantId, (trx) => setAutoAssign(trx, { serviceIds: form.value.services }))
      : form;
    if (!result.ok) return renderRouting(request, reply, agent, { autoAssignErrors: result.errors }, 400);
    forgetRoutingPlan(services, actor.tenantId);
    return reply.redirect(url(request, `${ROUTING_PAGE}?fait=attribution`), 303);
  });

  // « Tester »: a POST so that the sample's text stays out of URLs and logs; nothing is written.
  scope.post(`${ROUTING_PAGE}/tester`, async (request, reply) => {
    const { agent, actor } = await requireRoutingAdmin(request);
    const { fields } = readFormBody(request);
    const values: RoutingTestValues = {
      demarche: typedValue(fields, 'demarche', 100),
      canal: typedValue(fields, 'canal', 20),
      texte: typedValue(fields, 'texte', 10_000),
      code_postal: typedValue(fields, 'code_postal', 20),
      commune: typedValue(fields, 'commune', 200),
    };
    const again = (errors: FieldError[], outcome?: string) =>
      renderRouting(request, reply, agent, { test: { values, errors, outcome } }, errors.length > 0 ? 400 : 200);
    const form = parseForm(routingTestForm, fields);
    if (!form.ok) return again(form.errors);
    const found = await inTenant(services.db, actor.tenantId, async (trx) => {
      const demarche = UUID.test(form.value.demarche)
        ? await findDemarcheForRouting(trx, form.value.demarche)
        : undefined;
      return demarche
        ? { demarche, plan: await loadRoutingPlan(trx), services: await listServicesForRouting(trx) }
        : null;
    });
    if (!found) return again([{ field: 'demarche', message: 'Choisissez une démarche de la liste.' }]);
    return again([], describeOutcome(found.plan, found.services, found.demarche, form.value));
  });

  // ---- Absences ----

  async function absencesContext(request: FastifyRequest) {
    const agent = await requireAgent(request, services);
    const actor = agentActor(requireTenant(request).id, agent);
    if (!can(actor, 'open_absences', { kind: 'tenant', tenantId: actor.tenantId }))
      throw new AppError('forbidden', 'Cette page est réservée aux agents.');
    const today = parisDay(services.clock.now());
    const account = (a: { id: string; service_ids: string[] | null }) => ({
      kind: 'agent_account' as const,
      tenantId: actor.tenantId,
      agentId: a.id,
      serviceIds: a.service_ids ?? [],
    });
    const data = await inTenant(services.db, actor.tenantId, async (trx) => ({
      absences: (await listCurrentAbsences(trx, today)).filter((a) =>
        can(actor, 'manage_absences', account({ id: a.agent_id, service_ids: a.service_ids })),
      ),
      agents: (await listAgentsWithServices(trx)).filter((a) => can(actor, 'manage_absences', account(a))),
    }));
    // The viewer first: most absences are one's own.
    data.agents.sort((a, b) => (a.id === agent.id ? -1 : b.id === agent.id ? 1 : 0));
    return { agent, actor, today, ...data };
  }

  scope.get(ABSENCES_PAGE, async (request, reply) => {
    const c = await absencesContext(request);
    const done = queryParam(request, 'fait');
    return sendHtml(
      reply,
      absencesPage(agentContext(request, c.agent), {
        absences: c.absences,
        agents: c.agents,
        values: { agent: c.agent.id, du: '', au: '', motif: '' },
        errors: [],
        notice: Object.hasOwn(ABSENCE_NOTICES, done) ? ABSENCE_NOTICES[done] : undefined,
      }),
    );
  });

  scope.post(ABSENCES_PAGE, async (request, reply) => {
    const c = await absencesContext(request);
    const { fields } = readFormBody(request);
    const values: AbsenceValues = {
      agent: typedValue(fields, 'agent', 100),
      du: typedValue(fields, 'du', 40),
      au: typedValue(fields, 'au', 40),
      motif: typedValue(fields, 'motif', 400),
    };
    const again = (errors: FieldError[]) =>
      sendHtml(
        reply,
        absencesPage(agentContext(request, c.agent), { absences: c.absences, agents: c.agents, values, errors }),
        400,
      );
    const form = parseForm(absenceForm, fields);
    if (!form.ok) return again(form.errors);
    // Only an agent the viewer may declare for (the list was filtered by the policy).
    if (!c.agents.some((a) => a.id === form.value.agent))
      return again([{ field: 'agent', message: 'Choisissez un agent de la liste.' }]);
    const result = await inTenant(services.db, c.actor.tenantId, (trx) =>
      declareAbsence(trx, {
        tenantId: c.actor.tenantId,
        agentId: form.value.agent,
        declaredBy: c.agent.id,
        from: form.value.du,
        to: form.value.au,
        reason: form.value.motif,
        today: c.today,
      }),
    );
    if (!result.ok) return again(result.errors);
    return reply.redirect(url(request, `${ABSENCES_PAGE}?fait=declaree`), 303);
  });

  scope.post(`${ABSENCES_PAGE}/:id/annuler`, async (request, reply) => {
    const c = await absencesContext(request);
    const id = (request.params as { id: string }).id;
    const absence = UUID.test(id)
      ? await inTenant(services.db, c.actor.tenantId, (trx) => findAbsence(trx, id))
      : undefined;
    const agentOf =
      absence &&
      (await inTenant(services.db, c.actor.tenantId, listAgentsWithServices)).find((a) => a.id === absence.agent_id);
    const allowed =
      absence !== undefined &&
      can(c.actor, 'manage_absences', {
        kind: 'agent_account',
        tenantId: c.actor.tenantId,
        agentId: absence.agent_id,
        serviceIds: agentOf?.service_ids ?? [],
      });
    if (!absence || !allowed) throw new AppError('not_found', 'Cette absence n’existe pas.');
    await inTenant(services.db, c.actor.tenantId, (trx) => cancelAbsence(trx, absence.id));
    return reply.redirect(url(request, `${ABSENCES_PAGE}?fait=annulee`), 303);
  });
}

/** « La règle « X » s'appliquerait : service Y. » or the démarche's own service. */
function describeOutcome(
  plan: RoutingPlan,
  services: { id: string; name: string; auto_assign: boolean }[],
  demarche: { id: string; service_id: string; life_events: string[] },
  sample: RoutingTestValues,
): string {
  const route = chooseRoute(plan, {
    demarcheId: demarche.id,
    themes: demarche.life_events,
    channel: sample.canal,
    text: sample.texte,
    addresses: sample.code_postal || sample.commune ? [{ postalCode: sample.code_postal, city: sample.commune }] : [],
    defaultServiceId: demarche.service_id,
  });
  const service = services.find((s) => s.id === route.serviceId)?.name ?? 'inconnu';
  const turn = route.autoAssign ? ' Ce service attribue ses demandes à tour de rôle.' : '';
  return route.rule
    ? `La règle « ${route.rule.name} » s’appliquerait : la demande irait au service ${service}.${turn}`
    : `Aucune règle ne s’appliquerait : la demande irait au service de sa démarche, ${service}.${turn}`;
}
