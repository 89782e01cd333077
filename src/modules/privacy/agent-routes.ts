import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { parseForm, type FieldError } from '../../platform/web/form.ts';
import { readFormBody } from '../../platform/web/form-body.ts';
import { url } from '../../platform/web/layout.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { typedValue } from '../../platform/web/typed-values.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import { can } from '../authorization.ts';
import { agentActor } from '../agents/policy.ts';
import { requireAgent } from '../agents/require-agent.ts';
import type { SessionAgent } from '../agents/sessions.ts';
import { canDecideErasure, decideErasure } from './erasure.ts';
import { erasureDecisionForm } from './forms.ts';
import { buildRegister, registerToCsv } from './register.ts';
import { listErasureRequests } from './repository.ts';
import { agentContext, attachment, UUID } from './route-support.ts';
import { erasureListPage, processingRegisterPage, type ErasureListItem } from './views/pages.ts';

/** The agents' side: erasure requests to decide, the register of processing. */
export function registerPrivacyAgentRoutes(scope: FastifyInstance, services: Services): void {
  async function renderErasures(
    request: FastifyRequest,
    reply: FastifyReply,
    agent: SessionAgent,
    extra: { errors: FieldError[]; errorFor?: string; reason?: string; notice?: string },
    status = 200,
  ) {
    const tenant = requireTenant(request);
    const rows = await inTenant(services.db, tenant.id, (trx) => listErasureRequests(trx));
    const items: ErasureListItem[] = rows
      .filter((r) => canDecideErasure(tenant.id, agent, r))
      .map((r) => ({ ...r, requested_at: new Date(r.requested_at) }));
    return sendHtml(reply, erasureListPage(agentContext(request, agent), { items, ...extra }), status);
  }

  scope.get('/agent/rgpd/effacements', async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenantId = requireTenant(request).id;
    if (!can(agentActor(tenantId, agent), 'list_erasures', { kind: 'tenant', tenantId })) {
      throw new AppError('forbidden', 'Cette page est réservée aux agents de la collectivité.');
    }
    return renderErasures(request, reply, agent, {
      errors: [],
      notice:
        queryParam(request, 'fait') === '1'
          ? 'La décision est enregistrée et le demandeur est prévenu par courriel.'
          : undefined,
    });
  });

  scope.post('/agent/rgpd/effacements/:id', async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenant = requireTenant(request);
    const id = (request.params as { id: string }).id;
    if (!UUID.test(id)) throw new AppError('not_found', "Cette demande d'effacement n'existe pas.");
    const { fields } = readFormBody(request);
    const form = parseForm(erasureDecisionForm, fields);
    const reason = typedValue(fields, 'motif', 2000);
    if (!form.ok) return renderErasures(request, reply, agent, { errors: form.errors, errorFor: id, reason }, 400);
    const outcome = await inTenant(services.db, tenant.id, (trx) =>
      decideErasure(trx, {
        tenant,
        agent,
        erasureId: id,
        decision: form.value.decision,
        reason: form.value.motif,
        now: services.clock.now(),
        ip: request.ip,
      }),
    );
    if (!outcome.ok)
      return renderErasures(request, reply, agent, { errors: outcome.errors, errorFor: id, reason }, 400);
    services.mail.kick();
    return reply.redirect(url(request, '/agent/rgpd/effacements?fait=1'), 303);
  });

  async function registerFor(request: FastifyRequest) {
    const agent = await requireAgent(request, services);
    const tenant = requireTenant(request);
    // The register describes every service's processing: the tenant's administrators (and
    // through them the DPO) keep it.
    if (!can(agentActor(tenant.id, agent), 'view_register', { kind: 'tenant', tenantId: tenant.id })) {
      throw new AppError('forbidden', 'Le registre des traitements est réservé aux administrateurs.');
    }
    const register = await inTenant(services.db, tenant.id, (trx) => buildRegister(trx, tenant, services.clock.now()));
    return { agent, register };
  }

  scope.get('/agent/rgpd/registre', async (request, reply) => {
    const { agent, register } = await registerFor(request);
    return sendHtml(reply, processingRegisterPage(agentContext(request, agent), register));
  });
  scope.get('/agent/rgpd/registre.json', async (request, reply) => {
    const { register } = await registerFor(request);
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', attachment('registre-des-traitements.json'))
      .send(JSON.stringify(register, null, 2));
  });
  scope.get('/agent/rgpd/registre.csv', async (request, reply) => {
    const { register } = await registerFor(request);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', attachment('registre-des-traitements.csv'))
      .send(registerToCsv(register));
  });
}
