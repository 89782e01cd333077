import type { Tx } from '../../db/tenant-scope.ts';
import type { FormResult } from '../../platform/web/form.ts';
import { nameTaken, TAKEN, viewName } from './view-name.ts';

/**
 * Saves the inbox's current filters and sort (`query`, the canonical query string the caller built
 * from a checked inbox query) under a name, for this agent; shared with one of their services
 * when `sharedServiceId` is set (`allowedServiceIds` null: an administrator, any service).
 */
export async function saveView(
  trx: Tx,
  input: {
    tenantId: string;
    agentId: string;
    name: string;
    query: string;
    sharedServiceId: string | null;
    allowedServiceIds: readonly string[] | null;
  },
): Promise<FormResult<{ id: string; name: string }>> {
  const name = viewName(input.name);
  if (!name.ok) return name;
  if (input.sharedServiceId !== null) {
    const allowed = input.allowedServiceIds === null || input.allowedServiceIds.includes(input.sharedServiceId);
    const exists =
      allowed &&
      (await trx.selectFrom('services').select('id').where('id', '=', input.sharedServiceId).executeTakeFirst());
    if (!exists) {
      return {
        ok: false,
        errors: [{ field: 'partage', message: 'Choisissez l’un de vos services, ou aucun partage.' }],
      };
    }
  }
  if (await nameTaken(trx, input.agentId, name.value, null)) return TAKEN(name.value);
  const row = await trx
    .insertInto('saved_views')
    .values({
      tenant_id: input.tenantId,
      agent_id: input.agentId,
      name: name.value,
      query: input.query,
      shared_service_id: input.sharedServiceId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ok: true, value: { id: row.id, name: name.value } };
}
