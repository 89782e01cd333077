import type { Tx } from '../../db/tenant-scope.ts';

/**
 * Deletes one of the tenant's tags and takes it off every item (request_tags cascade). The items'
 * timelines keep their past « ajoutée » events; no event is written per item, so that a clean-up
 * of the list does not make every open form on those items stale. Returns the label, or null for
 * an unknown tag.
 */
export async function deleteTag(trx: Tx, tagId: string): Promise<string | null> {
  const deleted = await trx.deleteFrom('tags').where('id', '=', tagId).returning('label').executeTakeFirst();
  return deleted?.label ?? null;
}
