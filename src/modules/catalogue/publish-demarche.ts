import type { Tx } from '../../db/tenant-scope.ts';
import { compareFr } from '../../platform/format.ts';

export interface DemarcheToReview {
  id: string;
  slug: string;
  title: string;
  kind: 'demarche' | 'information';
  serviceName: string;
  online: boolean;
}

/** The pages « à vérifier »: copied from the model catalogue and not yet published. */
export async function listDemarchesToReview(trx: Tx): Promise<DemarcheToReview[]> {
  const rows = await trx
    .selectFrom('demarches as d')
    .innerJoin('services as s', (j) => j.onRef('s.tenant_id', '=', 'd.tenant_id').onRef('s.id', '=', 'd.service_id'))
    .select(['d.id', 'd.slug', 'd.title', 'd.kind', 's.name as serviceName', 'd.form'])
    .where('d.published_at', 'is', null)
    .execute();
  return rows
    .flatMap(({ form, kind, ...r }) => (kind === 'contact' ? [] : [{ ...r, kind, online: form !== null }]))
    .sort((a, b) => compareFr(a.serviceName, b.serviceName) || compareFr(a.title, b.title));
}
