import type { Tx } from '../../db/tenant-scope.ts';

/** Catalogue reads for the API. Internal articles (agent sheets) are never selected. */

export interface ApiService {
  slug: string;
  name: string;
  description: string;
}

export interface ApiDemarche {
  slug: string;
  title: string;
  summary: string;
  serviceSlug: string;
  serviceName: string;
  delayDays: number | null;
  channels: string[];
  keywords: string[];
  sections: Record<string, string>;
  form: unknown;
  updatedAt: Date;
}

export async function listApiServices(trx: Tx): Promise<ApiService[]> {
  return trx.selectFrom('services').select(['slug', 'name', 'description']).orderBy('name').execute();
}

function demarcheQuery(trx: Tx) {
  return trx
    .selectFrom('demarches as d')
    .innerJoin('services as s', (join) =>
      join.onRef('s.tenant_id', '=', 'd.tenant_id').onRef('s.id', '=', 'd.service_id'),
    )
    .select([
      'd.slug',
      'd.title',
      'd.summary',
      's.slug as serviceSlug',
      's.name as serviceName',
      'd.delay_days as delayDays',
      'd.channels',
      'd.keywords',
      'd.sections',
      'd.form',
      'd.updated_at as updatedAt',
    ])
    .where('d.audience', '=', 'public')
    .where('d.kind', '=', 'demarche');
}

export async function listApiDemarches(trx: Tx): Promise<ApiDemarche[]> {
  return demarcheQuery(trx).orderBy('d.title').execute();
}

export async function findApiDemarche(trx: Tx, slug: string): Promise<ApiDemarche | null> {
  return (await demarcheQuery(trx).where('d.slug', '=', slug).executeTakeFirst()) ?? null;
}
