import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { parseForm, type FieldError } from '../../platform/web/form.ts';
import { readFormBody } from '../../platform/web/form-body.ts';
import { url } from '../../platform/web/layout.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import { typedValue } from '../../platform/web/typed-values.ts';
import { can } from '../authorization.ts';
import { agentActor } from '../agents/policy.ts';
import { listServices } from '../agents/repository.ts';
import { requireAgent } from '../agents/require-agent.ts';
import { agentContext, UUID } from '../agents/route-support.ts';
import type { SessionAgent } from '../agents/sessions.ts';
import { requestScope } from '../requests/policy.ts';
import { deleteTag } from './delete-tag.ts';
import { deleteView } from './delete-view.ts';
import { renameTagForm, renameViewForm, saveViewForm } from './forms.ts';
import { inboxQueryString, parseInboxQuery, queryRecord } from './inbox-query.ts';
import { renameTag } from './rename-tag.ts';
import { renameView } from './rename-view.ts';
import { findSavedView, findTag, listSavedViews, listTags } from './repository.ts';
import { saveView } from './save-view.ts';
import { savedViewsPage, VIEWS_PAGE, type SavedViewsPageInput } from './views/saved-views-page.ts';
import { tagsPage, TAGS_PAGE, type TagsPageInput } from './views/tags-page.ts';

const TAG_NOTICES: Record<string, string> = {
  renommee: 'L’étiquette est renommée.',
  supprimee: 'L’étiquette est supprimée et retirée de ses demandes.',
};
const VIEW_NOTICES: Record<string, string> = {
  enregistree: 'La vue est enregistrée. Elle apparaît à côté des autres vues de la liste.',
  renommee: 'La vue est renommée.',
  supprimee: 'La vue est supprimée.',
};

function notFound(what: 'tag' | 'view'): AppError {
  return new AppError('not_found', what === 'tag' ? 'Cette étiquette n’existe pas.' : 'Cette vue n’existe pas.');
}

function idParam(request: FastifyRequest, what: 'tag' | 'view'): string {
  const id = (request.params as { id?: string }).id ?? '';
  if (!UUID.test(id)) throw notFound(what);
  return id;
}

/**
 * The inbox's own pages: the administrators' « Étiquettes » (rename, delete) and each agent's
 * saved views (save, rename, delete). Registered inside the agents' scope. The list, the tags
 * of an item and « Pour la sélection » are the agents module's request routes.
 */
export function registerInboxRoutes(scope: FastifyInstance, services: Services): void {
  // ---- Étiquettes (administrators) ----

  async function requireTagAdmin(request: FastifyRequest) {
    const agent = await requireAgent(request, services);
    const tenantId = requireTenant(request).id;
    if (!can(agentActor(tenantId, agent), 'manage_tags', { kind: 'tenant', tenantId }))
      throw new AppError('forbidden', 'Cette page est réservée aux administrateurs de la collectivité.');
    return { agent, tenantId };
  }

  async function renderTags(
    request: FastifyRequest,
    reply: FastifyReply,
    agent: SessionAgent,
    tenantId: string,
    extra: Omit<TagsPageInput, 'tags'>,
    status = 200,
  ) {
    const tags = await inTenant(services.db, tenantId, (trx) => listTags(trx));
    return sendHtml(reply, tagsPage(agentContext(request, agent), { tags, ...extra }), status);
  }

  scope.get(TAGS_PAGE, async (request, reply) => {
    const { agent, tenantId } = await requireTagAdmin(request);
    const done = queryParam(request, 'fait');
    return renderTags(request, reply, agent, tenantId, {
      notice: Object.hasOwn(TAG_NOTICES, done) ? TAG_NOTICES[done] : undefined,
    });
  });

  scope.post(`${TAGS_PAGE}/:id`, async (request, reply) => {
    const { agent, tenantId } = await requireTagAdmin(request);
    const tagId = idParam(request, 'tag');
    const { fields } = readFormBody(request);
    const value = typedValue(fields, 'libelle', 80);
    const again = (errors: FieldError[]) =>
      renderTags(request, reply, agent, tenantId, { form: { tagId, errors, value } }, 400);
    const form = parseForm(renameTagForm, fields);
    const result = await inTenant(services.db, tenantId, async (trx) => {
      if (!(await findTag(trx, tagId))) throw notFound('tag');
      return form.ok ? renameTag(trx, { tagId, label: form.value.libelle }) : form;
    });
    if (!result.ok) return again(result.errors.map((e) => ({ ...e, anchor: `libelle-${tagId}` })));
    return reply.redirect(url(request, `${TAGS_PAGE}?fait=renommee`), 303);
  });

  scope.post(`${TAGS_PAGE}/:id/supprimer`, async (request, reply) => {
    const { tenantId } = await requireTagAdmin(request);
    const tagId = idParam(request, 'tag');
    const label = await inTenant(services.db, tenantId, (trx) => deleteTag(trx, tagId));
    if (label === null) throw notFound('tag');
    return reply.redirect(url(request, `${TAGS_PAGE}?fait=supprimee`), 303);
  });

  // ---- Saved views (each agent's own) ----

  async function requireViewSaver(request: FastifyRequest) {
    const agent = await requireAgent(request, services);
    const tenantId = requireTenant(request).id;
    const actor = agentActor(tenantId, agent);
    if (!can(actor, 'save_inbox_views', { kind: 'tenant', tenantId })) throw notFound('view');
    return { agent, actor, tenantId };
  }

  async function renderViews(
    request: FastifyRequest,
    reply: FastifyReply,
    who: Awaited<ReturnType<typeof requireViewSaver>>,
    extra: Pick<SavedViewsPageInput, 'notice' | 'form'>,
    status = 200,
  ) {
    const scopeIds = requestScope(who.actor);
    const data = await inTenant(services.db, who.tenantId, async (trx) => ({
      views: await listSavedViews(trx, who.agent.id, scopeIds),
      services: await listServices(trx, scopeIds),
    }));
    const page = savedViewsPage(agentContext(request, who.agent), { ...data, viewerId: who.agent.id, ...extra });
    return sendHtml(reply, page, status);
  }

  /** A view the agent owns (another's, or an unknown one, is "not found"). */
  async function ownedView(tenantId: string, actor: ReturnType<typeof agentActor>, id: string) {
    const view = await inTenant(services.db, tenantId, (trx) => findSavedView(trx, id));
    if (!view || !can(actor, 'manage_saved_view', { kind: 'saved_view', tenantId, ownerAgentId: view.agent_id })) {
      throw notFound('view');
    }
    return view;
  }

  scope.get(VIEWS_PAGE, async (request, reply) => {
    const who = await requireViewSaver(request);
    const done = queryParam(request, 'fait');
    return renderViews(request, reply, who, {
      notice: Object.hasOwn(VIEW_NOTICES, done) ? VIEW_NOTICES[done] : undefined,
    });
  });

  scope.post(VIEWS_PAGE, async (request, reply) => {
    const who = await requireViewSaver(request);
    const { fields } = readFormBody(request);
    // The list's filters as checked now, written in their canonical form: never a raw string.
    const query = inboxQueryString(parseInboxQuery(queryRecord(typedValue(fields, 'requete', 2000))).query);
    const values = { nom: typedValue(fields, 'nom', 120), partage: typedValue(fields, 'partage', 100), requete: query };
    const again = (errors: FieldError[]) =>
      renderViews(request, reply, who, { form: { target: 'nouvelle', errors, values } }, 400);
    const form = parseForm(saveViewForm, fields);
    if (!form.ok) return again(form.errors);
    const shared = form.value.partage === '' ? null : UUID.test(form.value.partage) ? form.value.partage : 'invalide';
    const result = await inTenant(services.db, who.tenantId, (trx) =>
      shared === 'invalide'
        ? Promise.resolve({
            ok: false as const,
            errors: [{ field: 'partage', message: 'Choisissez l’un de vos services, ou aucun partage.' }],
          })
        : saveView(trx, {
            tenantId: who.tenantId,
            agentId: who.agent.id,
            name: form.value.nom,
            query,
            sharedServiceId: shared,
            allowedServiceIds: requestScope(who.actor),
          }),
    );
    if (!result.ok) return again(result.errors);
    return reply.redirect(url(request, `/agent/demandes${query ? `?${query}` : ''}`), 303);
  });

  scope.post(`${VIEWS_PAGE}/:id`, async (request, reply) => {
    const who = await requireViewSaver(request);
    const id = idParam(request, 'view');
    await ownedView(who.tenantId, who.actor, id);
    const { fields } = readFormBody(request);
    const values = { nom: typedValue(fields, 'nom', 120) };
    const again = (errors: FieldError[]) =>
      renderViews(
        request,
        reply,
        who,
        { form: { target: id, errors: errors.map((e) => ({ ...e, anchor: `nom-${id}` })), values } },
        400,
      );
    const form = parseForm(renameViewForm, fields);
    if (!form.ok) return again(form.errors);
    const result = await inTenant(services.db, who.tenantId, (trx) =>
      renameView(trx, { viewId: id, agentId: who.agent.id, name: form.value.nom, now: services.clock.now() }),
    );
    if (!result.ok) return again(result.errors);
    return reply.redirect(url(request, `${VIEWS_PAGE}?fait=renommee`), 303);
  });

  scope.post(`${VIEWS_PAGE}/:id/supprimer`, async (request, reply) => {
    const who = await requireViewSaver(request);
    const id = idParam(request, 'view');
    await ownedView(who.tenantId, who.actor, id);
    await inTenant(services.db, who.tenantId, (trx) => deleteView(trx, id));
    return reply.redirect(url(request, `${VIEWS_PAGE}?fait=supprimee`), 303);
  });
}
