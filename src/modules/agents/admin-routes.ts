import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { parseForm, type FieldError } from '../../platform/web/form.ts';
import { readFormBody } from '../../platform/web/form-body.ts';
import { url } from '../../platform/web/layout.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import { typedValue, typedValues } from '../../platform/web/typed-values.ts';
import { agentServicesForm, inviteForm, proConnectForm, requireSecondFactorForm } from './forms.ts';
import { inviteAgent } from './invite-agent.ts';
import { listAgents } from './list-agents.ts';
import { resetSecondFactor } from './reset-second-factor.ts';
import { setAgentActive } from './set-agent-active.ts';
import { setAgentServices } from './set-agent-services.ts';
import { setProConnectMapping } from './set-proconnect-mapping.ts';
import { setRequireAgent2fa } from './set-require-agent-2fa.ts';
import { tenantSecuritySettings } from './tenant-security-settings.ts';
import { listServices } from './repository.ts';
import { requireAdmin } from './require-agent.ts';
import { sendAgentPasswordReset } from './reset-agent-password.ts';
import { agentContext, UUID } from './route-support.ts';
import type { SessionAgent } from './sessions.ts';
import { adminAgentsPage, type InviteValues } from './views/admin-agents-page.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';

const ADMIN_NOTICES: Record<string, string> = {
  invitation: 'L’invitation est envoyée.',
  desactive: 'Le compte est désactivé. Ses sessions sont fermées.',
  reactive: 'Le compte est réactivé.',
  services: 'Les services sont enregistrés.',
  '2fa': 'Le réglage de la double authentification est enregistré.',
  proconnect: 'Les réglages de ProConnect sont enregistrés.',
  '2fa-reinitialisee': 'La double authentification de l’agent est réinitialisée. Ses sessions sont fermées.',
  'mot-de-passe': 'Le lien pour changer de mot de passe est envoyé à l’agent. Il vaut 1 heure.',
};

/** A post that only a forged or truncated page sends: the central handler answers 400. */
function wrongForm(errors: FieldError[]): AppError {
  return new AppError('validation_failed', errors[0]!.message);
}

/** The administrators' agents page: invitations, roles and services, second factor, ProConnect. */
export function registerAgentAdminRoutes(scope: FastifyInstance, services: Services): void {
  async function renderAdmin(
    request: FastifyRequest,
    reply: FastifyReply,
    admin: SessionAgent,
    invite: { values: InviteValues; errors: FieldError[] },
    status = 200,
    proconnectForm?: { sirets: string; domains: string; errors: FieldError[] },
  ) {
    const tenant = requireTenant(request);
    const done = queryParam(request, 'fait');
    const page = await inTenant(services.db, tenant.id, async (trx) => {
      const [agents, servicesList, settings] = await Promise.all([
        listAgents(trx),
        listServices(trx, null),
        tenantSecuritySettings(trx),
      ]);
      return adminAgentsPage(agentContext(request, admin), {
        agents,
        services: servicesList,
        selfId: admin.id,
        requireAgent2fa: settings.require_agent_2fa,
        proconnect: {
          configured: services.config.proconnect !== null,
          ...(proconnectForm ?? {
            sirets: settings.proconnect_sirets.join('\n'),
            domains: settings.proconnect_domains.join('\n'),
            errors: [],
          }),
        },
        invite,
        notice: Object.hasOwn(ADMIN_NOTICES, done) ? ADMIN_NOTICES[done] : undefined,
      });
    });
    return sendHtml(reply, page, status);
  }

  const emptyInvite = { values: { email: '', name: '', role: 'agent', services: [] }, errors: [] };

  scope.get('/agent/admin/agents', async (request, reply) => {
    const admin = await requireAdmin(request, services);
    return renderAdmin(request, reply, admin, emptyInvite);
  });

  scope.post('/agent/admin/agents/inviter', async (request, reply) => {
    const admin = await requireAdmin(request, services);
    const tenant = requireTenant(request);
    const { fields } = readFormBody(request);
    const values: InviteValues = {
      email: typedValue(fields, 'email', 320),
      name: typedValue(fields, 'name', 200),
      role: typedValue(fields, 'role', 20),
      services: typedValues(fields, 'services', 200),
    };
    const form = parseForm(inviteForm, fields);
    if (!form.ok) return renderAdmin(request, reply, admin, { values, errors: form.errors }, 400);
    const invited = await inTenant(services.db, tenant.id, (trx) =>
      inviteAgent(trx, {
        tenantId: tenant.id,
        tenantName: tenant.name,
        invitedBy: admin.id,
        email: form.value.email,
        name: form.value.name,
        role: form.value.role,
        serviceIds: form.value.services,
        baseUrl: requestBaseUrl(services.config, request),
        now: services.clock.now(),
      }),
    );
    if (!invited.ok) return renderAdmin(request, reply, admin, { values, errors: invited.errors }, 400);
    services.mail.kick();
    return reply.redirect(url(request, '/agent/admin/agents?fait=invitation'), 303);
  });

  function agentIdParam(request: FastifyRequest): string {
    const id = (request.params as { id?: string }).id ?? '';
    if (!UUID.test(id)) throw new AppError('not_found', "Cet agent n'existe pas.");
    return id;
  }

  for (const [action, active] of [
    ['desactiver', false],
    ['reactiver', true],
  ] as const) {
    scope.post(`/agent/admin/agents/:id/${action}`, async (request, reply) => {
      const admin = await requireAdmin(request, services);
      const tenant = requireTenant(request);
      const id = agentIdParam(request);
      await inTenant(services.db, tenant.id, (trx) => setAgentActive(trx, admin.id, id, active));
      return reply.redirect(url(request, `/agent/admin/agents?fait=${active ? 'reactive' : 'desactive'}`), 303);
    });
  }

  scope.post('/agent/admin/agents/:id/reinitialiser-2fa', async (request, reply) => {
    const admin = await requireAdmin(request, services);
    const tenant = requireTenant(request);
    const id = agentIdParam(request);
    await inTenant(services.db, tenant.id, (trx) => resetSecondFactor(trx, admin.id, id));
    return reply.redirect(url(request, '/agent/admin/agents?fait=2fa-reinitialisee'), 303);
  });

  scope.post('/agent/admin/agents/:id/reinitialiser-mot-de-passe', async (request, reply) => {
    const admin = await requireAdmin(request, services);
    const tenant = requireTenant(request);
    const id = agentIdParam(request);
    await inTenant(services.db, tenant.id, (trx) =>
      sendAgentPasswordReset(trx, {
        tenantId: tenant.id,
        tenantName: tenant.name,
        agentId: id,
        adminId: admin.id,
        baseUrl: requestBaseUrl(services.config, request),
        now: services.clock.now(),
      }),
    );
    services.mail.kick();
    return reply.redirect(url(request, '/agent/admin/agents?fait=mot-de-passe'), 303);
  });

  scope.post('/agent/admin/agents/:id/services', async (request, reply) => {
    await requireAdmin(request, services);
    const tenant = requireTenant(request);
    const id = agentIdParam(request);
    const form = parseForm(agentServicesForm, readFormBody(request).fields);
    if (!form.ok) throw wrongForm(form.errors);
    await inTenant(services.db, tenant.id, (trx) => setAgentServices(trx, tenant.id, id, form.value.services));
    return reply.redirect(url(request, '/agent/admin/agents?fait=services'), 303);
  });

  scope.post('/agent/admin/double-authentification', async (request, reply) => {
    await requireAdmin(request, services);
    const tenant = requireTenant(request);
    const form = parseForm(requireSecondFactorForm, readFormBody(request).fields);
    if (!form.ok) throw wrongForm(form.errors);
    await inTenant(services.db, tenant.id, (trx) => setRequireAgent2fa(trx, tenant.id, form.value.exiger === 'oui'));
    return reply.redirect(url(request, '/agent/admin/agents?fait=2fa'), 303);
  });

  scope.post('/agent/admin/proconnect', async (request, reply) => {
    const admin = await requireAdmin(request, services);
    const tenant = requireTenant(request);
    const { fields } = readFormBody(request);
    const typed = { sirets: typedValue(fields, 'sirets', 5000), domains: typedValue(fields, 'domains', 5000) };
    const form = parseForm(proConnectForm, fields);
    const saved = form.ok
      ? await inTenant(services.db, tenant.id, (trx) => setProConnectMapping(trx, tenant.id, form.value))
      : form;
    if (!saved.ok) return renderAdmin(request, reply, admin, emptyInvite, 400, { ...typed, errors: saved.errors });
    return reply.redirect(url(request, '/agent/admin/agents?fait=proconnect'), 303);
  });
}
