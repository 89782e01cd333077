import type { ArticleState } from '../../db/schema.ts';
import { inTenant, type Db, type Tx } from '../../db/tenant-scope.ts';
import { bodyFromSections, readabilityReport } from './article-body.ts';
import { insertVersion } from './repository.ts';

export interface FirstVersionOptions {
  tenantId: string;
  now: Date;
  /** Only these pages; every page without a version when absent. */
  demarcheIds?: string[];
  /** The state of version 1; by default « publié » for a published page, « relecture » otherwise. */
  state?: ArticleState;
  ownerId?: string | null;
  /** 'YYYY-MM-DD' */
  reviewOn?: string | null;
  note?: string;
}

/**
 * Version 1 of every démarche and information page that has none yet, its body rebuilt from the
 * page's sections with the corpus's headings (migration 20261203140000 does the same for the
 * databases that existed before the knowledge base). Returns how many were created.
 */
export async function createFirstVersions(trx: Tx, options: FirstVersionOptions): Promise<number> {
  let query = trx
    .selectFrom('demarches as d')
    .selectAll('d')
    .where('d.kind', 'in', ['demarche', 'information'])
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('knowledge_articles as k')
            .select('k.demarche_id')
            .whereRef('k.tenant_id', '=', 'd.tenant_id')
            .whereRef('k.demarche_id', '=', 'd.id'),
        ),
      ),
    );
  if (options.demarcheIds) {
    if (options.demarcheIds.length === 0) return 0;
    query = query.where('d.id', 'in', options.demarcheIds);
  }
  const pages = await query.execute();
  for (const d of pages) {
    const state = options.state ?? (d.published_at ? 'publie' : 'relecture');
    const published = state === 'publie' && d.published_at !== null;
    const body = bodyFromSections(d.sections);
    await insertVersion(trx, {
      tenantId: options.tenantId,
      demarcheId: d.id,
      number: 1,
      title: d.title,
      summary: d.summary,
      bodyMarkdown: body,
      keywords: d.keywords,
      serviceId: d.service_id,
      audience: d.audience,
      authorId: null,
      note: options.note ?? 'Version reprise du catalogue',
      readability: readabilityReport(body),
      createdAt: options.now,
      publishedAt: published ? d.published_at : null,
    });
    await trx
      .insertInto('knowledge_articles')
      .values({
        tenant_id: options.tenantId,
        demarche_id: d.id,
        state: published ? 'publie' : state === 'publie' ? 'relecture' : state,
        latest_version: 1,
        published_version: published ? 1 : null,
        owner_agent_id: options.ownerId ?? null,
        review_on: options.reviewOn ?? null,
        updated_at: options.now,
      })
      .execute();
  }
  return pages.length;
}

/** One year after `now`, as 'YYYY-MM-DD': the first review date of seeded articles. */
export function oneYearAfter(now: Date): string {
  const next = new Date(now);
  next.setUTCFullYear(next.getUTCFullYear() + 1);
  return next.toISOString().slice(0, 10);
}

/**
 * The demo commune's articles: version 1 published, owned by the demo administrator, to be read
 * again within a year.
 */
export async function seedDemoArticleVersions(db: Db, tenantId: string, now: Date): Promise<number> {
  return inTenant(db, tenantId, async (trx) => {
    const admin = await trx
      .selectFrom('agents')
      .select('id')
      .where('role', '=', 'admin')
      .orderBy('created_at')
      .orderBy('email')
      .executeTakeFirst();
    return createFirstVersions(trx, {
      tenantId,
      now,
      state: 'publie',
      ownerId: admin?.id ?? null,
      reviewOn: oneYearAfter(now),
      note: 'Version du corpus de Villebelle',
    });
  });
}
