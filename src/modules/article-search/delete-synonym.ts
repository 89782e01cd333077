import type { Tx } from '../../db/tenant-scope.ts';
import { deleteSynonym } from './repository.ts';

/** Removes one of the tenant's synonym groups; false when it did not exist (or was already removed). */
export async function removeSynonym(trx: Tx, id: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/.test(id)) return false;
  return deleteSynonym(trx, id);
}
