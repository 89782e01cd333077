import type { Tx } from '../../db/tenant-scope.ts';

/** The tenant's services, as the classifier learns them. */
export async function listServicesForTriage(trx: Tx) {
  return trx.selectFrom('services').select(['id', 'slug', 'name', 'description']).orderBy('slug').execute();
}

/**
 * The tenant's public articles (published or still « à vérifier »: both describe what a service
 * does), with their service's code. Internal agent sheets are left out: they speak of procedures
 * common to every service, not of a service's topics.
 */
export async function listArticlesForTriage(trx: Tx) {
  return trx
    .selectFrom('demarches as d')
    .innerJoin('services as s', (j) => j.onRef('s.tenant_id', '=', 'd.tenant_id').onRef('s.id', '=', 'd.service_id'))
    .select(['d.slug', 'd.title', 'd.summary', 'd.sections', 'd.keywords', 'd.audience', 's.slug as service'])
    .where('d.audience', '=', 'public')
    .where('d.kind', '!=', 'contact')
    .orderBy('d.slug')
    .execute();
}
