import { sql } from 'kysely';
import type { ArticleState } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { sortFr } from '../../platform/format.ts';

/** The filters of « Base de connaissances », each optional. */
export interface ArticleFilters {
  state?: ArticleState;
  serviceId?: string;
  audience?: 'public' | 'internal';
  /** Only articles past their review date. */
  stale?: boolean;
  /** Words of the title (case and accents ignored). */
  title?: string;
}

export interface ListedArticle {
  demarcheId: string;
  slug: string;
  kind: 'demarche' | 'information' | 'contact';
  /** The latest version's title. */
  title: string;
  serviceName: string;
  audience: 'public' | 'internal';
  state: ArticleState;
  latestVersion: number;
  publishedVersion: number | null;
  ownerName: string | null;
  reviewOn: string | null;
  /** Past its review date: « à relire ». */
  stale: boolean;
  updatedAt: Date;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The tenant's articles (public and internal, every state), filtered, by title. */
export async function listArticles(trx: Tx, filters: ArticleFilters, today: string): Promise<ListedArticle[]> {
  let query = trx
    .selectFrom('knowledge_articles as k')
    .innerJoin('demarches as d', (j) => j.onRef('d.tenant_id', '=', 'k.tenant_id').onRef('d.id', '=', 'k.demarche_id'))
    .innerJoin('article_versions as v', (j) =>
      j
        .onRef('v.tenant_id', '=', 'k.tenant_id')
        .onRef('v.demarche_id', '=', 'k.demarche_id')
        .onRef('v.number', '=', 'k.latest_version'),
    )
    .innerJoin('services as s', (j) => j.onRef('s.tenant_id', '=', 'v.tenant_id').onRef('s.id', '=', 'v.service_id'))
    .leftJoin('agents as o', (j) => j.onRef('o.tenant_id', '=', 'k.tenant_id').onRef('o.id', '=', 'k.owner_agent_id'))
    .select([
      'k.demarche_id as demarcheId',
      'd.slug',
      'd.kind',
      'v.title',
      's.name as serviceName',
      'v.audience',
      'k.state',
      'k.latest_version as latestVersion',
      'k.published_version as publishedVersion',
      'o.display_name as ownerName',
      sql<string | null>`k.review_on::text`.as('reviewOn'),
      'k.updated_at as updatedAt',
    ]);
  if (filters.state) query = query.where('k.state', '=', filters.state);
  if (filters.serviceId) query = query.where('v.service_id', '=', filters.serviceId);
  if (filters.audience) query = query.where('v.audience', '=', filters.audience);
  if (filters.stale) query = query.where(sql<boolean>`k.review_on < ${today}::date`);
  if (filters.title) {
    const pattern = `%${escapeLike(filters.title)}%`;
    query = query.where(sql<boolean>`unaccent(lower(v.title)) like unaccent(lower(${pattern}))`);
  }
  const rows = await query.execute();
  return sortFr(
    rows.map((r) => ({ ...r, stale: r.reviewOn !== null && r.reviewOn < today })),
    (r) => r.title,
  );
}

export interface ArticleVersion {
  id: string;
  number: number;
  title: string;
  summary: string;
  bodyMarkdown: string;
  keywords: string[];
  serviceId: string;
  serviceName: string;
  audience: 'public' | 'internal';
  authorName: string | null;
  note: string;
  createdAt: Date;
  readability: unknown;
  publishedAt: Date | null;
  publishedByName: string | null;
}

export interface Article {
  demarcheId: string;
  slug: string;
  kind: 'demarche' | 'information' | 'contact';
  state: ArticleState;
  latestVersion: number;
  publishedVersion: number | null;
  ownerAgentId: string | null;
  ownerName: string | null;
  reviewOn: string | null;
  /** The service and audience of the page citizens see (its `demarches` row). */
  pageServiceId: string;
  pageAudience: 'public' | 'internal';
  /** Null while citizens do not see the page. */
  pagePublishedAt: Date | null;
}

/** One article's workflow row with its page; `forUpdate` locks it for a change. */
export async function findArticle(trx: Tx, demarcheId: string, forUpdate = false): Promise<Article | undefined> {
  let query = trx
    .selectFrom('knowledge_articles as k')
    .innerJoin('demarches as d', (j) => j.onRef('d.tenant_id', '=', 'k.tenant_id').onRef('d.id', '=', 'k.demarche_id'))
    .leftJoin('agents as o', (j) => j.onRef('o.tenant_id', '=', 'k.tenant_id').onRef('o.id', '=', 'k.owner_agent_id'))
    .select([
      'k.demarche_id as demarcheId',
      'd.slug',
      'd.kind',
      'k.state',
      'k.latest_version as latestVersion',
      'k.published_version as publishedVersion',
      'k.owner_agent_id as ownerAgentId',
      'o.display_name as ownerName',
      sql<string | null>`k.review_on::text`.as('reviewOn'),
      'd.service_id as pageServiceId',
      'd.audience as pageAudience',
      'd.published_at as pagePublishedAt',
    ])
    .where('k.demarche_id', '=', demarcheId);
  if (forUpdate) query = query.forUpdate('k');
  return query.executeTakeFirst();
}

function versionQuery(trx: Tx, demarcheId: string) {
  return trx
    .selectFrom('article_versions as v')
    .innerJoin('services as s', (j) => j.onRef('s.tenant_id', '=', 'v.tenant_id').onRef('s.id', '=', 'v.service_id'))
    .leftJoin('agents as a', (j) => j.onRef('a.tenant_id', '=', 'v.tenant_id').onRef('a.id', '=', 'v.author_agent_id'))
    .leftJoin('agents as p', (j) => j.onRef('p.tenant_id', '=', 'v.tenant_id').onRef('p.id', '=', 'v.published_by'))
    .select([
      'v.id',
      'v.number',
      'v.title',
      'v.summary',
      'v.body_markdown as bodyMarkdown',
      'v.keywords',
      'v.service_id as serviceId',
      's.name as serviceName',
      'v.audience',
      'a.display_name as authorName',
      'v.note',
      'v.created_at as createdAt',
      'v.readability',
      'v.published_at as publishedAt',
      'p.display_name as publishedByName',
    ])
    .where('v.demarche_id', '=', demarcheId);
}

export async function findVersion(trx: Tx, demarcheId: string, number: number): Promise<ArticleVersion | undefined> {
  return versionQuery(trx, demarcheId).where('v.number', '=', number).executeTakeFirst();
}

/** Every version of an article, the latest first. */
export async function listVersions(trx: Tx, demarcheId: string): Promise<ArticleVersion[]> {
  return versionQuery(trx, demarcheId).orderBy('v.number', 'desc').execute();
}

export interface NewVersion {
  tenantId: string;
  demarcheId: string;
  number: number;
  title: string;
  summary: string;
  bodyMarkdown: string;
  keywords: string[];
  serviceId: string;
  audience: 'public' | 'internal';
  authorId: string | null;
  note: string;
  readability: unknown;
  createdAt: Date;
  publishedAt?: Date | null;
  publishedBy?: string | null;
}

export async function insertVersion(trx: Tx, v: NewVersion): Promise<void> {
  await trx
    .insertInto('article_versions')
    .values({
      tenant_id: v.tenantId,
      demarche_id: v.demarcheId,
      number: v.number,
      title: v.title,
      summary: v.summary,
      body_markdown: v.bodyMarkdown,
      keywords: v.keywords,
      service_id: v.serviceId,
      audience: v.audience,
      author_agent_id: v.authorId,
      note: v.note,
      readability: JSON.stringify(v.readability ?? null),
      created_at: v.createdAt,
      published_at: v.publishedAt ?? null,
      published_by: v.publishedBy ?? null,
    })
    .execute();
}

export interface AttachmentListed {
  id: string;
  filename: string;
  mimeType: string;
  sizeBytes: number;
  uploadedByName: string | null;
  createdAt: Date;
}

export async function listAttachments(trx: Tx, demarcheId: string): Promise<AttachmentListed[]> {
  return trx
    .selectFrom('article_attachments as f')
    .leftJoin('agents as a', (j) => j.onRef('a.tenant_id', '=', 'f.tenant_id').onRef('a.id', '=', 'f.uploaded_by'))
    .select([
      'f.id',
      'f.filename',
      'f.mime_type as mimeType',
      'f.size_bytes as sizeBytes',
      'a.display_name as uploadedByName',
      'f.created_at as createdAt',
    ])
    .where('f.demarche_id', '=', demarcheId)
    .orderBy('f.created_at')
    .execute();
}

export async function findAttachment(trx: Tx, demarcheId: string, id: string) {
  return trx
    .selectFrom('article_attachments')
    .select(['id', 'filename', 'mime_type', 'content'])
    .where('demarche_id', '=', demarcheId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export interface LinkedPage {
  id: string;
  slug: string;
  title: string;
  audience: 'public' | 'internal';
  published: boolean;
}

/** The pages linked to this one (« Voir aussi »), both ways, by title. */
export async function listLinkedPages(trx: Tx, demarcheId: string): Promise<LinkedPage[]> {
  const rows = await trx
    .selectFrom('article_links as l')
    .innerJoin('demarches as d', (j) =>
      j
        .onRef('d.tenant_id', '=', 'l.tenant_id')
        .on((eb) =>
          eb.or([
            eb.and([eb('l.first_id', '=', demarcheId), eb('d.id', '=', eb.ref('l.second_id'))]),
            eb.and([eb('l.second_id', '=', demarcheId), eb('d.id', '=', eb.ref('l.first_id'))]),
          ]),
        ),
    )
    .select(['d.id', 'd.slug', 'd.title', 'd.audience', 'd.published_at'])
    .where((eb) => eb.or([eb('l.first_id', '=', demarcheId), eb('l.second_id', '=', demarcheId)]))
    .execute();
  return sortFr(
    rows.map((r) => ({
      id: r.id,
      slug: r.slug,
      title: r.title,
      audience: r.audience,
      published: r.published_at !== null,
    })),
    (r) => r.title,
  );
}

/** Pages an article may be linked to: every démarche and information page of the tenant. */
export async function listLinkablePages(trx: Tx): Promise<{ id: string; title: string }[]> {
  const rows = await trx
    .selectFrom('demarches')
    .select(['id', 'title'])
    .where('kind', 'in', ['demarche', 'information'])
    .execute();
  return sortFr(rows, (r) => r.title);
}

/** Active agents, for the owner's list. */
export async function listActiveAgents(trx: Tx): Promise<{ id: string; name: string }[]> {
  const rows = await trx
    .selectFrom('agents')
    .select(['id', 'display_name as name'])
    .where('active', '=', true)
    .execute();
  return sortFr(rows, (r) => r.name);
}
