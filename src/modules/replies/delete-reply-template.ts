import type { Tx } from '../../db/tenant-scope.ts';

/** Deletes a template; replies already sent keep their text. True if there was one to delete. */
export async function deleteReplyTemplate(trx: Tx, id: string): Promise<boolean> {
  const result = await trx.deleteFrom('reply_templates').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
