import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.ts';
import type { ResultsDocument } from './compute-results.ts';

/** The published document of one scope ('commune' or 'service:<id>'), or null before the first run. */
export async function readPublished(trx: Tx, scope: string): Promise<ResultsDocument | null> {
  const row = await trx.selectFrom('published_results').select('figures').where('scope', '=', scope).executeTakeFirst();
  return row ? (row.figures as ResultsDocument) : null;
}

/** Every published document of the tenant, the commune's first (open data). */
export async function readAllPublished(trx: Tx): Promise<ResultsDocument[]> {
  const rows = await trx.selectFrom('published_results').select(['scope', 'figures']).execute();
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
