import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { formatNumberFr } from '../../platform/format.ts';
import { parseForm, type FieldError } from '../../platform/web/form.ts';
import { fieldValue, readFormBody } from '../../platform/web/form-body.ts';
import { url } from '../../platform/web/layout.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import { can } from '../authorization.ts';
import { agentActor } from '../agents/policy.ts';
import { requireAgent } from '../agents/require-agent.ts';
import { agentContext } from '../agents/route-support.ts';
import type { SessionAgent } from '../agents/sessions.ts';
import { findMailboxSettings, retryMailboxMessages } from './find-mailbox-settings.ts';
import { mailboxForm, mailboxInputOf, typedMailbox, type MailboxValues } from './forms.ts';
import { tenantInboundAddress } from './inbound-address.ts';
import { saveMailbox } from './save-mailbox.ts';
import { passwordToTry, testMailboxConnection } from './test-mailbox-connection.ts';
import { MAILBOX_PAGE, mailboxPage } from './views/mailbox-page.ts';

const NOTICES: Record<string, string> = {
  '1': 'La messagerie est enregistrée. La boîte sera relevée dans la minute.',
  relance: 'Les messages en échec seront réessayés à la prochaine relève.',
};

/**
 * The administrators' « Messagerie »: the tenant's inbound address and the IMAP mailbox Guichet
 * polls, a connection test, and the messages left aside. Registered inside the agents' scope.
 */
export function registerMailboxAdminRoutes(scope: FastifyInstance, services: Services): void {
  async function requireMailboxAdmin(request: FastifyRequest): Promise<SessionAgent> {
    const agent = await requireAgent(request, services);
    const tenantId = requireTenant(request).id;
    if (!can(agentActor(tenantId, agent), 'manage_mailbox', { kind: 'tenant', tenantId }))
      throw new AppError('forbidden', 'Cette page est réservée aux administrateurs de la collectivité.');
    return agent;
  }

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    agent: SessionAgent,
    form: { values?: MailboxValues; errors: FieldError[]; notice?: string },
    status = 200,
  ) {
    const tenant = requireTenant(request);
    const domain = services.config.inbound.domain;
    const stored = await inTenant(services.db, tenant.id, (trx) =>
      findMailboxSettings(trx, { inboundAddress: tenantInboundAddress(tenant, domain) }),
    );
    const page = mailboxPage(agentContext(request, agent), {
      ...stored,
      values: form.values ?? stored.values,
      errors: form.errors,
      notice: form.notice,
      defaultAddress: `${tenant.slug}@${domain}`,
      intervalSeconds: services.config.inbound.imapPollIntervalSeconds,
    });
    return sendHtml(reply, page, status);
  }

  scope.get(MAILBOX_PAGE, async (request, reply) => {
    const agent = await requireMailboxAdmin(request);
    return render(request, reply, agent, { errors: [], notice: NOTICES[queryParam(request, 'fait') ?? ''] });
  });

  scope.post(MAILBOX_PAGE, async (request, reply) => {
    const agent = await requireMailboxAdmin(request);
    const tenant = requireTenant(request);
    const body = readFormBody(request);
    const values = typedMailbox(body.fields);
    const form = parseForm(mailboxForm, body.fields);
    if (!form.ok) return render(request, reply, agent, { values, errors: form.errors }, 400);
    const input = mailboxInputOf(form.value);

    if (fieldValue(body, 'action') === 'tester') {
      const password = await inTenant(services.db, tenant.id, (trx) =>
        passwordToTry(trx, {
          tenantId: tenant.id,
          sessionSecret: services.config.sessionSecret,
          typed: input.password,
        }),
      );
      if (password === null) {
        const errors = [{ field: 'mot_de_passe', message: 'Indiquez le mot de passe de la boîte.' }];
        return render(request, reply, agent, { values, errors }, 400);
      }
      const result = await testMailboxConnection(input, password);
      request.log.info({ agentId: agent.id, ok: result.ok }, 'IMAP connection tested');
      if (!result.ok)
        return render(
          request,
          reply,
          agent,
          { values, errors: [{ field: result.field, message: result.message }] },
          400,
        );
      const notice = `Connexion réussie : ${formatNumberFr(result.messages)} message${result.messages > 1 ? 's' : ''} dans le dossier ${input.folder}. Pensez à enregistrer.`;
      return render(request, reply, agent, { values, errors: [], notice });
    }

    const saved = await inTenant(services.db, tenant.id, (trx) =>
      saveMailbox(trx, {
        tenantId: tenant.id,
        sessionSecret: services.config.sessionSecret,
        defaultDomain: services.config.inbound.domain,
        mailbox: input,
      }),
    );
    if (!saved.ok) return render(request, reply, agent, { values, errors: saved.errors }, 400);
    // The inbound address is part of the tenant cached per host, and of the address lookup.
    services.tenants.clear();
    services.caches.named('inbound-addresses', { ttlMs: 60_000 }).clear();
    // Polled within the minute, by whichever instance takes the job.
    await services.mailboxPolls.queuePolls();
    request.log.info({ agentId: agent.id, enabled: input.enabled }, 'IMAP mailbox saved');
    return reply.redirect(url(request, `${MAILBOX_PAGE}?fait=1`), 303);
  });

  scope.post(`${MAILBOX_PAGE}/relancer`, async (request, reply) => {
    const agent = await requireMailboxAdmin(request);
    const tenant = requireTenant(request);
    const n = await inTenant(services.db, tenant.id, (trx) => retryMailboxMessages(trx));
    request.log.info({ agentId: agent.id, messages: n }, 'failed IMAP messages retried');
    return reply.redirect(url(request, `${MAILBOX_PAGE}?fait=relance`), 303);
  });
}
