import { sql } from 'kysely';
import type { DemarcheRow, ServiceRow } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { sortFr } from '../../platform/format.ts';

/**
 * One démarche by slug (public or internal, published or not: callers decide who may see it;
 * citizens see only `isShownToCitizens` ones).
 */
export async function findDemarcheBySlug(trx: Tx, slug: string): Promise<DemarcheRow | undefined> {
  return trx.selectFrom('demarches').selectAll().where('slug', '=', slug).executeTakeFirst();
}

/** Public and published: what citizens may see of the catalogue. */
export function isShownToCitizens(row: Pick<DemarcheRow, 'audience' | 'published_at'>): boolean {
  return row.audience === 'public' && row.published_at !== null;
}

/** Every public and published démarche and information page, by title. */
export async function listPublicDemarches(trx: Tx): Promise<DemarcheRow[]> {
  const rows = await trx
    .selectFrom('demarches')
    .selectAll()
    .where('audience', '=', 'public')
    .where('published_at', 'is not', null)
    .execute();
  return sortFr(rows, (r) => r.title);
}

/** Every service, by name. */
export async function listServices(trx: Tx): Promise<ServiceRow[]> {
  const rows = await trx.selectFrom('services').selectAll().execute();
  return sortFr(rows, (r) => r.name);
}

/**
 * The démarches most often requested: by number of requests filed, online ones first, then the
 * others by title (a new commune has no requests yet).
 */
export async function listMostRequested(trx: Tx, limit: number): Promise<DemarcheRow[]> {
  return trx
    .selectFrom('demarches as d')
    .selectAll('d')
    .select((eb) =>
      eb
        .selectFrom('requests as r')
        .whereRef('r.demarche_id', '=', 'd.id')
        .select(eb.fn.countAll<string>().as('n'))
        .as('request_count'),
    )
    .where('d.audience', '=', 'public')
    .where('d.published_at', 'is not', null)
    .where('d.kind', '=', 'demarche')
    .orderBy(sql`d.form is null`)
    .orderBy('request_count', 'desc')
    .orderBy('d.slug')
    .limit(limit)
    .execute();
}
