import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { compareFr } from '../../platform/format.ts';
import { analyseDemarche } from './demarche-readability.ts';

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

/**
 * Publishes one page « à vérifier »: from now on citizens see it in the catalogue, in search and,
 * when it has a form, can file requests with it. Returns its slug.
 */
export async function publishDemarche(trx: Tx, input: { demarcheId: string; now: Date }): Promise<string> {
  const page = await trx
    .selectFrom('demarches')
    .select(['sections', 'summary'])
    .where('id', '=', input.demarcheId)
    .executeTakeFirst();
  // The administrator may have had the text changed since the copy: the report is of what is published.
  const readability = page ? JSON.stringify(analyseDemarche(page.sections, page.summary)) : null;
  const row = await trx
    .updateTable('demarches')
    .set({ published_at: input.now, updated_at: input.now, readability })
    .where('id', '=', input.demarcheId)
    .where('published_at', 'is', null)
    .returning('slug')
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', 'Cette démarche n’existe pas ou est déjà publiée.');
  return row.slug;
}
