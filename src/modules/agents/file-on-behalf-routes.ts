import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { readFormBody } from '../../platform/web/form-body.ts';
import { url } from '../../platform/web/layout.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import { can } from '../authorization.ts';
import { fileRequestOnBehalf } from '../requests/file-request-on-behalf.ts';
import { findTrackedRequest } from '../requests/find-tracked-request.ts';
import type { FieldError, RawAnswers } from '../requests/form-engine/validate.ts';
import { requestScope } from '../requests/policy.ts';
import { listFileableDemarches } from '../requests/repository.ts';
import { loadOnlineForm } from '../requests/submit-request.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { agentActor } from './policy.ts';
import { findRequestByReference } from './repository.ts';
import { requestNotFound } from './request-access.ts';
import { requireAgent } from './require-agent.ts';
import { agentContext } from './route-support.ts';
import type { SessionAgent } from './sessions.ts';
import { fileChooserPage, filedPage, fileFormPage, type FilingContact } from './views/file-on-behalf-page.ts';

const REFERENCE = /^[A-Z]{2,4}-\d{4}-[A-Z0-9]{3,12}$/;
const CHANNELS = ['telephone', 'guichet'] as const;
type Channel = (typeof CHANNELS)[number];

/**
 * Filing a démarche for a citizen on the phone or at the counter (« déposer pour une personne »):
 * any agent who takes calls and visits may, with the person's consent. The page's own fields
 * (how the person came, their consent) sit before the démarche's form, in the same form.
 */
export function registerFileOnBehalfRoutes(scope: FastifyInstance, services: Services): void {
  const maxUploadMb = Math.round((services.config.uploadMaxBytes / 1024 / 1024) * 10) / 10;

  function authorise(agent: SessionAgent, tenantId: string) {
    const actor = agentActor(tenantId, agent);
    if (!can(actor, 'record_contact', { kind: 'tenant', tenantId })) throw requestNotFound();
    return actor;
  }

  /** The noted call or visit given by `?contact=`, when this agent may see it; otherwise none. */
  async function contactOf(
    request: FastifyRequest,
    agent: SessionAgent,
    tenant: Tenant,
  ): Promise<(FilingContact & { id: string; email: string | null; phone: string | null }) | null> {
    const reference = queryParam(request, 'contact');
    if (!REFERENCE.test(reference)) return null;
    const scopeIds = requestScope(authorise(agent, tenant.id));
    const row = await inTenant(services.db, tenant.id, (trx) => findRequestByReference(trx, reference));
    if (!row || (scopeIds !== null && !scopeIds.includes(row.service_id))) return null;
    if (row.channel !== 'telephone' && row.channel !== 'guichet') return null;
    return {
      id: row.id,
      reference: row.reference,
      name: row.applicant_name ?? '',
      channel: row.channel,
      email: row.applicant_email,
      phone: row.applicant_phone,
    };
  }

  scope.get('/agent/deposer', async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenant = requireTenant(request);
    authorise(agent, tenant.id);
    const [demarches, contact] = await Promise.all([
      inTenant(services.db, tenant.id, (trx) => listFileableDemarches(trx)),
      contactOf(request, agent, tenant),
    ]);
    return sendHtml(
      reply,
      fileChooserPage(agentContext(request, agent), {
        demarches: demarches.map((d) => ({ slug: d.slug, title: d.title, serviceName: d.service_name })),
        contact,
      }),
    );
  });

  scope.get<{ Params: { slug: string } }>('/agent/demarches/:slug/deposer', async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenant = requireTenant(request);
    authorise(agent, tenant.id);
    const demarche = await loadOnlineForm(services, tenant, request.params.slug);
    const contact = await contactOf(request, agent, tenant);
    const values: RawAnswers = {};
    if (contact?.email) values.applicant_email = contact.email;
    if (contact?.phone) values.applicant_phone = contact.phone;
    return sendHtml(
      reply,
      fileFormPage(agentContext(request, agent), {
        demarche,
        state: { values, errors: [], filesToReattach: [] },
        channel: contact?.channel ?? 'telephone',
        consent: false,
        contact,
        maxUploadMb,
      }),
    );
  });

  // Files are read only after the CSRF token, for a signed-in agent and a démarche that exists.
  const formFiles = {
    maxFiles: 10,
    beforeFiles: async (request: FastifyRequest) => {
      const tenant = requireTenant(request);
      authorise(await requireAgent(request, services), tenant.id);
      await loadOnlineForm(services, tenant, (request.params as { slug: string }).slug);
    },
  };
  scope.post<{ Params: { slug: string } }>(
    '/agent/demarches/:slug/deposer',
    { config: { files: formFiles } },
    async (request, reply) => {
      const agent = await requireAgent(request, services);
      const tenant = requireTenant(request);
      authorise(agent, tenant.id);
      const demarche = await loadOnlineForm(services, tenant, request.params.slug);
      const contact = await contactOf(request, agent, tenant);
      const body = readFormBody(request);
      const {
        _csrf: _ignored,
        deposant_canal: rawChannel,
        deposant_accord: rawConsent,
        ...answers
      } = body.fields as RawAnswers;
      const channel = CHANNELS.find((c) => c === (Array.isArray(rawChannel) ? rawChannel[0] : rawChannel));
      const consent = (Array.isArray(rawConsent) ? rawConsent[0] : rawConsent) === 'oui';
      const own: FieldError[] = [];
      if (!channel) {
        own.push({
          field: 'deposant_canal',
          anchor: 'deposant_canal-telephone',
          message: 'Indiquez si la personne a appelé ou est venue à l’accueil.',
        });
      }
      if (!consent) {
        own.push({
          field: 'deposant_accord',
          anchor: 'deposant_accord',
          message: 'Demandez son accord à la personne avant de déposer la demande en son nom.',
        });
      }
      const again = (errors: FieldError[], filesToReattach: string[]) =>
        sendHtml(
          reply,
          fileFormPage(agentContext(request, agent), {
            demarche,
            state: { values: answers, errors, filesToReattach },
            channel: channel ?? '',
            consent,
            contact,
            maxUploadMb,
          }),
          400,
        );
      if (!channel || !consent) {
        const files = [...new Set(body.files.map((f) => f.fieldName))];
        return again(own, files);
      }
      const result = await fileRequestOnBehalf(services, tenant, {
        agent: { id: agent.id, name: agent.name },
        channel: channel satisfies Channel,
        demarcheSlug: demarche.slug,
        answers,
        files: body.files,
        baseUrl: requestBaseUrl(services.config, request),
        contact: contact ? { requestId: contact.id, reference: contact.reference } : null,
      });
      if (!result.ok) return again(result.errors, result.filesToReattach);
      const { reference, secret } = result.request;
      return reply.redirect(
        url(request, `/agent/demandes/${reference}/deposee?cle=${encodeURIComponent(secret)}`),
        303,
      );
    },
  );

  // The one page that shows the tracking code to the agent, to give to the person: authorised by
  // the code it carries, like the citizen's own confirmation page, and never cached.
  scope.get<{ Params: { reference: string } }>(
    '/agent/demandes/:reference/deposee',
    { config: { personalData: true } },
    async (request, reply) => {
      const agent = await requireAgent(request, services);
      const tenant = requireTenant(request);
      authorise(agent, tenant.id);
      if (!REFERENCE.test(request.params.reference)) throw requestNotFound();
      const secret = queryParam(request, 'cle');
      const tracked = await findTrackedRequest(services, tenant, request.params.reference, secret);
      return sendHtml(
        reply,
        filedPage(agentContext(request, agent), {
          reference: tracked.reference,
          secret,
          demarcheTitle: tracked.demarcheTitle,
          dueOn: tracked.dueOn,
          applicantEmail: tracked.applicantEmail,
          applicantName: tracked.applicantName,
        }),
      );
    },
  );
}
