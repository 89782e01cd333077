import type { Tx } from '../../db/tenant-scope.ts';
import type { FormResult } from '../../platform/web/form.ts';

export function ordered(a: string, b: string): { first_id: string; second_id: string } {
  return a < b ? { first_id: a, second_id: b } : { first_id: b, second_id: a };
}

/**
 * « Voir aussi »: links two pages, both ways. A public page lists the linked pages citizens may
 * see. The caller checks `link_articles` and clears the caches.
 */
export async function linkArticles(
  trx: Tx,
  input: { tenantId: string; demarcheId: string; otherId: string },
): Promise<FormResult<null>> {
  const invalid = {
    ok: false as const,
    errors: [{ field: 'page', message: 'Choisissez une autre page de la liste.' }],
  };
  if (input.otherId === input.demarcheId) return invalid;
  const other = await trx
    .selectFrom('demarches')
    .select('id')
    .where('id', '=', input.otherId)
    .where('kind', 'in', ['demarche', 'information'])
    .executeTakeFirst();
  if (!other) return invalid;
  await trx
    .insertInto('article_links')
    .values({ tenant_id: input.tenantId, ...ordered(input.demarcheId, input.otherId) })
    .onConflict((oc) => oc.columns(['tenant_id', 'first_id', 'second_id']).doNothing())
    .execute();
  return { ok: true, value: null };
}
