import type { Services } from '../../services.ts';
import { inTenant, type Tx } from '../../db/tenant-scope.ts';
import { RECEPTION_SERVICE_SLUG } from '../catalogue/contact-demarche.ts';
import type { KnowledgeArticle } from './classifier.ts';
import { buildTriageModel, triageText, type TriageChannel, type TriageModel, type TriageResult } from './model.ts';
import { relatedArticles, type RelatedArticle } from './related-articles.ts';
import { listArticlesForTriage, listServicesForTriage } from './repository.ts';

/** Sections that say how to reach the mairie, the same in every article: no topic in them. */
const BOILERPLATE_SECTIONS = new Set(['besoin-d-aide', 'en-bref']);

/** How long a tenant's model is kept: the catalogue caches' time to live. */
const MODEL_TTL_MS = 60_000;

/**
 * The tenant's triage model, trained from its knowledge base on first use and kept in the
 * services' cache registry (`triage-models`) like the catalogue pages: a change to the
 * catalogue shows within a minute, at once when an administrator publishes (which clears every
 * cache).
 */
export function tenantTriageModel(services: Services, tenantId: string): Promise<TriageModel> {
  return services.caches
    .named<TriageModel>('triage-models', { ttlMs: MODEL_TTL_MS, max: 1000 })
    .getOrLoad(tenantId, () => inTenant(services.db, tenantId, (trx) => loadTriageModel(trx)));
}

/** Trains the model from what the tenant's database holds now. */
export async function loadTriageModel(trx: Tx): Promise<TriageModel> {
  const [serviceRows, articleRows] = await Promise.all([listServicesForTriage(trx), listArticlesForTriage(trx)]);
  const articles: KnowledgeArticle[] = articleRows.map((a) => ({
    slug: a.slug,
    title: a.title,
    service: a.service,
    keywords: a.keywords,
    audience: a.audience,
    body: [
      a.summary,
      ...Object.entries(a.sections)
        .filter(([k]) => !BOILERPLATE_SECTIONS.has(k))
        .map(([, v]) => v),
    ].join('\n'),
  }));
  const codes = serviceRows.map((s) => s.slug);
  return buildTriageModel({
    services: serviceRows.map((s) => ({ code: s.slug, name: s.name, description: s.description })),
    articles,
    fallbackService: codes.includes(RECEPTION_SERVICE_SLUG) ? RECEPTION_SERVICE_SLUG : (codes[0] ?? null),
  });
}

export interface Triage extends TriageResult {
  articles: RelatedArticle[];
}

/**
 * Triage of an incoming message for agents: the suggested service, whether it is a complaint,
 * its urgency and the relevant articles. A suggestion only: nothing is changed or sent.
 */
export async function triageMessage(
  services: Services,
  tenantId: string,
  input: { text: string; channel?: TriageChannel },
): Promise<Triage> {
  const model = await tenantTriageModel(services, tenantId);
  const result = triageText(model, input.text, input.channel);
  const articles = await relatedArticles(services, tenantId, input.text);
  return { ...result, articles };
}
