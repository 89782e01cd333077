import { tenantInboundAddress } from '../inbound-mail/inbound-address.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
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
import { changeRequestStatus } from '../requests/change-request-status.ts';
import { requestScope } from '../requests/policy.ts';
import {
  addTagForm,
  assignForm,
  bulkActionForm,
  contactForm,
  escalationForm,
  removeTagForm,
  internalNoteForm,
  replyForm,
  statusChangeForm,
  transferForm,
} from './forms.ts';
import { escalateRequest } from '../requests/escalate-request.ts';
import { cachedRoutingPlan } from '../requests/route-item.ts';
import { transferRequest } from '../requests/transfer-request.ts';
import { recordContact } from '../requests/record-contact.ts';
import { contactPage, type ContactPerson, type ContactValues } from './views/contact-page.ts';
import { authorisedPerson, isUuid, keptRecordOf } from '../people/person-access.ts';
import { peopleScope } from '../people/policy.ts';
import { personName } from '../people/present.ts';
import { searchPeople, type PersonRow } from '../people/repository.ts';
import { parseSearchQuery } from '../search/query.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { formatPhoneFr } from '../../platform/format.ts';
import { assignRequest } from '../requests/assign-request.ts';
import { REPLY_FILES_FIELD, replyToCitizen } from '../requests/reply-to-citizen.ts';
import { smsContactOf } from '../requests/sms-notice.ts';
import { isStale, parseRevision } from '../requests/revision.ts';
import { listAgentRequests } from './list-agent-requests.ts';
import { bulkSummaryParams, parseBulkSummary } from '../inbox/bulk-summary.ts';
import { applyBulkAction } from '../inbox/apply-bulk-action.ts';
import { inboxQueryString, parseInboxQuery, queryRecord } from '../inbox/inbox-query.ts';
import { addRequestTag, removeRequestTag } from '../inbox/tag-request.ts';
import { parseBulkForm } from './bulk-form.ts';
import { UUID } from './route-support.ts';
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
import { agentHelpPanel } from '../triage/agent-help-panel.ts';
import { requestComplaints } from '../complaints/request-complaints.ts';
import { inboxComplaintCheck } from '../complaints/inbox-complaint-check.ts';
import { requestListPage } from './views/request-list-page.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';
import { fillReplyTemplate } from '../replies/fill-reply-template.ts';
import { serviceSignature, templatesForService } from '../replies/repository.ts';

const REFERENCE = /^[A-Z]{2,4}-\d{4}-[A-Z0-9]{3,12}$/;
const NOTICES: Record<string, string> = {
  statut: 'Le statut de la demande est changé.',
  note: 'La note interne est ajoutée.',
  reponse: 'Votre réponse est envoyée à l’usager. Le statut n’a pas changé.',
  'reponse-sms': 'Votre réponse est envoyée à l’usager, prévenu aussi par SMS. Le statut n’a pas changé.',
  agent: 'La prise en charge est enregistrée.',
  contact: 'Le contact est noté. Il a son numéro, comme une demande en ligne.',
  etiquette: 'Les étiquettes de la demande sont à jour.',
  escalade: 'La demande est escaladée : les responsables du service sont prévenus.',
  usager: 'La demande est rattachée à l’autre fiche usager.',
};

/** Where the error summary of « Pour la sélection » leads, per field. */
const BULK_ANCHORS: Record<string, string> = {
  agent: 'bulk-agent',
  service: 'bulk-service',
  etiquette: 'bulk-tag',
  statut: 'bulk-statut',
  texte: 'bulk-texte',
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
          replySms: await smsContactOf(trx, r.id),
          ...(filled !== null
            ? {
                chosenTemplateId: templateId,
                form: { kind: 'reponse' as const, errors: [], values: { reponse: filled } },
              }
            : {}),
        },
      };
    });
    const ctx = agentContext(request, agent);
    // Suggestions for the agents who answer the item (triage module): its own short transaction.
    const helpPanel = detail.canReply ? await agentHelpPanel(services, ctx, tenant.id, detail) : undefined;
    const complaintPanel = await requestComplaints(services, ctx, {
      tenantId: tenant.id,
      agent,
      request: { id: detail.request.id, reference: detail.request.reference },
    });
    const page = requestDetailPage(ctx, {
      ...detail,
      viewerId: agent.id,
      today: parisDay(now),
      now,
      ...replies,
      ...pageExtra,
      helpPanel,
      complaintPanel,
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

  async function inbox(
    request: FastifyRequest,
    agent: SessionAgent,
    pageSize?: number,
    params = request.query as Record<string, unknown> | undefined,
  ) {
    const tenant = requireTenant(request);
    const actor = agentActor(tenant.id, agent);
    if (!can(actor, 'list_requests', { kind: 'tenant', tenantId: tenant.id })) throw requestNotFound();
    const now = services.clock.now();
    const calendar = await cachedTenantCalendar(services, tenant.id);
    const found = await inTenant(services.db, tenant.id, (trx) =>
      listAgentRequests(trx, {
        scopeIds: requestScope(actor),
        agentId: agent.id,
        params,
        now,
        departement: departementOfInsee(tenant.inseeCode),
        calendar,
        lead: actor.role !== 'agent',
        pageSize,
        withoutSavedViews: pageSize !== undefined,
      }),
    );
    return { ...found, now, actor, tenant };
  }

  scope.get('/agent/demandes', async (request, reply) => {
    const agent = await requireAgent(request, services);
    const found = await inbox(request, agent);
    const escalations =
      agent.role === 'supervisor' || agent.role === 'admin'
        ? await inTenant(services.db, found.tenant.id, (trx) => listEscalatedItems(trx, requestScope(found.actor)))
        : [];
    const ctx = agentContext(request, agent);
    const complaintCheck = await inboxComplaintCheck(services, ctx, { tenantId: found.tenant.id, agent });
    return sendHtml(
      reply,
      requestListPage(ctx, {
        ...found,
        viewerId: agent.id,
        today: parisDay(found.now),
        notice: transferNotice(request),
        bulkSummary: parseBulkSummary((name) => queryParam(request, name)),
        // The link to the agents page is shown to whoever the policy lets manage agents.
        isAdmin: can(found.actor, 'manage_agents', { kind: 'tenant', tenantId: found.tenant.id }),
        isSupervisor: can(found.actor, 'view_journal', { kind: 'tenant', tenantId: found.tenant.id }),
        canAssign: found.actor.role !== 'agent',
        escalations,
        complaintCheck,
      }),
      // The list is shown with what could be applied; the parameters it ignored make it a 400.
      found.errors.length > 0 ? 400 : 200,
    );
  });

  // The view as a spreadsheet: what the screen lists, every page (up to EXPORT_MAX_ROWS).
  scope.get('/agent/demandes.csv', async (request, reply) => {
    const agent = await requireAgent(request, services);
    const found = await inbox(request, agent, EXPORT_MAX_ROWS);
    if (found.errors.length > 0) {
      throw new AppError('invalid_input', found.errors.map((e) => e.message).join(' '));
    }
    request.log.info(
      { agentId: agent.id, view: found.query.view, rows: found.items.length },
      'inbox exported as CSV (references, démarches, applicants’ names)',
    );
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', attachmentDisposition(`demandes-${found.query.view}-${parisDay(found.now)}.csv`))
      .send(inboxToCsv(found.items));
  });

  // ---- A phone call or a counter visit, noted by the agent who took it ----

  async function contactServices(agent: SessionAgent, tenantId: string) {
    const actor = agentActor(tenantId, agent);
    if (!can(actor, 'record_contact', { kind: 'tenant', tenantId })) throw requestNotFound();
    const scopeIds = requestScope(actor);
    return { scopeIds, services: await inTenant(services.db, tenantId, (trx) => listServices(trx, scopeIds)) };
  }

  const contactPerson = (
    p: Pick<PersonRow, 'id' | 'given_name' | 'family_name' | 'display_name' | 'email' | 'phone'>,
  ): ContactPerson => ({
    id: p.id,
    name: personName(p),
    details: [p.email, p.phone ? formatPhoneFr(p.phone) : null].filter(Boolean).join(' · '),
  });

  /** The record chosen in « Qui », as the agent may see it (a merged one: the record it lives in). */
  async function chosenPerson(trx: Tx, tenantId: string, agent: SessionAgent, id: string): Promise<PersonRow | null> {
    if (!isUuid(id)) return null;
    const actor = agentActor(tenantId, agent);
    const { person } = await authorisedPerson(trx, actor, id);
    if (person.merged_into_id === null) return person;
    return (await authorisedPerson(trx, actor, await keptRecordOf(trx, person))).person;
  }

  /** The records « Qui » offers: the one chosen, then the search's matches. */
  async function contactPeople(tenantId: string, agent: SessionAgent, values: ContactValues, search: boolean) {
    return inTenant(services.db, tenantId, async (trx) => {
      const chosen = await chosenPerson(trx, tenantId, agent, values.usager);
      const matches =
        search && values.recherche.trim()
          ? await searchPeople(trx, {
              query: parseSearchQuery(values.recherche),
              scopeIds: peopleScope(agentActor(tenantId, agent)),
              limit: 10,
            })
          : [];
      return [...(chosen ? [chosen] : []), ...matches.filter((m) => m.id !== chosen?.id)].map(contactPerson);
    });
  }

  scope.get('/agent/contacts/nouveau', async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenant = requireTenant(request);
    const { services: choices } = await contactServices(agent, tenant.id);
    const values: ContactValues = {
      canal: 'telephone',
      usager: '',
      recherche: '',
      nom: '',
      telephone: '',
      courriel: '',
      objet: '',
      service: choices[0]?.id ?? '',
      suite: '',
      partenaire: '',
      notes: '',
    };
    // « Noter un appel » from a record: the form opens with that person chosen.
    const from = queryParam(request, 'usager');
    if (from && !isUuid(from))
      throw new AppError('not_found', "Cette fiche usager n'existe pas ou vous n'y avez pas accès.");
    const chosen = from
      ? await inTenant(services.db, tenant.id, (trx) => chosenPerson(trx, tenant.id, agent, from))
      : null;
    if (chosen) values.usager = chosen.id;
    const people = chosen ? [contactPerson(chosen)] : [];
    return sendHtml(
      reply,
      contactPage(agentContext(request, agent), { values, errors: [], services: choices, people }),
    );
  });

  scope.post('/agent/contacts/nouveau', async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenant = requireTenant(request);
    const { scopeIds, services: choices } = await contactServices(agent, tenant.id);
    const { fields } = readFormBody(request);
    const typed = (name: string, max = 300) => typedValue(fields, name, max);
    const values: ContactValues = {
      canal: typed('canal', 20),
      usager: typed('usager', 100),
      recherche: typed('recherche', 200),
      nom: typed('nom'),
      telephone: typed('telephone', 60),
      courriel: typed('courriel'),
      objet: typed('objet', 600),
      service: typed('service', 100),
      suite: typed('suite', 20),
      partenaire: typed('partenaire'),
      notes: typed('notes', 20_000),
    };
    // « Chercher », or Enter pressed (default button, no action) while the search box holds words
    // not searched yet and no record is chosen: the agent meant to search, not to save.
    const action = typed('action', 20);
    const searching =
      action === 'chercher' ||
      (action === '' &&
        values.recherche.trim() !== '' &&
        values.recherche.trim() !== typed('recherche_faite', 200).trim() &&
        !isUuid(values.usager));
    const people = await contactPeople(tenant.id, agent, values, searching);
    const render = (errors: FieldError[], status: number) =>
      sendHtml(
        reply,
        contactPage(agentContext(request, agent), { values, errors, services: choices, people, searched: searching }),
        status,
      );
    // « Chercher »: the same form again, everything typed kept, the matches to choose from.
    if (searching) return render([], 200);
    const again = (errors: FieldError[]) => render(errors, 400);
    const form = parseForm(contactForm, fields);
    // A name is needed unless a record is chosen; said with the form's other errors, in its order.
    const nameError =
      !isUuid(values.usager) && values.nom.trim() === ''
        ? [{ field: 'nom', message: 'Indiquez le nom de la personne, ou choisissez sa fiche.' }]
        : [];
    if (!form.ok || nameError.length > 0) {
      const order = Object.keys(contactForm.shape);
      const errors = [...(form.ok ? [] : form.errors), ...nameError];
      return again(errors.sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field)));
    }
    const person = isUuid(form.value.usager)
      ? await inTenant(services.db, tenant.id, (trx) => chosenPerson(trx, tenant.id, agent, form.value.usager))
      : null;
    const phone = form.value.telephone ? parsePhone(form.value.telephone) : null;
    if (form.value.telephone && !phone) {
      return again([{ field: 'telephone', message: 'Indiquez un numéro de téléphone, par exemple 06 12 34 56 78.' }]);
    }
    const routing = await cachedRoutingPlan(services, tenant.id);
    const result = await inTenant(services.db, tenant.id, (trx) =>
      recordContact(trx, {
        tenant,
        baseUrl: requestBaseUrl(services.config, request),
        inboundAddress: tenantInboundAddress(tenant, services.config.inbound.domain),
        sessionSecret: services.config.sessionSecret,
        surveyLinkDays: services.config.survey.linkDays,
        agent: { id: agent.id, name: agent.name },
        agentServiceIds: scopeIds,
        channel: form.value.canal,
        personId: person?.id ?? null,
        name: form.value.nom || (person ? personName(person) : ''),
        phone: phone ?? person?.phone ?? null,
        email: form.value.courriel || person?.email || null,
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
    services.mail.kick();
    // « Rendez-vous à fixer »: straight to the booking, for this person and this call.
    const next =
      form.value.suite === 'rendez-vous'
        ? `/agent/rendez-vous/nouveau?demande=${encodeURIComponent(result.value.reference)}`
        : `/agent/demandes/${encodeURIComponent(result.value.reference)}?fait=contact`;
    return reply.redirect(url(request, next), 303);
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
        inboundAddress: tenantInboundAddress(tenant, services.config.inbound.domain),
        sessionSecret: services.config.sessionSecret,
        surveyLinkDays: services.config.survey.linkDays,
        now: services.clock.now(),
      });
    });
    if (!result.ok) return again(result.errors, isStale(result.errors) ? 409 : 400);
    services.mail.kick();
    return reply.redirect(url(request, `/agent/demandes/${encodeURIComponent(reference)}?fait=statut`), 303);
  });

  // The only form of the request page that takes files (multipart): the reply's attachments.
  scope.post('/agent/demandes/:reference/reponse', { config: { files: { maxFiles: 5 } } }, async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenant = requireTenant(request);
    const reference = referenceParam(request);
    const { fields, files } = readFormBody(request);
    const values = { reponse: typedValue(fields, 'reponse', 20_000), sms: typedValue(fields, 'sms', 10) };
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
        files: files.filter((f) => f.fieldName === REPLY_FILES_FIELD),
        sms: form.value.sms,
        revision: parseRevision(form.value.revision),
        baseUrl: requestBaseUrl(services.config, request),
        inboundAddress: tenantInboundAddress(tenant, services.config.inbound.domain),
        sessionSecret: services.config.sessionSecret,
        mailAttachmentsMaxBytes: services.config.mailAttachmentsMaxBytes,
      });
    });
    if (!result.ok) return again(result.errors, isStale(result.errors) ? 409 : 400);
    services.mail.kick();
    const done = result.value.sms ? 'reponse-sms' : 'reponse';
    return reply.redirect(url(request, `/agent/demandes/${encodeURIComponent(reference)}?fait=${done}`), 303);
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
        now: services.clock.now(),
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

  // ---- Tags on an item ----

  async function changeTags(request: FastifyRequest, reply: FastifyReply, remove: boolean) {
    const agent = await requireAgent(request, services);
    const tenant = requireTenant(request);
    const reference = referenceParam(request);
    const { fields } = readFormBody(request);
    const values = { etiquette: remove ? '' : typedValue(fields, 'etiquette', 80) };
    const again = (errors: FieldError[], status = 400) =>
      renderDetail(request, reply, agent, reference, { form: { kind: 'etiquette', errors, values } }, status);
    const form = parseForm(remove ? removeTagForm : addTagForm, fields);
    if (!form.ok) return again(form.errors);
    const result = await inTenant(services.db, tenant.id, async (trx) => {
      const row = authorisedRequest(tenant.id, agent, 'tag_request', await findRequestByReference(trx, reference));
      const change = {
        tenantId: tenant.id,
        requestId: row.id,
        agentId: agent.id,
        agentName: agent.name,
        revision: parseRevision(form.value.revision),
      };
      if (!remove) return addRequestTag(trx, { ...change, label: form.value.etiquette });
      // Anything but a tag id is a tag that does not exist (the column is a uuid).
      if (!UUID.test(form.value.etiquette)) {
        return { ok: false as const, errors: [{ field: 'etiquette', message: 'Cette étiquette n’existe plus.' }] };
      }
      return removeRequestTag(trx, { ...change, tagId: form.value.etiquette });
    });
    if (!result.ok) return again(result.errors, isStale(result.errors) ? 409 : 400);
    return reply.redirect(url(request, `/agent/demandes/${encodeURIComponent(reference)}?fait=etiquette`), 303);
  }

  scope.post('/agent/demandes/:reference/etiquettes', (request, reply) => changeTags(request, reply, false));
  scope.post('/agent/demandes/:reference/etiquettes/retirer', (request, reply) => changeTags(request, reply, true));

  // ---- « Pour la sélection »: one action on several items of the list ----

  scope.post('/agent/demandes/selection', async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenant = requireTenant(request);
    const actor = agentActor(tenant.id, agent);
    if (!can(actor, 'list_requests', { kind: 'tenant', tenantId: tenant.id })) throw requestNotFound();
    const { fields } = readFormBody(request);
    const retour = typedValue(fields, 'retour', 2000);
    const again = async (formErrors: FieldError[]) => {
      const errors = formErrors.map((e) => ({ ...e, anchor: e.anchor ?? BULK_ANCHORS[e.field] ?? 'bulk-action' }));
      const found = await inbox(request, agent, undefined, queryRecord(retour));
      const page = requestListPage(agentContext(request, agent), {
        ...found,
        errors,
        viewerId: agent.id,
        today: parisDay(found.now),
        isAdmin: can(actor, 'manage_agents', { kind: 'tenant', tenantId: tenant.id }),
        canAssign: actor.role !== 'agent',
        bulkForm: {
          selected: ([] as unknown[]).concat(fields.selection ?? []).filter((v): v is string => typeof v === 'string'),
          values: {
            action: typedValue(fields, 'action', 20),
            agent: typedValue(fields, 'agent', 100),
            service: typedValue(fields, 'service', 100),
            etiquette: typedValue(fields, 'etiquette', 80),
            statut: typedValue(fields, 'statut', 40),
            texte: typedValue(fields, 'texte', 20_000),
          },
        },
      });
      return sendHtml(reply, page, 400);
    };
    const form = parseForm(bulkActionForm, fields);
    if (!form.ok) return again(form.errors);
    const checked = parseBulkForm(form.value, actor.role !== 'agent');
    if (!checked.ok) return again(checked.errors);
    const outcome = await applyBulkAction(services.db, {
      tenant,
      actor,
      agentName: agent.name,
      items: checked.value.items,
      action: checked.value.action,
      baseUrl: requestBaseUrl(services.config, request),
      sessionSecret: services.config.sessionSecret,
      surveyLinkDays: services.config.survey.linkDays,
      inboundAddress: tenantInboundAddress(tenant, services.config.inbound.domain),
      now: services.clock.now(),
    });
    if (outcome.done.length > 0) services.mail.kick();
    // Back to the same list (its filters, re-checked when read), with the summary.
    const back = new URLSearchParams(inboxQueryString(parseInboxQuery(queryRecord(retour)).query));
    for (const [k, v] of Object.entries(bulkSummaryParams(outcome))) back.set(k, v);
    return reply.redirect(url(request, `/agent/demandes?${back.toString()}`), 303);
  });
}
