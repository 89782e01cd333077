import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { parisDay } from '../../platform/format.ts';
import type { AgentActor, ArticleResource } from '../../platform/policy.ts';
import { uploadedFileHeaders } from '../../platform/web/download.ts';
import { readFormBody } from '../../platform/web/form-body.ts';
import { parseForm, type FieldError } from '../../platform/web/form.ts';
import { url } from '../../platform/web/layout.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import { typedValue } from '../../platform/web/typed-values.ts';
import { can } from '../authorization.ts';
import { agentActor } from '../agents/policy.ts';
import { requireAgent } from '../agents/require-agent.ts';
import { agentContext, UUID } from '../agents/route-support.ts';
import type { SessionAgent } from '../agents/sessions.ts';
import { listServices } from '../catalogue/repository.ts';
import { parseDay } from '../routing/forms.ts';
import { addArticleAttachment } from './add-article-attachment.ts';
import { deleteArticleAttachment } from './delete-article-attachment.ts';
import {
  articleForm,
  linkForm,
  ownerForm,
  parseVersion,
  splitKeywords,
  versionForm,
  type ArticleValues,
  type ListQuery,
} from './forms.ts';
import { linkArticles } from './link-articles.ts';
import { articleNotFound, lockedArticle } from './locked-article.ts';
import { publishArticle } from './publish-article.ts';
import {
  findArticle,
  findAttachment,
  findVersion,
  listActiveAgents,
  listArticles,
  listAttachments,
  listLinkablePages,
  listLinkedPages,
  listVersions,
  type Article,
  type ArticleVersion,
} from './repository.ts';
import { restoreArticleVersion } from './restore-article-version.ts';
import { returnArticleToDraft } from './return-article-to-draft.ts';
import { saveArticle } from './save-article.ts';
import { sendArticleToReview } from './send-article-to-review.ts';
import { setArticleOwner } from './set-article-owner.ts';
import { unlinkArticles } from './unlink-articles.ts';
import { unpublishArticle } from './unpublish-article.ts';
import { articleEditor, emptyArticleValues } from './views/article-editor.ts';
import { articlePage, type ArticlePageInput } from './views/article-page.ts';
import { KNOWLEDGE_PATH } from './views/article-parts.ts';
import { historyPage, versionPage } from './views/history-page.ts';
import { knowledgeListPage } from './views/knowledge-list-page.ts';

const NOTICES: Record<string, string> = {
  enregistre: 'Le brouillon est enregistré. Envoyez-le en relecture quand il est prêt.',
  relecture: 'La page est envoyée en relecture.',
  brouillon: 'La page est remise en brouillon.',
  publie: 'La page est publiée.',
  depublie: 'La page est dépubliée : les habitants ne la voient plus.',
  responsable: 'Le responsable et la date de relecture sont enregistrés.',
  fichier: 'Le fichier est joint.',
  fichier_retire: 'Le fichier est retiré.',
  lien: 'Le lien est ajouté.',
  lien_retire: 'Le lien est retiré.',
  restaure: 'La version est restaurée en brouillon.',
};

/** The article's services: the published page's and its latest version's. */
function articleResource(
  tenantId: string,
  article: Article,
  version: Pick<ArticleVersion, 'serviceId'>,
): ArticleResource {
  return { kind: 'article', tenantId, serviceIds: [...new Set([article.pageServiceId, version.serviceId])] };
}

/**
 * « Base de connaissances » (/agent/connaissances): every agent reads and proposes, supervisors of
 * the article's service and administrators publish (knowledge/policy.ts). Registered inside the
 * agents' scope (login redirects, no-store).
 */
export function registerKnowledgeRoutes(scope: FastifyInstance, services: Services): void {
  async function requireReader(request: FastifyRequest): Promise<{ agent: SessionAgent; actor: AgentActor }> {
    const agent = await requireAgent(request, services);
    const tenantId = requireTenant(request).id;
    const actor = agentActor(tenantId, agent);
    if (!can(actor, 'read_knowledge', { kind: 'tenant', tenantId }))
      throw new AppError('forbidden', 'Cette page est réservée aux agents de la collectivité.');
    return { agent, actor };
  }

  async function requireWriter(request: FastifyRequest) {
    const found = await requireReader(request);
    if (!can(found.actor, 'write_articles', { kind: 'tenant', tenantId: found.actor.tenantId }))
      throw new AppError('forbidden', 'Vous ne pouvez pas modifier la base de connaissances.');
    return found;
  }

  function idParam(request: FastifyRequest): string {
    const id = (request.params as { id: string }).id;
    if (!UUID.test(id)) throw articleNotFound();
    return id;
  }

  const now = () => services.clock.now();

  /** The article and its latest version, or « not found » (a contact démarche is no article). */
  async function loadArticle(tenantId: string, id: string) {
    return inTenant(services.db, tenantId, async (trx) => {
      // A page made outside the knowledge base gets its version 1 when first opened.
      const article =
        (await findArticle(trx, id)) ?? (await lockedArticle(trx, { tenantId, demarcheId: id, now: now() }));
      const version = await findVersion(trx, id, article.latestVersion);
      if (!version || article.kind === 'contact') throw articleNotFound();
      return { article, version };
    });
  }

  function redirectTo(request: FastifyRequest, reply: FastifyReply, id: string, done: string) {
    return reply.redirect(url(request, `${KNOWLEDGE_PATH}/${id}?fait=${done}`), 303);
  }

  async function renderArticle(
    request: FastifyRequest,
    reply: FastifyReply,
    agent: SessionAgent,
    actor: AgentActor,
    id: string,
    form?: ArticlePageInput['form'],
  ) {
    const { article, version } = await loadArticle(actor.tenantId, id);
    const resource = articleResource(actor.tenantId, article, version);
    const may = {
      publish: can(actor, 'publish_article', resource),
      unpublish: can(actor, 'unpublish_article', resource),
      setOwner: can(actor, 'set_article_owner', resource),
      link: can(actor, 'link_articles', resource),
    };
    const extra = await inTenant(services.db, actor.tenantId, async (trx) => ({
      attachments: await listAttachments(trx, id),
      links: await listLinkedPages(trx, id),
      agents: may.setOwner ? await listActiveAgents(trx) : [],
      linkable: may.link ? await listLinkablePages(trx) : [],
    }));
    const done = queryParam(request, 'fait');
    const page = articlePage(agentContext(request, agent), {
      article,
      version,
      ...extra,
      may,
      today: parisDay(now()),
      notice: Object.hasOwn(NOTICES, done) ? NOTICES[done] : undefined,
      form,
    });
    return sendHtml(reply, page, form ? 400 : 200);
  }

  /** The article for a change that needs more than proposing: refused (403) without the rule. */
  async function authorisedArticle(
    actor: AgentActor,
    id: string,
    action: 'publish_article' | 'unpublish_article' | 'set_article_owner' | 'link_articles',
  ) {
    const found = await loadArticle(actor.tenantId, id);
    if (!can(actor, action, articleResource(actor.tenantId, found.article, found.version)))
      throw new AppError(
        'forbidden',
        'Seuls les responsables du service de cette page et les administrateurs le peuvent.',
      );
    return found;
  }

  // ---- The list ----

  scope.get(KNOWLEDGE_PATH, async (request, reply) => {
    const { agent, actor } = await requireReader(request);
    const state = queryParam(request, 'etat');
    const service = queryParam(request, 'service');
    const audience = queryParam(request, 'public');
    const query: ListQuery = {
      etat: state === 'brouillon' || state === 'relecture' || state === 'publie' ? state : '',
      service: UUID.test(service) ? service : '',
      public: audience === 'public' || audience === 'internal' ? audience : '',
      arelire: queryParam(request, 'arelire') === '1',
      titre: queryParam(request, 'titre').trim().slice(0, 100),
    };
    const { articles, servicesList } = await inTenant(services.db, actor.tenantId, async (trx) => ({
      articles: await listArticles(
        trx,
        {
          state: query.etat || undefined,
          serviceId: query.service || undefined,
          audience: query.public || undefined,
          stale: query.arelire,
          title: query.titre || undefined,
        },
        parisDay(now()),
      ),
      servicesList: await listServices(trx),
    }));
    return sendHtml(
      reply,
      knowledgeListPage(agentContext(request, agent), { articles, query, services: servicesList }),
    );
  });

  // ---- The editor ----

  async function renderEditor(
    request: FastifyRequest,
    reply: FastifyReply,
    agent: SessionAgent,
    input: {
      demarcheId: string | null;
      currentTitle: string | null;
      values: ArticleValues;
      errors: FieldError[];
      preview: boolean;
      conflict?: { latest: number };
    },
    status = 200,
  ) {
    const servicesList = await inTenant(services.db, requireTenant(request).id, (trx) => listServices(trx));
    return sendHtml(reply, articleEditor(agentContext(request, agent), { ...input, services: servicesList }), status);
  }

  async function save(request: FastifyRequest, reply: FastifyReply, demarcheId: string | null) {
    const { agent, actor } = await requireWriter(request);
    const current = demarcheId ? await loadArticle(actor.tenantId, demarcheId) : null;
    const { fields } = readFormBody(request);
    const values: ArticleValues = {
      titre: typedValue(fields, 'titre', 400),
      resume: typedValue(fields, 'resume', 1000),
      texte: typedValue(fields, 'texte', 100_000),
      mots_cles: typedValue(fields, 'mots_cles', 2000),
      service: typedValue(fields, 'service', 100),
      public: typedValue(fields, 'public', 20),
      note: typedValue(fields, 'note', 1000),
      version: typedValue(fields, 'version', 10),
    };
    const currentTitle = current?.version.title ?? null;
    const again = (
      errors: FieldError[],
      status = 400,
      extra: { preview?: boolean; conflict?: { latest: number } } = {},
    ) =>
      renderEditor(
        request,
        reply,
        agent,
        { demarcheId, currentTitle, values, errors, preview: extra.preview ?? false, conflict: extra.conflict },
        status,
      );
    const form = parseForm(articleForm, fields);
    if (!form.ok) return again(form.errors);
    if (!UUID.test(form.value.service))
      return again([{ field: 'service', message: 'Choisissez un service de la liste.' }]);
    // « Prévisualiser »: the same page with the preview and the readability hint, nothing saved.
    if (typedValue(fields, 'action', 20) === 'previsualiser') return again([], 200, { preview: true });
    const result = await inTenant(services.db, actor.tenantId, (trx) =>
      saveArticle(trx, {
        tenantId: actor.tenantId,
        demarcheId,
        baseVersion: parseVersion(form.value.version),
        title: form.value.titre,
        summary: form.value.resume.replace(/\s+/g, ' '),
        bodyMarkdown: form.value.texte,
        keywords: splitKeywords(form.value.mots_cles),
        serviceId: form.value.service,
        audience: form.value.public,
        note: form.value.note,
        authorId: agent.id,
        now: now(),
      }),
    );
    if (!result.ok) {
      if (result.conflict) {
        // Saving again after reading the message is a choice made knowingly: from the latest version.
        values.version = String(result.conflict.latest);
        return again(result.errors, 409, { conflict: { latest: result.conflict.latest } });
      }
      return again(result.errors);
    }
    return redirectTo(request, reply, result.value.demarcheId, 'enregistre');
  }

  scope.get(`${KNOWLEDGE_PATH}/nouvelle`, async (request, reply) => {
    const { agent } = await requireWriter(request);
    return renderEditor(request, reply, agent, {
      demarcheId: null,
      currentTitle: null,
      values: emptyArticleValues(agent.serviceIds[0] ?? ''),
      errors: [],
      preview: false,
    });
  });

  scope.post(`${KNOWLEDGE_PATH}/nouvelle`, async (request, reply) => save(request, reply, null));

  scope.get(`${KNOWLEDGE_PATH}/:id`, async (request, reply) => {
    const { agent, actor } = await requireReader(request);
    return renderArticle(request, reply, agent, actor, idParam(request));
  });

  scope.get(`${KNOWLEDGE_PATH}/:id/modifier`, async (request, reply) => {
    const { agent, actor } = await requireWriter(request);
    const id = idParam(request);
    const { version: v } = await loadArticle(actor.tenantId, id);
    return renderEditor(request, reply, agent, {
      demarcheId: id,
      currentTitle: v.title,
      values: {
        titre: v.title,
        resume: v.summary,
        texte: v.bodyMarkdown,
        mots_cles: v.keywords.join(', '),
        service: v.serviceId,
        public: v.audience,
        note: '',
        version: String(v.number),
      },
      errors: [],
      preview: false,
    });
  });

  scope.post(`${KNOWLEDGE_PATH}/:id/modifier`, async (request, reply) => save(request, reply, idParam(request)));

  // ---- The workflow ----

  function versionOf(request: FastifyRequest): number {
    const form = parseForm(versionForm, readFormBody(request).fields);
    const version = form.ok ? parseVersion(form.value.version) : null;
    if (version === null) throw new AppError('validation_failed', 'Le formulaire est incomplet : rechargez la page.');
    return version;
  }

  scope.post(`${KNOWLEDGE_PATH}/:id/relecture`, async (request, reply) => {
    const { actor } = await requireWriter(request);
    const id = idParam(request);
    await loadArticle(actor.tenantId, id);
    const version = versionOf(request);
    await inTenant(services.db, actor.tenantId, (trx) =>
      sendArticleToReview(trx, { tenantId: actor.tenantId, demarcheId: id, version, now: now() }),
    );
    return redirectTo(request, reply, id, 'relecture');
  });

  scope.post(`${KNOWLEDGE_PATH}/:id/brouillon`, async (request, reply) => {
    const { actor } = await requireWriter(request);
    const id = idParam(request);
    await loadArticle(actor.tenantId, id);
    const version = versionOf(request);
    await inTenant(services.db, actor.tenantId, (trx) =>
      returnArticleToDraft(trx, { tenantId: actor.tenantId, demarcheId: id, version, now: now() }),
    );
    return redirectTo(request, reply, id, 'brouillon');
  });

  scope.post(`${KNOWLEDGE_PATH}/:id/publier`, async (request, reply) => {
    const { agent, actor } = await requireReader(request);
    const id = idParam(request);
    await authorisedArticle(actor, id, 'publish_article');
    const version = versionOf(request);
    await inTenant(services.db, actor.tenantId, (trx) =>
      publishArticle(trx, { tenantId: actor.tenantId, demarcheId: id, agentId: agent.id, version, now: now() }),
    );
    // This process answers at once; others within their caches' minute.
    services.caches.clear();
    return redirectTo(request, reply, id, 'publie');
  });

  scope.post(`${KNOWLEDGE_PATH}/:id/depublier`, async (request, reply) => {
    const { actor } = await requireReader(request);
    const id = idParam(request);
    await authorisedArticle(actor, id, 'unpublish_article');
    await inTenant(services.db, actor.tenantId, (trx) =>
      unpublishArticle(trx, { tenantId: actor.tenantId, demarcheId: id, now: now() }),
    );
    services.caches.clear();
    return redirectTo(request, reply, id, 'depublie');
  });

  scope.post(`${KNOWLEDGE_PATH}/:id/responsable`, async (request, reply) => {
    const { agent, actor } = await requireReader(request);
    const id = idParam(request);
    await authorisedArticle(actor, id, 'set_article_owner');
    const { fields } = readFormBody(request);
    const values = {
      responsable: typedValue(fields, 'responsable', 100),
      relire_avant: typedValue(fields, 'relire_avant', 40),
    };
    const again = (errors: FieldError[]) =>
      renderArticle(request, reply, agent, actor, id, { kind: 'responsable', errors, values });
    const form = parseForm(ownerForm, fields);
    if (!form.ok) return again(form.errors);
    const ownerId = form.value.responsable === '' ? null : form.value.responsable;
    if (ownerId !== null && !UUID.test(ownerId))
      return again([{ field: 'responsable', message: 'Choisissez un agent de la liste.' }]);
    const reviewOn = form.value.relire_avant === '' ? null : parseDay(form.value.relire_avant);
    if (form.value.relire_avant !== '' && reviewOn === null)
      return again([{ field: 'relire_avant', message: 'Indiquez une date comme 31/12/2027.' }]);
    const result = await inTenant(services.db, actor.tenantId, (trx) =>
      setArticleOwner(trx, { tenantId: actor.tenantId, demarcheId: id, ownerId, reviewOn, now: now() }),
    );
    if (!result.ok) return again(result.errors);
    return redirectTo(request, reply, id, 'responsable');
  });

  // ---- History ----

  scope.get(`${KNOWLEDGE_PATH}/:id/historique`, async (request, reply) => {
    const { agent, actor } = await requireReader(request);
    const id = idParam(request);
    const { article, version } = await loadArticle(actor.tenantId, id);
    const versions = await inTenant(services.db, actor.tenantId, (trx) => listVersions(trx, id));
    return sendHtml(reply, historyPage(agentContext(request, agent), { article, title: version.title, versions }));
  });

  function numberParam(request: FastifyRequest): number {
    const number = parseVersion((request.params as { number: string }).number);
    if (number === null) throw new AppError('not_found', 'Cette version n’existe pas.');
    return number;
  }

  scope.get(`${KNOWLEDGE_PATH}/:id/versions/:number`, async (request, reply) => {
    const { agent, actor } = await requireReader(request);
    const id = idParam(request);
    const number = numberParam(request);
    const { article } = await loadArticle(actor.tenantId, id);
    const version = await inTenant(services.db, actor.tenantId, (trx) => findVersion(trx, id, number));
    if (!version) throw new AppError('not_found', 'Cette version n’existe pas.');
    return sendHtml(reply, versionPage(agentContext(request, agent), { article, version }));
  });

  scope.post(`${KNOWLEDGE_PATH}/:id/versions/:number/restaurer`, async (request, reply) => {
    const { agent, actor } = await requireWriter(request);
    const id = idParam(request);
    const number = numberParam(request);
    await loadArticle(actor.tenantId, id);
    const baseVersion = versionOf(request);
    const result = await inTenant(services.db, actor.tenantId, (trx) =>
      restoreArticleVersion(trx, {
        tenantId: actor.tenantId,
        demarcheId: id,
        number,
        baseVersion,
        authorId: agent.id,
        now: now(),
      }),
    );
    if (!result.ok)
      throw new AppError('conflict', result.errors[0]?.message ?? 'Cette version ne peut pas être restaurée.');
    return redirectTo(request, reply, id, 'restaure');
  });

  // ---- Attachments ----

  scope.post(`${KNOWLEDGE_PATH}/:id/fichiers`, { config: { files: { maxFiles: 1 } } }, async (request, reply) => {
    const { agent, actor } = await requireWriter(request);
    const id = idParam(request);
    await loadArticle(actor.tenantId, id);
    const { files } = readFormBody(request);
    const result = await inTenant(services.db, actor.tenantId, (trx) =>
      addArticleAttachment(trx, {
        tenantId: actor.tenantId,
        demarcheId: id,
        files: files.filter((f) => f.fieldName === 'fichier'),
        agentId: agent.id,
        now: now(),
      }),
    );
    if (!result.ok)
      return renderArticle(request, reply, agent, actor, id, { kind: 'fichier', errors: result.errors, values: {} });
    return redirectTo(request, reply, id, 'fichier');
  });

  function fileParam(request: FastifyRequest): string {
    const fileId = (request.params as { fileId: string }).fileId;
    if (!UUID.test(fileId)) throw new AppError('not_found', 'Ce fichier n’existe pas.');
    return fileId;
  }

  scope.get(`${KNOWLEDGE_PATH}/:id/fichiers/:fileId`, async (request, reply) => {
    const { actor } = await requireReader(request);
    const id = idParam(request);
    const fileId = fileParam(request);
    const file = await inTenant(services.db, actor.tenantId, (trx) => findAttachment(trx, id, fileId));
    if (!file) throw new AppError('not_found', 'Ce fichier n’existe pas.');
    return reply.headers(uploadedFileHeaders(file)).send(file.content);
  });

  scope.post(`${KNOWLEDGE_PATH}/:id/fichiers/:fileId/supprimer`, async (request, reply) => {
    const { actor } = await requireWriter(request);
    const id = idParam(request);
    const fileId = fileParam(request);
    await inTenant(services.db, actor.tenantId, (trx) => deleteArticleAttachment(trx, { demarcheId: id, id: fileId }));
    return redirectTo(request, reply, id, 'fichier_retire');
  });

  // ---- « Voir aussi » ----

  scope.post(`${KNOWLEDGE_PATH}/:id/liens`, async (request, reply) => {
    const { agent, actor } = await requireReader(request);
    const id = idParam(request);
    await authorisedArticle(actor, id, 'link_articles');
    const { fields } = readFormBody(request);
    const again = (errors: FieldError[]) =>
      renderArticle(request, reply, agent, actor, id, { kind: 'lien', errors, values: {} });
    const form = parseForm(linkForm, fields);
    if (!form.ok) return again(form.errors);
    if (!UUID.test(form.value.page))
      return again([{ field: 'page', message: 'Choisissez une autre page de la liste.' }]);
    const result = await inTenant(services.db, actor.tenantId, (trx) =>
      linkArticles(trx, { tenantId: actor.tenantId, demarcheId: id, otherId: form.value.page }),
    );
    if (!result.ok) return again(result.errors);
    services.caches.clear();
    return redirectTo(request, reply, id, 'lien');
  });

  scope.post(`${KNOWLEDGE_PATH}/:id/liens/:otherId/supprimer`, async (request, reply) => {
    const { actor } = await requireReader(request);
    const id = idParam(request);
    const otherId = (request.params as { otherId: string }).otherId;
    if (!UUID.test(otherId)) throw new AppError('not_found', 'Ce lien n’existe pas.');
    await authorisedArticle(actor, id, 'link_articles');
    await inTenant(services.db, actor.tenantId, (trx) => unlinkArticles(trx, { demarcheId: id, otherId }));
    services.caches.clear();
    return redirectTo(request, reply, id, 'lien_retire');
  });
}
