import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { addressOf, mailSignature } from '../../platform/mail-sender.ts';
import { parseForm, type FieldError } from '../../platform/web/form.ts';
import { readFormBody } from '../../platform/web/form-body.ts';
import { url } from '../../platform/web/layout.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import { can } from '../authorization.ts';
import { agentActor } from '../agents/policy.ts';
import { requireAgent } from '../agents/require-agent.ts';
import { agentContext } from '../agents/route-support.ts';
import type { SessionAgent } from '../agents/sessions.ts';
import {
  communeSettingsForm,
  communeSettingsOf,
  storedCommuneSettings,
  typedCommuneSettings,
  type CommuneSettingsValues,
} from './forms.ts';
import { findCommuneSettings, updateCommuneSettings } from './update-commune-settings.ts';
import { communeSettingsPage } from './views/commune-settings-page.ts';

const PAGE = '/agent/admin/commune';

/**
 * The administrators' « Coordonnées et courriels »: the tenant's contact details, the sender of
 * its mail and its colour. Registered inside the agents' scope (login redirects, no-store).
 */
export function registerTenantAdminRoutes(scope: FastifyInstance, services: Services): void {
  async function requireSettingsAdmin(request: FastifyRequest): Promise<SessionAgent> {
    const agent = await requireAgent(request, services);
    const tenantId = requireTenant(request).id;
    if (!can(agentActor(tenantId, agent), 'manage_commune_settings', { kind: 'tenant', tenantId }))
      throw new AppError('forbidden', 'Cette page est réservée aux administrateurs de la collectivité.');
    return agent;
  }

  function render(
    request: FastifyRequest,
    reply: FastifyReply,
    agent: SessionAgent,
    form: { values: CommuneSettingsValues; errors: FieldError[]; notice?: string },
    status = 200,
  ) {
    const tenant = requireTenant(request);
    const page = communeSettingsPage(agentContext(request, agent), {
      ...form,
      defaults: { senderName: mailSignature(tenant), senderAddress: addressOf(services.config.mailFrom) },
    });
    return sendHtml(reply, page, status);
  }

  scope.get(PAGE, async (request, reply) => {
    const agent = await requireSettingsAdmin(request);
    const tenant = requireTenant(request);
    const stored = await inTenant(services.db, tenant.id, (trx) => findCommuneSettings(trx, tenant.id));
    return render(request, reply, agent, {
      values: storedCommuneSettings(stored),
      errors: [],
      notice:
        queryParam(request, 'fait') === '1'
          ? 'Les coordonnées et les réglages des courriels sont enregistrés.'
          : undefined,
    });
  });

  scope.post(PAGE, async (request, reply) => {
    const agent = await requireSettingsAdmin(request);
    const tenant = requireTenant(request);
    const { fields } = readFormBody(request);
    const form = parseForm(communeSettingsForm, fields);
    if (!form.ok)
      return render(request, reply, agent, { values: typedCommuneSettings(fields), errors: form.errors }, 400);
    const { changed } = await inTenant(services.db, tenant.id, (trx) =>
      updateCommuneSettings(trx, { tenantId: tenant.id, settings: communeSettingsOf(form.value) }),
    );
    // The tenant is cached per host for every page: drop it so that this process shows the new
    // details at once (other processes within the cache's 30 seconds). Mail reads the sender
    // from the database when it sends.
    services.tenants.clear();
    request.log.info({ agentId: agent.id, changed }, 'commune settings updated');
    return reply.redirect(url(request, `${PAGE}?fait=1`), 303);
  });
}
