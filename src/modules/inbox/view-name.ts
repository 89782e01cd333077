import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.ts';
import type { FormResult } from '../../platform/web/form.ts';

export const VIEW_NAME_MAX = 60;

/** A view's name as typed: spaces collapsed, 1 to 60 characters. */
export function viewName(typed: string): FormResult<string> {
  const name = typed.replace(/\s+/gu, ' ').trim();
  if (name === '') return { ok: false, errors: [{ field: 'nom', message: 'Donnez un nom à cette vue.' }] };
  if (name.length > VIEW_NAME_MAX) {
    return {
      ok: false,
      errors: [{ field: 'nom', message: `Ce nom est trop long : ${VIEW_NAME_MAX} caractères au plus.` }],
    };
  }
  return { ok: true, value: name };
}

export async function nameTaken(trx: Tx, agentId: string, name: string, exceptId: string | null) {
  let q = trx
    .selectFrom('saved_views')
    .select('id')
    .where('agent_id', '=', agentId)
    .where(sql<string>`lower(name)`, '=', name.toLowerCase());
  if (exceptId) q = q.where('id', '<>', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

export const TAKEN = (name: string) => ({
  ok: false as const,
  errors: [{ field: 'nom', message: `Vous avez déjà une vue nommée « ${name} » : choisissez un autre nom.` }],
});
