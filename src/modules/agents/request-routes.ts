import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import type { RequestStatus } from '../../db/schema.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { parisDay, parsePhone } from '../../platform/format.ts';
import { attachmentDisposition, uploadedFileHeaders } from '../../platform/web/download.ts';
import { EXPORT_MAX_ROWS, inboxToCsv } from './inbox-csv.ts';
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
import {
  assignForm,
  contactForm,
  escalationForm,
  internalNoteForm,
  replyForm,
  statusChangeForm,
  transferForm,
} from './forms.ts';
import { escalateRequest } from '../requests/escalate-request.ts';
import { transferRequest } from '../requests/transfer-request.ts';
import { recordContact } from '../requests/record-contact.ts';
import { cachedRoutingPlan } from '../requests/route-item.ts';
import { contactPage } from './views/contact-page.ts';
import { assignRequest } from '../requests/assign-request.ts';
import { replyToCitizen } from '../requests/reply-to-citizen.ts';
import { isStale, parseRevision } from '../requests/revision.ts';
import { listAgentRequests } from './list-agent-requests.ts';
import { INBOX_VIEWS, type InboxView } from './repository.ts';
import { departementOfInsee } from '../requests/working-days.ts';
import { cachedTenantCalendar } from '../requests/tenant-calendar.ts';
import { openRequestDetail, openRequestDocument } from './open-request-detail.ts';
import { agentActor } from './policy.ts';
import { findRequestByReference, listEscalatedItems, listServices } from './repository.ts';
import { authorisedRequest, requestNotFound } from './request-access.ts';
import { requireAgent } from './require-agent.ts';
import { agentContext } from './route-support.ts';
import type { SessionAgent } from './sessions.ts';
import { requestDetailPage, type RequestDetailPageInput } from './views/request-detail-page.ts';
import { requestListPage } from './views/request-list-page.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';
import { fillReplyTemplate } from '../replies/fill-reply-template.ts';
import { serviceSignature, templatesForService } from '../replies/repository.ts';

const REFERENCE = /^[A-Z]{2,4}-\d{4}-[A-Z0-9]{3,12}$/;
const NOTICES: Record<string, string> = {
  statut: 'Le statut de la demande est changé.',
  note: 'La note interne est ajoutée.',
  reponse: 'Votre réponse est envoyée à l’usager. Le statut n’a pas changé.',
  agent: 'La prise en charge est enregistrée.',
  contact: 'Le contact est noté. Il a son numéro, comme une demande en ligne.',
  escalade: 'La demande est escaladée : les responsables du service sont prévenus.',
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
    extra: Pick<RequestDetailPageInput, 'form' | 'notice'> & { templateId?: string },
    status = 200,
  ) {
    const tenant = requireTenant(request);
    const now = services.clock.now();
    const { templateId, ...pageExtra } = extra;
    const { detail, replies } = await inTenant(services.db, tenant.id, async (trx) => {
      const opened = await openRequestDetail(trx, { tenantId: tenant.id, agent, reference, ip: request.ip, now });
      if (!opened.canReply) return { detail: opened, replies: {} };
      const r = opened.request;
      // « Utiliser ce modèle »: the reply's textarea comes filled from the template (replies module).
      const filled = templateId
        ? await fillReplyTemplate(trx, {
            templateId,
            serviceId: r.service_id,
            values: {
              applicantName: r.applicant_name,
              reference: r.reference,
              dueOn: r.due_on,
              demarcheTitle: r.demarche_title,
              serviceName: r.service_name,
              agentName: agent.name,
            },
          })
        : null;
      return {
        detail: opened,
        replies: {
          replyTemplates: (await templatesForService(trx, r.service_id)).map((t) => ({ id: t.id, title: t.title })),
          replySignature: await serviceSignature(trx, r.service_id),
          ...(filled !== null
            ? {
                chosenTemplateId: templateId,
                form: { kind: 'reponse' as const, errors: [], values: { reponse: filled } },
              }
            : {}),
        },
      };
    });
    const page = requestDetailPage(agentContext(request, agent), {
      ...detail,
      viewerId: agent.id,
      today: parisDay(now),
      now,
      ...replies,
      ...pageExtra,
    });
    return sendHtml(reply, page, status);
  }

  /** After a transfer, the inbox says where the item went (the agent may no longer see it). */
  function transferNotice(request: FastifyRequest): string | undefined {
    const reference = queryParam(request, 'transferee');
    const to = queryParam(request, 'vers');
    if (!REFERENCE.test(reference) || to === '' || to.length > 200) return undefined;
    return `La demande ${reference} est transférée au service ${to}. Ses agents sont prévenus.`;
  }

  /** What an inbox URL asks for: its view, filters, order and page. */
  function inboxQuery(request: FastifyRequest) {
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
    const sort: 'echeance' | 'activite' = queryParam(request, 'tri') === 'activite' ? 'activite' : 'echeance';
    return { status, page, view, sort, serviceParam: queryParam(request, 'service') };
  }

  async function inbox(request: FastifyRequest, agent: SessionAgent, pageSize?: number) {
    const tenant = requireTenant(request);
    const query = inboxQuery(request);
    const actor = agentActor(tenant.id, agent);
    if (!can(actor, 'list_requests', { kind: 'tenant', tenantId: tenant.id })) throw requestNotFound();
    const now = services.clock.now();
    const calendar = await cachedTenantCalendar(services, tenant.id);
    const found = await inTenant(services.db, tenant.id, (trx) =>
      listAgentRequests(trx, {
        scopeIds: requestScope(actor),
        agentId: agent.id,
        view: query.view,
        status: query.status,
        serviceParam: query.serviceParam,
        sort: query.sort,
        now,
        departement: departementOfInsee(tenant.inseeCode),
        calendar,
        page: pageSize ? 1 : query.page,
        pageSize,
      }),
    );
    return { ...found, ...query, now, actor, tenant };
  }

  scope.get('/agent/demandes', async (request, reply) => {
    const agent = await requireAgent(request, services);
    const found = await inbox(request, agent);
    const escalations =
      agent.role === 'supervisor' || agent.role === 'admin'
        ? await inTenant(services.db, found.tenant.id, (trx) => listEscalatedItems(trx, requestScope(found.actor)))
        : [];
    return sendHtml(
      reply,
      requestListPage(agentContext(request, agent), {
        ...found,
        today: parisDay(found.now),
        notice: transferNotice(request),
        // The link to the agents page is shown to whoever the policy lets manage agents.
        isAdmin: can(found.actor, 'manage_agents', { kind: 'tenant', tenantId: found.tenant.id }),
        escalations,
      }),
    );
  });

  // The view as a spreadsheet: what the screen lists, every page (up to EXPORT_MAX_ROWS).
  scope.get('/agent/demandes.csv', async (request, reply) => {
    const agent = await requireAgent(request, services);
    const found = await inbox(request, agent, EXPORT_MAX_ROWS);
    request.log.info(
      { agentId: agent.id, view: found.view, rows: found.items.length },
      'inbox exported as CSV (references, démarches, applicants’ names)',
    );
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', attachmentDisposition(`demandes-${found.view}-${parisDay(found.now)}.csv`))
      .send(inboxToCsv(found.items));
  });

  // ---- A phone call or a counter visit, noted by the agent who took it ----

  async function contactServices(agent: SessionAgent, tenantId: string) {
    const actor = agentActor(tenantId, agent);
    if (!can(actor, 'record_contact', { kind: 'tenant', tenantId })) throw requestNotFound();
    const scopeIds = requestScope(actor);
    return { scopeIds, services: await inTenant(services.db, tenantId, (trx) => listServices(trx, scopeIds)) };
  }

  scope.get('/agent/contacts/nouveau', async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenant = requireTenant(request);
    const { services: choices } = await contactServices(agent, tenant.id);
    const values = {
      canal: 'telephone',
      nom: '',
      telephone: '',
      courriel: '',
      objet: '',
      service: choices[0]?.id ?? '',
      suite: '',
      partenaire: '',
      notes: '',
    };
    return sendHtml(reply, contactPage(agentContext(request, agent), { values, errors: [], services: choices }));
  });

  scope.post('/agent/contacts/nouveau', async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenant = requireTenant(request);
    const { scopeIds, services: choices } = await contactServices(agent, tenant.id);
    const { fields } = readFormBody(request);
    const typed = (name: string, max = 300) => typedValue(fields, name, max);
    const values = {
      canal: typed('canal', 20),
      nom: typed('nom'),
      telephone: typed('telephone', 60),
      courriel: typed('courriel'),
      objet: typed('objet', 600),
      service: typed('service', 100),
      suite: typed('suite', 20),
      partenaire: typed('partenaire'),
      notes: typed('notes', 20_000),
    };
    const again = (errors: FieldError[]) =>
      sendHtml(reply, contactPage(agentContext(request, agent), { values, errors, services: choices }), 400);
    const form = parseForm(contactForm, fields);
    if (!form.ok) return again(form.errors);
    const phone = form.value.telephone ? parsePhone(form.value.telephone) : null;
    if (form.value.telephone && !phone) {
      return again([{ field: 'telephone', message: 'Indiquez un numéro de téléphone, par exemple 06 12 34 56 78.' }]);
    }
    const routing = await cachedRoutingPlan(services, tenant.id);
    const result = await inTenant(services.db, tenant.id, (trx) =>
      recordContact(trx, {
        tenant,
        sessionSecret: services.config.sessionSecret,
        agent: { id: agent.id, name: agent.name },
        agentServiceIds: scopeIds,
        channel: form.value.canal,
        name: form.value.nom,
        phone,
        email: form.value.courriel || null,
        subject: form.value.objet,
        serviceId: form.value.service === '' ? null : form.value.service,
        routing,
        outcome: form.value.suite,
        partner: form.value.partenaire,
        notes: form.value.notes,
        now: services.clock.now(),
      }),
    );
    if (!result.ok) return again(result.errors);
    return reply.redirect(
      url(request, `/agent/demandes/${encodeURIComponent(result.value.reference)}?fait=contact`),
      303,
    );
  });

  scope.get('/agent/demandes/:reference', async (request, reply) => {
    const agent = await requireAgent(request, services);
    const reference = referenceParam(request);
    const done = queryParam(request, 'fait');
    const templateId = queryParam(request, 'modele');
    return renderDetail(request, reply, agent, reference, {
      notice: Object.hasOwn(NOTICES, done) ? NOTICES[done] : undefined,
      ...(templateId ? { templateId } : {}),
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
    // « Relire sans envoyer »: the page again, with the readability hint under the reply.
    if (typedValue(fields, 'action', 20) === 'relire') return again([], 200);
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
        byLead: agent.role === 'supervisor' || agent.role === 'admin',
      });
    });
    if (!result.ok) return again(result.errors, isStale(result.errors) ? 409 : 400);
    return reply.redirect(url(request, `/agent/demandes/${encodeURIComponent(reference)}?fait=agent`), 303);
  });

  scope.post('/agent/demandes/:reference/transfert', async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenant = requireTenant(request);
    const reference = referenceParam(request);
    const { fields } = readFormBody(request);
    const values = { service: typedValue(fields, 'service', 100), motif: typedValue(fields, 'motif', 4_000) };
    const again = (errors: FieldError[], status = 400) =>
      renderDetail(request, reply, agent, reference, { form: { kind: 'transfert', errors, values } }, status);
    const form = parseForm(transferForm, fields);
    if (!form.ok) return again(form.errors);
    const result = await inTenant(services.db, tenant.id, async (trx) => {
      const row = authorisedRequest(tenant.id, agent, 'transfer', await findRequestByReference(trx, reference));
      return transferRequest(trx, {
        tenantId: tenant.id,
        requestId: row.id,
        agentId: agent.id,
        agentName: agent.name,
        serviceId: form.value.service,
        reason: form.value.motif,
        revision: parseRevision(form.value.revision),
        baseUrl: requestBaseUrl(services.config, request),
      });
    });
    if (!result.ok) return again(result.errors, isStale(result.errors) ? 409 : 400);
    services.mail.kick();
    // The item may now be outside this agent's services: back to the inbox, which says where it went.
    const done = new URLSearchParams({ transferee: reference, vers: result.value.serviceName });
    return reply.redirect(url(request, `/agent/demandes?${done.toString()}`), 303);
  });

  scope.post('/agent/demandes/:reference/escalade', async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenant = requireTenant(request);
    const reference = referenceParam(request);
    const { fields } = readFormBody(request);
    const values = { escalade: typedValue(fields, 'escalade', 4_000) };
    const again = (errors: FieldError[], status = 400) =>
      renderDetail(request, reply, agent, reference, { form: { kind: 'escalade', errors, values } }, status);
    const form = parseForm(escalationForm, fields);
    if (!form.ok) return again(form.errors);
    const result = await inTenant(services.db, tenant.id, async (trx) => {
      const row = authorisedRequest(tenant.id, agent, 'escalate', await findRequestByReference(trx, reference));
      return escalateRequest(trx, {
        tenantId: tenant.id,
        tenantName: tenant.name,
        requestId: row.id,
        agentId: agent.id,
        agentName: agent.name,
        reason: form.value.escalade,
        revision: parseRevision(form.value.revision),
        baseUrl: requestBaseUrl(services.config, request),
        now: services.clock.now(),
      });
    });
    if (!result.ok) return again(result.errors, isStale(result.errors) ? 409 : 400);
    services.mail.kick();
    return reply.redirect(url(request, `/agent/demandes/${encodeURIComponent(reference)}?fait=escalade`), 303);
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
      return addInternalNote(trx, {
        tenantId: tenant.id,
        requestId: row.id,
        agentId: agent.id,
        body: form.value.note,
        mentions: {
          tenantName: tenant.name,
          reference,
          authorName: agent.name,
          baseUrl: requestBaseUrl(services.config, request),
        },
      });
    });
    if (!result.ok) return again(result.errors);
    if (result.value.mentioned > 0) services.mail.kick();
    return reply.redirect(url(request, `/agent/demandes/${encodeURIComponent(reference)}?fait=note`), 303);
  });
}
