import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { parseForm, type FieldError } from '../../platform/web/form.ts';
import { readFormBody } from '../../platform/web/form-body.ts';
import { url } from '../../platform/web/layout.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import type { Services } from '../../services.ts';
import { agentActor } from '../agents/policy.ts';
import { requireAgent } from '../agents/require-agent.ts';
import { agentContext } from '../agents/route-support.ts';
import type { SessionAgent } from '../agents/sessions.ts';
import { can } from '../authorization.ts';
import { STOP_WORDS, fold } from './analyser.ts';
import { removeSynonym } from './delete-synonym.ts';
import { synonymForm, type SynonymValues } from './forms.ts';
import { listSynonyms, listUnansweredQueries, suggestTitles } from './repository.ts';
import { saveSynonym } from './save-synonym.ts';
import { searchArticles } from './search-articles.ts';
import { KNOWLEDGE_SEARCH_PATH, knowledgeSearchPage } from './views/knowledge-search-page.ts';
import { SYNONYMS_PATH, synonymsPage } from './views/synonyms-page.ts';
import { UNANSWERED_PATH, unansweredPage } from './views/unanswered-page.ts';

const ANALYTICS_DAYS = 90;
const NOTICES: Record<string, string> = {
  ajoute: 'Le mot est ajouté : les recherches en tiennent compte dans quelques secondes.',
  retire: 'Le mot est retiré.',
};

/** The words of a partly typed query, for the suggestions: letters and digits only, last one kept as a prefix. */
export function suggestionWords(typed: string): string[] {
  const words = fold(typed.slice(0, 100))
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
  const last = words.pop();
  const kept = words.filter((w) => w.length > 1 && !STOP_WORDS.has(w)).slice(0, 6);
  return last && last.length >= 2 ? [...kept, last] : kept;
}

/** Suggestions as you type on the portal (public JSON): titles whose title or keywords start so. */
export function registerArticleSuggestRoutes(app: FastifyInstance, services: Services): void {
  app.get('/recherche/suggestions', { schema: { hide: true } }, async (request, reply) => {
    const tenant = requireTenant(request);
    const words = suggestionWords(queryParam(request, 'q'));
    const rows =
      words.length === 0 ? [] : await inTenant(services.db, tenant.id, (trx) => suggestTitles(trx, words, 'public', 6));
    return reply
      .header('cache-control', 'public, max-age=60')
      .send({ suggestions: rows.map((r) => ({ title: r.title, url: url(request, `/demarches/${r.slug}`) })) });
  });
}

/**
 * The agents' knowledge search, the editors' « Recherches sans réponse » and « Synonymes de
 * recherche ». Registered inside the agents' area.
 */
export function registerArticleSearchRoutes(scope: FastifyInstance, services: Services): void {
  async function requireAllowed(
    request: FastifyRequest,
    action: 'search_knowledge' | 'view_search_analytics' | 'manage_search_synonyms',
  ): Promise<SessionAgent> {
    const agent = await requireAgent(request, services);
    const tenantId = requireTenant(request).id;
    if (!can(agentActor(tenantId, agent), action, { kind: 'tenant', tenantId }))
      throw new AppError('forbidden', 'Cette page est réservée aux responsables de service et aux administrateurs.');
    return agent;
  }
  const audienceOf = (agent: SessionAgent) => (agent.role === 'admin' ? 'admin' : 'supervisor');

  scope.get(KNOWLEDGE_SEARCH_PATH, async (request, reply) => {
    const agent = await requireAllowed(request, 'search_knowledge');
    const tenant = requireTenant(request);
    const q = queryParam(request, 'q').trim().slice(0, 200);
    const found = q === '' ? null : await searchArticles(services, tenant.id, q, { audience: 'agent', limit: 10 });
    const internal = (found?.results ?? []).filter((r) => r.audience === 'internal').map((r) => r.slug);
    const sections = new Map<string, Record<string, string>>();
    if (internal.length > 0) {
      const rows = await inTenant(services.db, tenant.id, (trx) =>
        trx.selectFrom('demarches').select(['slug', 'sections']).where('slug', 'in', internal).execute(),
      );
      for (const r of rows) sections.set(r.slug, r.sections as Record<string, string>);
    }
    return sendHtml(reply, knowledgeSearchPage(agentContext(request, agent), { q, found, sections }));
  });

  scope.get(UNANSWERED_PATH, async (request, reply) => {
    const agent = await requireAllowed(request, 'view_search_analytics');
    const tenant = requireTenant(request);
    const since = new Date(services.clock.now().getTime() - ANALYTICS_DAYS * 86_400_000);
    const queries = await inTenant(services.db, tenant.id, (trx) => listUnansweredQueries(trx, since, 100));
    return sendHtml(
      reply,
      unansweredPage(agentContext(request, agent), { queries, days: ANALYTICS_DAYS, audience: audienceOf(agent) }),
    );
  });

  async function renderSynonyms(
    request: FastifyRequest,
    reply: FastifyReply,
    agent: SessionAgent,
    form: { values: SynonymValues; errors: FieldError[]; notice?: string },
    status = 200,
  ) {
    const tenant = requireTenant(request);
    const synonyms = await inTenant(services.db, tenant.id, listSynonyms);
    return sendHtml(
      reply,
      synonymsPage(agentContext(request, agent), { ...form, synonyms, audience: audienceOf(agent) }),
      status,
    );
  }

  scope.get(SYNONYMS_PATH, async (request, reply) => {
    const agent = await requireAllowed(request, 'manage_search_synonyms');
    return renderSynonyms(request, reply, agent, {
      values: { terme: '', equivalents: '', type: 'synonym' },
      errors: [],
      notice: NOTICES[queryParam(request, 'fait')],
    });
  });

  scope.post(SYNONYMS_PATH, async (request, reply) => {
    const agent = await requireAllowed(request, 'manage_search_synonyms');
    const tenant = requireTenant(request);
    const { fields } = readFormBody(request);
    const typed: SynonymValues = {
      terme: String(fields.terme ?? '').slice(0, 200),
      equivalents: String(fields.equivalents ?? '').slice(0, 4000),
      type: String(fields.type ?? '') === 'abbreviation' ? 'abbreviation' : 'synonym',
    };
    const form = parseForm(synonymForm, fields);
    if (!form.ok) return renderSynonyms(request, reply, agent, { values: typed, errors: form.errors }, 400);
    const result = await inTenant(services.db, tenant.id, (trx) =>
      saveSynonym(trx, {
        tenantId: tenant.id,
        term: form.value.terme,
        expansions: form.value.equivalents,
        kind: form.value.type,
      }),
    );
    if (!result.ok) return renderSynonyms(request, reply, agent, { values: typed, errors: result.errors }, 400);
    services.caches.named('article-search-stamp', { ttlMs: 10_000 }).delete(tenant.id);
    return reply.redirect(url(request, `${SYNONYMS_PATH}?fait=ajoute`), 303);
  });

  scope.post(`${SYNONYMS_PATH}/:id/supprimer`, async (request, reply) => {
    await requireAllowed(request, 'manage_search_synonyms');
    const tenant = requireTenant(request);
    const { id } = request.params as { id: string };
    const removed = await inTenant(services.db, tenant.id, (trx) => removeSynonym(trx, id));
    if (!removed) throw new AppError('not_found', 'Ce mot n’existe pas ou a déjà été retiré.');
    services.caches.named('article-search-stamp', { ttlMs: 10_000 }).delete(tenant.id);
    return reply.redirect(url(request, `${SYNONYMS_PATH}?fait=retire`), 303);
  });
}
