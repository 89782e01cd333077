import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { parseForm } from '../../platform/web/form.ts';
import { readFormBody } from '../../platform/web/form-body.ts';
import { url } from '../../platform/web/layout.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { typedValue } from '../../platform/web/typed-values.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import { can } from '../authorization.ts';
import { agentActor } from '../agents/policy.ts';
import { requireAgent } from '../agents/require-agent.ts';
import {
  dataProtectionOfficer,
  dpoFormValues,
  saveDpoSettings,
  validateDpoSettings,
  type DpoFormValues,
} from './dpo.ts';
import { dpoSettingsForm } from './forms.ts';
import { findStoredDpo } from './repository.ts';
import { agentContext } from './route-support.ts';
import { dpoSettingsPage } from './views/pages.ts';

/** The administrators' privacy settings: the tenant's data protection officer. */
export function registerPrivacyAdminRoutes(scope: FastifyInstance, services: Services): void {
  /** A tenant administrator, allowed to declare the data protection officer. */
  async function requirePrivacyAdmin(request: FastifyRequest) {
    const agent = await requireAgent(request, services);
    const tenantId = requireTenant(request).id;
    if (!can(agentActor(tenantId, agent), 'manage_privacy_settings', { kind: 'tenant', tenantId })) {
      throw new AppError('forbidden', 'Les réglages de protection des données sont réservés aux administrateurs.');
    }
    return agent;
  }

  scope.get('/agent/admin/protection-des-donnees', async (request, reply) => {
    const agent = await requirePrivacyAdmin(request);
    const tenant = requireTenant(request);
    // Read from the database, not from the tenant cached for the request: the form shows what is saved.
    const stored = await inTenant(services.db, tenant.id, (trx) => findStoredDpo(trx, tenant.id));
    return sendHtml(
      reply,
      dpoSettingsPage(agentContext(request, agent), {
        values: dpoFormValues(stored),
        errors: [],
        fallback: dataProtectionOfficer({ ...tenant, dpo: {} }),
        notice:
          queryParam(request, 'fait') === '1'
            ? 'Les coordonnées du délégué à la protection des données sont enregistrées.'
            : undefined,
      }),
    );
  });

  scope.post('/agent/admin/protection-des-donnees', async (request, reply) => {
    const agent = await requirePrivacyAdmin(request);
    const tenant = requireTenant(request);
    const { fields } = readFormBody(request);
    const form = parseForm(dpoSettingsForm, fields);
    const values: DpoFormValues = form.ok
      ? { name: form.value.dpo_nom, email: form.value.dpo_courriel, postalAddress: form.value.dpo_adresse }
      : {
          name: typedValue(fields, 'dpo_nom', 1000),
          email: typedValue(fields, 'dpo_courriel', 1000),
          postalAddress: typedValue(fields, 'dpo_adresse', 5000),
        };
    const result = form.ok ? validateDpoSettings(values) : form;
    if (!result.ok) {
      const page = dpoSettingsPage(agentContext(request, agent), {
        values,
        errors: result.errors,
        fallback: dataProtectionOfficer({ ...tenant, dpo: {} }),
      });
      return sendHtml(reply, page, 400);
    }
    await inTenant(services.db, tenant.id, (trx) => saveDpoSettings(trx, tenant.id, result.value));
    // Pages read the tenant from a short-lived cache: drop it so they show the new contact now.
    services.tenants.clear();
    request.log.info({ agentId: agent.id }, 'data protection officer updated');
    return reply.redirect(url(request, '/agent/admin/protection-des-donnees?fait=1'), 303);
  });
}
