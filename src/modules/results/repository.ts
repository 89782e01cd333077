import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.ts';
import type { ResultsDocument, SiteResultsDocument } from './compute-results.ts';

/** The published document of one scope ('commune' or 'service:<id>'), or null before the first run. */
export async function readPublished(trx: Tx, scope: string): Promise<ResultsDocument | null> {
  const row = await trx.selectFrom('published_results').select('figures').where('scope', '=', scope).executeTakeFirst();
  return row ? (row.figures as ResultsDocument) : null;
}

/** Every published document of the tenant, the commune's first (open data). */
export async function readAllPublished(trx: Tx): Promise<ResultsDocument[]> {
  const rows = await trx
    .selectFrom('published_results')
    .select(['scope', 'figures'])
    .where('scope', 'not like', 'site:%')
    .execute();
  const docs = rows.map((r) => r.figures as ResultsDocument);
  return docs.sort((a, b) =>
    a.serviceId === null
      ? -1
      : b.serviceId === null
        ? 1
        : (a.serviceName ?? '').localeCompare(b.serviceName ?? '', 'fr'),
  );
}

/** The services with published figures: the menu of « Nos résultats ». */
export async function listPublishedServices(trx: Tx): Promise<{ id: string; slug: string; name: string }[]> {
  const rows = await trx
    .selectFrom('published_results as p')
    .innerJoin('services as s', (j) =>
      j.onRef('s.tenant_id', '=', 'p.tenant_id').on(sql<boolean>`p.scope = 'service:' || s.id::text`),
    )
    .select(['s.id', 's.slug', 's.name'])
    .execute();
  return rows.sort((a, b) => a.name.localeCompare(b.name, 'fr'));
}

/** The service of a « Nos résultats » address, by its slug. */
export async function findServiceBySlug(
  trx: Tx,
  slug: string,
): Promise<{ id: string; slug: string; name: string } | undefined> {
  return trx
    .selectFrom('services')
    .select(['id', 'slug', 'name'])
    .where('slug', '=', slug.slice(0, 100))
    .executeTakeFirst();
}

/** The published document of one site, or null before the first run. */
export async function readPublishedSite(trx: Tx, siteId: string): Promise<SiteResultsDocument | null> {
  const row = await trx
    .selectFrom('published_results')
    .select('figures')
    .where('scope', '=', `site:${siteId}`)
    .executeTakeFirst();
  return row ? (row.figures as SiteResultsDocument) : null;
}

/**
 * The published documents of the sites still active (« Par lieu d'accueil »), in the order of the
 * appointments' settings.
 */
export async function readPublishedSites(trx: Tx): Promise<SiteResultsDocument[]> {
  const rows = await trx
    .selectFrom('published_results as p')
    .innerJoin('appointment_sites as s', (j) =>
      j.onRef('s.tenant_id', '=', 'p.tenant_id').on(sql<boolean>`p.scope = 'site:' || s.id::text`),
    )
    .select('p.figures')
    .where('s.active', '=', true)
    .orderBy('s.position')
    .orderBy('s.name')
    .execute();
  return rows.map((r) => r.figures as SiteResultsDocument);
}

/** An active site of a « Nos résultats » address, by its id (a UUID: the route checks it). */
export async function findActiveSite(trx: Tx, id: string): Promise<{ id: string; name: string } | undefined> {
  return trx
    .selectFrom('appointment_sites')
    .select(['id', 'name'])
    .where('id', '=', id)
    .where('active', '=', true)
    .executeTakeFirst();
}
