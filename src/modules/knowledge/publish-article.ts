import type { Tx } from '../../db/tenant-scope.ts';
import { analyseDemarche } from '../catalogue/demarche-readability.ts';
import { AppError } from '../../platform/errors.ts';
import { searchTextOf } from '../catalogue/seed-catalogue.ts';
import { publishedContent } from './article-body.ts';
import { lockedArticle } from './locked-article.ts';

/**
 * Publishes an article's latest version: its content becomes the `demarches` row citizens read
 * (title, summary, sections parsed as the corpus seed parses them, keywords, service, audience),
 * and the page is shown if it was not. The one use case behind « Publier » in the knowledge base
 * and on the administrators' page « Démarches à vérifier ». `version`: the version the publisher
 * read (absent on the review page, which shows no text). The caller checks who may publish and
 * clears the caches afterwards (services.caches.clear()). Returns the page's slug.
 */
export async function publishArticle(
  trx: Tx,
  input: { tenantId: string; demarcheId: string; agentId: string; now: Date; version?: number | null },
): Promise<string> {
  const article = await lockedArticle(trx, input);
  if (article.state === 'publie' && article.pagePublishedAt !== null)
    throw new AppError('invalid_transition', 'Cette version est déjà publiée.');
  const version = await trx
    .selectFrom('article_versions')
    .selectAll()
    .where('demarche_id', '=', input.demarcheId)
    .where('number', '=', article.latestVersion)
    .executeTakeFirstOrThrow();
  const { sections } = publishedContent(version.body_markdown);
  await trx
    .updateTable('demarches')
    .set({
      title: version.title,
      summary: version.summary,
      sections: JSON.stringify(sections),
      keywords: version.keywords,
      service_id: version.service_id,
      audience: version.audience,
      search_text: searchTextOf(version),
      readability: JSON.stringify(analyseDemarche(sections, version.summary)),
      published_at: article.pagePublishedAt ?? input.now,
      updated_at: input.now,
    })
    .where('id', '=', input.demarcheId)
    .execute();
  await trx
    .updateTable('article_versions')
    .set({ published_at: input.now, published_by: input.agentId })
    .where('id', '=', version.id)
    .execute();
  await trx
    .updateTable('knowledge_articles')
    .set({ state: 'publie', published_version: version.number, updated_at: input.now })
    .where('demarche_id', '=', input.demarcheId)
    .execute();
  return article.slug;
}
