import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.ts';
import type { FormResult } from '../../platform/web/form.ts';
import { tagLabel } from './tag-label.ts';

/**
 * Renames one of the tenant's tags (every item carrying it shows the new name). A name another
 * tag has, case ignored, is refused: delete one of the two instead.
 */
export async function renameTag(
  trx: Tx,
  input: { tagId: string; label: string },
): Promise<FormResult<{ label: string } | null>> {
  const label = tagLabel(input.label, 'libelle');
  if (!label.ok) return label;
  const taken = await trx
    .selectFrom('tags')
    .select('id')
    .where(sql<string>`lower(label)`, '=', label.value.toLowerCase())
    .where('id', '<>', input.tagId)
    .executeTakeFirst();
  if (taken) {
    return {
      ok: false,
      errors: [{ field: 'libelle', message: `Une autre étiquette s’appelle déjà « ${label.value} ».` }],
    };
  }
  const updated = await trx
    .updateTable('tags')
    .set({ label: label.value })
    .where('id', '=', input.tagId)
    .returning('label')
    .executeTakeFirst();
  return { ok: true, value: updated ?? null };
}
