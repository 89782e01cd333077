import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { inTenant, type Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import type { AgentActor } from '../../platform/policy.ts';
import { parseForm, type FieldError } from '../../platform/web/form.ts';
import { readFormBody } from '../../platform/web/form-body.ts';
import { url } from '../../platform/web/layout.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import { typedValue } from '../../platform/web/typed-values.ts';
import { can } from '../authorization.ts';
import { agentActor } from '../agents/policy.ts';
import { requireAgent } from '../agents/require-agent.ts';
import { agentContext } from '../agents/route-support.ts';
import type { SessionAgent } from '../agents/sessions.ts';
import { deleteReplyTemplate } from './delete-reply-template.ts';
import { BODY_MAX, replyTemplateForm, signatureForm, TITLE_MAX, type ReplyTemplateValues } from './forms.ts';
import { findTemplate, listAllTemplates, listServicesWithSignatures } from './repository.ts';
import { saveReplyTemplate } from './save-reply-template.ts';
import { setServiceSignature } from './set-service-signature.ts';
import {
  replyTemplateEditor,
  replyTemplatesPage,
  TEMPLATES_PAGE,
  type ReplyTemplatesPageInput,
} from './views/reply-templates-page.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const NOTICES: Record<string, string> = {
  enregistre: 'Le modèle est enregistré.',
  supprime: 'Le modèle est supprimé.',
  signature: 'La signature du service est enregistrée.',
};

function templateNotFound(): AppError {
  return new AppError('not_found', 'Ce modèle de réponse n’existe pas.');
}

/**
 * « Modèles de réponse »: administrators manage every template and signature, supervisors those
 * of their services (replies/policy.ts). Registered inside the agents' scope.
 */
export function registerReplyAdminRoutes(scope: FastifyInstance, services: Services): void {
  async function requireTemplateManager(request: FastifyRequest): Promise<{ agent: SessionAgent; actor: AgentActor }> {
    const agent = await requireAgent(request, services);
    const tenantId = requireTenant(request).id;
    const actor = agentActor(tenantId, agent);
    if (!can(actor, 'open_reply_templates', { kind: 'tenant', tenantId }))
      throw new AppError('forbidden', 'Cette page est réservée aux responsables de service et aux administrateurs.');
    return { agent, actor };
  }

  const mayManage = (actor: AgentActor, serviceId: string | null) =>
    can(actor, 'manage_reply_templates', { kind: 'service_scope', tenantId: actor.tenantId, serviceId });

  async function manageableServices(trx: Tx, actor: AgentActor) {
    return (await listServicesWithSignatures(trx)).filter((s) => mayManage(actor, s.id));
  }

  async function renderList(
    request: FastifyRequest,
    reply: FastifyReply,
    agent: SessionAgent,
    actor: AgentActor,
    extra: Pick<ReplyTemplatesPageInput, 'notice' | 'signatureForm'>,
    status = 200,
  ) {
    const { templates, servicesList } = await inTenant(services.db, actor.tenantId, async (trx) => ({
      templates: (await listAllTemplates(trx)).filter((t) => mayManage(actor, t.service_id)),
      servicesList: await manageableServices(trx, actor),
    }));
    const page = replyTemplatesPage(agentContext(request, agent), {
      templates,
      services: servicesList,
      isAdmin: actor.role === 'admin',
      ...extra,
    });
    return sendHtml(reply, page, status);
  }

  async function renderEditor(
    request: FastifyRequest,
    reply: FastifyReply,
    agent: SessionAgent,
    actor: AgentActor,
    form: { id: string | null; values: ReplyTemplateValues; errors: FieldError[] },
    status = 200,
  ) {
    const servicesList = await inTenant(services.db, actor.tenantId, (trx) => manageableServices(trx, actor));
    const page = replyTemplateEditor(agentContext(request, agent), {
      ...form,
      services: servicesList,
      allServices: mayManage(actor, null),
      isAdmin: actor.role === 'admin',
    });
    return sendHtml(reply, page, status);
  }

  /** The template of the URL, if the actor may manage it; otherwise « not found », like an unknown one. */
  async function manageableTemplate(request: FastifyRequest, actor: AgentActor) {
    const id = (request.params as { id: string }).id;
    if (!UUID.test(id)) throw templateNotFound();
    const template = await inTenant(services.db, actor.tenantId, (trx) => findTemplate(trx, id));
    if (!template || !mayManage(actor, template.service_id)) throw templateNotFound();
    return template;
  }

  async function save(request: FastifyRequest, reply: FastifyReply, id: string | null) {
    const { agent, actor } = await requireTemplateManager(request);
    if (id !== null) await manageableTemplate(request, actor);
    const { fields } = readFormBody(request);
    const values: ReplyTemplateValues = {
      titre: typedValue(fields, 'titre', TITLE_MAX * 2),
      service: typedValue(fields, 'service', 100),
      texte: typedValue(fields, 'texte', BODY_MAX * 2),
    };
    const again = (errors: FieldError[], status = 400) =>
      renderEditor(request, reply, agent, actor, { id, values, errors }, status);
    const form = parseForm(replyTemplateForm, fields);
    if (!form.ok) return again(form.errors);
    const serviceId = form.value.service === '' ? null : form.value.service;
    if ((serviceId !== null && !UUID.test(serviceId)) || !mayManage(actor, serviceId))
      return again([{ field: 'service', message: 'Choisissez un service de la liste.' }]);
    // « Relire »: the same page with the readability hint, nothing saved.
    if (typedValue(fields, 'action', 20) === 'relire') return again([], 200);
    const result = await inTenant(services.db, actor.tenantId, (trx) =>
      saveReplyTemplate(trx, {
        tenantId: actor.tenantId,
        id,
        title: form.value.titre,
        serviceId,
        body: form.value.texte,
      }),
    );
    if (!result.ok) return again(result.errors);
    return reply.redirect(url(request, `${TEMPLATES_PAGE}?fait=enregistre`), 303);
  }

  scope.get(TEMPLATES_PAGE, async (request, reply) => {
    const { agent, actor } = await requireTemplateManager(request);
    const done = queryParam(request, 'fait');
    return renderList(request, reply, agent, actor, {
      notice: Object.hasOwn(NOTICES, done) ? NOTICES[done] : undefined,
    });
  });

  scope.get(`${TEMPLATES_PAGE}/nouveau`, async (request, reply) => {
    const { agent, actor } = await requireTemplateManager(request);
    return renderEditor(request, reply, agent, actor, {
      id: null,
      values: { titre: '', service: '', texte: '' },
      errors: [],
    });
  });

  scope.post(`${TEMPLATES_PAGE}/nouveau`, async (request, reply) => save(request, reply, null));

  scope.get(`${TEMPLATES_PAGE}/:id`, async (request, reply) => {
    const { agent, actor } = await requireTemplateManager(request);
    const t = await manageableTemplate(request, actor);
    return renderEditor(request, reply, agent, actor, {
      id: t.id,
      values: { titre: t.title, service: t.service_id ?? '', texte: t.body },
      errors: [],
    });
  });

  scope.post(`${TEMPLATES_PAGE}/:id`, async (request, reply) =>
    save(request, reply, (request.params as { id: string }).id),
  );

  scope.post(`${TEMPLATES_PAGE}/:id/supprimer`, async (request, reply) => {
    const { actor } = await requireTemplateManager(request);
    const t = await manageableTemplate(request, actor);
    await inTenant(services.db, actor.tenantId, (trx) => deleteReplyTemplate(trx, t.id));
    return reply.redirect(url(request, `${TEMPLATES_PAGE}?fait=supprime`), 303);
  });

  scope.post('/agent/admin/signatures/:serviceId', async (request, reply) => {
    const { agent, actor } = await requireTemplateManager(request);
    const serviceId = (request.params as { serviceId: string }).serviceId;
    const known = UUID.test(serviceId)
      ? await inTenant(services.db, actor.tenantId, async (trx) =>
          (await manageableServices(trx, actor)).some((s) => s.id === serviceId),
        )
      : false;
    if (!known) throw new AppError('not_found', 'Ce service n’existe pas.');
    const { fields } = readFormBody(request);
    const form = parseForm(signatureForm, fields);
    const value = typedValue(fields, 'signature', 2000);
    const again = (errors: FieldError[]) =>
      renderList(request, reply, agent, actor, { signatureForm: { serviceId, errors, value } }, 400);
    if (!form.ok) return again(form.errors);
    const result = await inTenant(services.db, actor.tenantId, (trx) =>
      setServiceSignature(trx, { serviceId, signature: form.value.signature }),
    );
    if (!result.ok) return again(result.errors);
    return reply.redirect(url(request, `${TEMPLATES_PAGE}?fait=signature`), 303);
  });
}
