import type { Tx } from '../../db/tenant-scope.ts';
import type { FieldError } from '../../platform/web/form.ts';
import { searchTextOf, slugify } from '../catalogue/seed-catalogue.ts';
import { publishedContent, readabilityReport, textBeforeFirstSection } from './article-body.ts';
import { createFirstVersions } from './create-first-versions.ts';
import { findArticle, insertVersion } from './repository.ts';

export interface ArticleContent {
  title: string;
  summary: string;
  bodyMarkdown: string;
  keywords: string[];
  serviceId: string;
  audience: 'public' | 'internal';
}

export interface SaveArticleInput extends ArticleContent {
  tenantId: string;
  /** null: a new article (a new information page, unpublished). */
  demarcheId: string | null;
  /** The version the editor started from; another one saved since is a conflict. */
  baseVersion: number | null;
  note: string;
  authorId: string;
  now: Date;
}

export type SaveArticleResult =
  | { ok: true; value: { demarcheId: string; number: number } }
  /** `conflict`: someone saved version `latest` since the editor opened; nothing was written. */
  | { ok: false; errors: FieldError[]; conflict?: { latest: number; authorName: string | null } };

/** The Markdown body as stored: Unix line ends, no blank lines around it. */
export function normaliseBody(body: string): string {
  return body.replace(/\r\n?/g, '\n').trim();
}

function contentErrors(content: ArticleContent): FieldError[] {
  const body = normaliseBody(content.bodyMarkdown);
  if (textBeforeFirstSection(body) !== '')
    return [
      {
        field: 'texte',
        message:
          'Le texte doit commencer par le titre d’une partie, par exemple « ## En bref ». Sinon, ce qui le précède ne serait pas publié.',
      },
    ];
  return [];
}

/** A slug free in this tenant, from the title: « horaires-de-la-piscine », « …-2 »… */
async function freeSlug(trx: Tx, title: string): Promise<string> {
  const base = slugify(title).slice(0, 80).replace(/-+$/, '') || 'page';
  const taken = new Set(
    (await trx.selectFrom('demarches').select('slug').where('slug', 'like', `${base}%`).execute()).map((r) => r.slug),
  );
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

/**
 * Saves what an agent wrote as a new version, « brouillon »: a new article, or the next version of
 * an existing one. Citizens see nothing of it until it is published (publish-article.ts). Two
 * editors who started from the same version: the second gets `conflict`, and their text is not
 * lost (the page shows it again with the message). The caller has checked `write_articles`.
 */
export async function saveArticle(trx: Tx, input: SaveArticleInput): Promise<SaveArticleResult> {
  const errors = contentErrors(input);
  if (errors.length > 0) return { ok: false, errors };
  const service = await trx.selectFrom('services').select('id').where('id', '=', input.serviceId).executeTakeFirst();
  if (!service) return { ok: false, errors: [{ field: 'service', message: 'Choisissez un service de la liste.' }] };
  const body = normaliseBody(input.bodyMarkdown);
  const readability = readabilityReport(body);

  if (input.demarcheId === null) {
    const { sections } = publishedContent(body);
    const page = await trx
      .insertInto('demarches')
      .values({
        tenant_id: input.tenantId,
        service_id: input.serviceId,
        slug: await freeSlug(trx, input.title),
        kind: 'information',
        title: input.title,
        summary: input.summary,
        sections: JSON.stringify(sections),
        keywords: input.keywords,
        audience: input.audience,
        search_text: searchTextOf(input),
        published_at: null,
        updated_at: input.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await insertVersion(trx, {
      ...input,
      bodyMarkdown: body,
      demarcheId: page.id,
      number: 1,
      readability,
      createdAt: input.now,
    });
    await trx
      .insertInto('knowledge_articles')
      .values({
        tenant_id: input.tenantId,
        demarche_id: page.id,
        state: 'brouillon',
        latest_version: 1,
        updated_at: input.now,
      })
      .execute();
    return { ok: true, value: { demarcheId: page.id, number: 1 } };
  }

  await createFirstVersions(trx, { tenantId: input.tenantId, now: input.now, demarcheIds: [input.demarcheId] });
  const article = await findArticle(trx, input.demarcheId, true);
  if (!article) return { ok: false, errors: [{ field: 'titre', message: 'Cette page n’existe plus.' }] };
  if (input.baseVersion !== article.latestVersion) {
    const latest = await trx
      .selectFrom('article_versions as v')
      .leftJoin('agents as a', (j) =>
        j.onRef('a.tenant_id', '=', 'v.tenant_id').onRef('a.id', '=', 'v.author_agent_id'),
      )
      .select('a.display_name')
      .where('v.demarche_id', '=', input.demarcheId)
      .where('v.number', '=', article.latestVersion)
      .executeTakeFirst();
    const who = latest?.display_name ?? 'un autre agent';
    return {
      ok: false,
      errors: [
        {
          field: 'texte',
          message: `${who} a enregistré la version ${article.latestVersion} pendant que vous écriviez. Votre texte n’est pas enregistré : il est gardé ci-dessous. Comparez avec la version ${article.latestVersion}, puis enregistrez à nouveau.`,
        },
      ],
      conflict: { latest: article.latestVersion, authorName: latest?.display_name ?? null },
    };
  }
  const number = article.latestVersion + 1;
  await insertVersion(trx, {
    ...input,
    demarcheId: input.demarcheId,
    bodyMarkdown: body,
    number,
    readability,
    createdAt: input.now,
  });
  await trx
    .updateTable('knowledge_articles')
    .set({ latest_version: number, state: 'brouillon', updated_at: input.now })
    .where('demarche_id', '=', input.demarcheId)
    .execute();
  // A page citizens do not see yet shows its latest title on the review page « à vérifier ».
  if (article.pagePublishedAt === null) {
    await trx
      .updateTable('demarches')
      .set({ title: input.title, summary: input.summary, service_id: input.serviceId, audience: input.audience })
      .where('id', '=', input.demarcheId)
      .execute();
  }
  return { ok: true, value: { demarcheId: input.demarcheId, number } };
}
