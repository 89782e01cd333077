import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import type { RequestStatus } from '../../db/schema.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { parisDay } from '../../platform/format.ts';
import { uploadedFileHeaders } from '../../platform/web/download.ts';
import { parseForm, type FieldError } from '../../platform/web/form.ts';
import { readFormBody } from '../../platform/web/form-body.ts';
import { url } from '../../platform/web/layout.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import { typedValue } from '../../platform/web/typed-values.ts';
import { can } from '../authorization.ts';
import { addInternalNote } from '../requests/add-internal-note.ts';
import { changeRequestStatus, isRequestStatus } from '../requests/change-request-status.ts';
import { requestScope } from '../requests/policy.ts';
import { assignForm, internalNoteForm, replyForm, statusChangeForm } from './forms.ts';
import { assignRequest } from '../requests/assign-request.ts';
import { replyToCitizen } from '../requests/reply-to-citizen.ts';
import { isStale, parseRevision } from '../requests/revision.ts';
import { listAgentRequests } from './list-agent-requests.ts';
import { INBOX_VIEWS, type InboxView } from './repository.ts';
import { departementOfInsee } from '../requests/working-days.ts';
import { cachedTenantCalendar } from '../requests/tenant-calendar.ts';
import { openRequestDetail, openRequestDocument } from './open-request-detail.ts';
import { agentActor } from './policy.ts';
import { findRequestByReference } from './repository.ts';
import { authorisedRequest, requestNotFound } from './request-access.ts';
import { requireAgent } from './require-agent.ts';
import { agentContext } from './route-support.ts';
import type { SessionAgent } from './sessions.ts';
import { requestDetailPage, type RequestDetailPageInput } from './views/request-detail-page.ts';
import { requestListPage } from './views/request-list-page.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';

const REFERENCE = /^[A-Z]{2,4}-\d{4}-[A-Z0-9]{3,12}$/;
const NOTICES: Record<string, string> = {
  statut: 'Le statut de la demande est changé.',
  note: 'La note interne est ajoutée.',
  reponse: 'Votre réponse est envoyée à l’usager. Le statut n’a pas changé.',
  agent: 'La prise en charge est enregistrée.',
};

function referenceParam(request: FastifyRequest): string {
  const reference = (request.params as { reference?: string }).reference ?? '';
  if (!REFERENCE.test(reference)) throw requestNotFound();
  return reference;
}

/** The agents' work on requests: the list, a request's page and documents, status and notes. */
export function registerAgentRequestRoutes(scope: FastifyInstance, services: Services): void {
  async function renderDetail(
    request: FastifyRequest,
    reply: FastifyReply,
    agent: SessionAgent,
    reference: string,
    extra: Pick<RequestDetailPageInput, 'form' | 'notice'>,
    status = 200,
  ) {
    const tenant = requireTenant(request);
    const now = services.clock.now();
    const detail = await inTenant(services.db, tenant.id, (trx) =>
      openRequestDetail(trx, { tenantId: tenant.id, agent, reference, ip: request.ip, now }),
    );
    const page = requestDetailPage(agentContext(request, agent), {
      ...detail,
      viewerId: agent.id,
      today: parisDay(now),
      now,
      ...extra,
    });
    return sendHtml(reply, page, status);
  }

  scope.get('/agent/demandes', async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenant = requireTenant(request);
    const statusParam = queryParam(request, 'statut');
    const status: RequestStatus | null = isRequestStatus(statusParam) ? statusParam : null;
    const pageParam = Number(queryParam(request, 'page') || '1');
    const page = Number.isInteger(pageParam) && pageParam >= 1 && pageParam <= 100_000 ? pageParam : 1;
    const viewParam = queryParam(request, 'vue');
    // Without a view, the open items; a status asked for alone is looked for among all items.
    const view: InboxView = (INBOX_VIEWS as readonly string[]).includes(viewParam)
      ? (viewParam as InboxView)
      : status
        ? 'toutes'
        : 'ouvertes';
    const sort = queryParam(request, 'tri') === 'activite' ? 'activite' : 'echeance';
    const actor = agentActor(tenant.id, agent);
    if (!can(actor, 'list_requests', { kind: 'tenant', tenantId: tenant.id })) throw requestNotFound();
    const now = services.clock.now();
    const calendar = await cachedTenantCalendar(services, tenant.id);
    const found = await inTenant(services.db, tenant.id, (trx) =>
      listAgentRequests(trx, {
        scopeIds: requestScope(actor),
        agentId: agent.id,
        view,
        status,
        serviceParam: queryParam(request, 'service'),
        sort,
        now,
        departement: departementOfInsee(tenant.inseeCode),
        calendar,
        page,
      }),
    );
    return sendHtml(
      reply,
      requestListPage(agentContext(request, agent), {
        ...found,
        page,
        status,
        view,
        sort,
        today: parisDay(now),
        // The link to the agents page is shown to whoever the policy lets manage agents.
        isAdmin: can(actor, 'manage_agents', { kind: 'tenant', tenantId: tenant.id }),
      }),
    );
  });

  scope.get('/agent/demandes/:reference', async (request, reply) => {
    const agent = await requireAgent(request, services);
    const reference = referenceParam(request);
    const done = queryParam(request, 'fait');
    return renderDetail(request, reply, agent, reference, {
      notice: Object.hasOwn(NOTICES, done) ? NOTICES[done] : undefined,
    });
  });

  scope.get('/agent/demandes/:reference/documents/:id', async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenant = requireTenant(request);
    const reference = referenceParam(request);
    const id = (request.params as { id: string }).id;
    const doc = await inTenant(services.db, tenant.id, (trx) =>
      openRequestDocument(trx, {
        tenantId: tenant.id,
        agent,
        reference,
        documentId: id,
        ip: request.ip,
        now: services.clock.now(),
      }),
    );
    if (!doc) throw new AppError('not_found', "Ce document n'existe pas.");
    // A citizen's file is never run as a page of this site, even if a browser tried to open it.
    return reply.headers(uploadedFileHeaders(doc)).send(doc.content);
  });

  scope.post('/agent/demandes/:reference/statut', async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenant = requireTenant(request);
    const reference = referenceParam(request);
    const { fields } = readFormBody(request);
    const values = {
      statut: typedValue(fields, 'statut', 40),
      message: typedValue(fields, 'message', 20_000),
    };
    const again = (errors: FieldError[], status = 400) =>
      renderDetail(request, reply, agent, reference, { form: { kind: 'statut', errors, values } }, status);
    const form = parseForm(statusChangeForm, fields);
    if (!form.ok) return again(form.errors);
    const result = await inTenant(services.db, tenant.id, async (trx) => {
      const row = authorisedRequest(tenant.id, agent, 'change_status', await findRequestByReference(trx, reference));
      return changeRequestStatus(trx, {
        tenant,
        requestId: row.id,
        agentId: agent.id,
        to: form.value.statut,
        message: form.value.message,
        revision: parseRevision(form.value.revision),
        baseUrl: requestBaseUrl(services.config, request),
        sessionSecret: services.config.sessionSecret,
        now: services.clock.now(),
      });
    });
    if (!result.ok) return again(result.errors, isStale(result.errors) ? 409 : 400);
    services.mail.kick();
    return reply.redirect(url(request, `/agent/demandes/${encodeURIComponent(reference)}?fait=statut`), 303);
  });

  scope.post('/agent/demandes/:reference/reponse', async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenant = requireTenant(request);
    const reference = referenceParam(request);
    const { fields } = readFormBody(request);
    const values = { reponse: typedValue(fields, 'reponse', 20_000) };
    const again = (errors: FieldError[], status = 400) =>
      renderDetail(request, reply, agent, reference, { form: { kind: 'reponse', errors, values } }, status);
    const form = parseForm(replyForm, fields);
    if (!form.ok) return again(form.errors);
    const result = await inTenant(services.db, tenant.id, async (trx) => {
      const row = authorisedRequest(tenant.id, agent, 'reply', await findRequestByReference(trx, reference));
      return replyToCitizen(trx, {
        tenant,
        requestId: row.id,
        agentId: agent.id,
        message: form.value.reponse,
        revision: parseRevision(form.value.revision),
        baseUrl: requestBaseUrl(services.config, request),
        sessionSecret: services.config.sessionSecret,
      });
    });
    if (!result.ok) return again(result.errors, isStale(result.errors) ? 409 : 400);
    services.mail.kick();
    return reply.redirect(url(request, `/agent/demandes/${encodeURIComponent(reference)}?fait=reponse`), 303);
  });

  scope.post('/agent/demandes/:reference/prise-en-charge', async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenant = requireTenant(request);
    const reference = referenceParam(request);
    const { fields } = readFormBody(request);
    const again = (errors: FieldError[], status = 400) =>
      renderDetail(request, reply, agent, reference, { form: { kind: 'agent', errors, values: {} } }, status);
    const form = parseForm(assignForm, fields);
    if (!form.ok) return again(form.errors);
    const assigneeId = form.value.agent === '' ? null : form.value.agent;
    const result = await inTenant(services.db, tenant.id, async (trx) => {
      const found = await findRequestByReference(trx, reference);
      // Taking it oneself, or putting back one's own item, is any agent's; anything else a supervisor's.
      const own = assigneeId === agent.id || (assigneeId === null && found?.assigned_agent_id === agent.id);
      const row = authorisedRequest(tenant.id, agent, own ? 'take' : 'assign', found);
      return assignRequest(trx, {
        tenantId: tenant.id,
        requestId: row.id,
        agentId: agent.id,
        agentName: agent.name,
        assigneeId,
        revision: parseRevision(form.value.revision),
      });
    });
    if (!result.ok) return again(result.errors, isStale(result.errors) ? 409 : 400);
    return reply.redirect(url(request, `/agent/demandes/${encodeURIComponent(reference)}?fait=agent`), 303);
  });

  scope.post('/agent/demandes/:reference/notes', async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenant = requireTenant(request);
    const reference = referenceParam(request);
    const { fields } = readFormBody(request);
    const values = { note: typedValue(fields, 'note', 20_000) };
    const again = (errors: FieldError[]) =>
      renderDetail(request, reply, agent, reference, { form: { kind: 'note', errors, values } }, 400);
    const form = parseForm(internalNoteForm, fields);
    if (!form.ok) return again(form.errors);
    const result = await inTenant(services.db, tenant.id, async (trx) => {
      const row = authorisedRequest(tenant.id, agent, 'add_note', await findRequestByReference(trx, reference));
      return addInternalNote(trx, { tenantId: tenant.id, requestId: row.id, agentId: agent.id, body: form.value.note });
    });
    if (!result.ok) return again(result.errors);
    return reply.redirect(url(request, `/agent/demandes/${encodeURIComponent(reference)}?fait=note`), 303);
  });
}
