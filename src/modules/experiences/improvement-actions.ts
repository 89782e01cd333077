import type { ActionStatus } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';

/** A new improvement action, published at once with its status on « Vous avez dit, nous avons fait ». */
export async function createImprovementAction(
  trx: Tx,
  input: {
    tenantId: string;
    title: string;
    description: string;
    status: ActionStatus;
    serviceId: string | null;
    now: Date;
  },
): Promise<string> {
  const row = await trx
    .insertInto('improvement_actions')
    .values({
      tenant_id: input.tenantId,
      title: input.title,
      description: input.description,
      status: input.status,
      service_id: input.serviceId,
      done_at: input.status === 'realisee' ? input.now : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Moves an action to another status; « réalisée » records when. False when there is no such action. */
export async function setImprovementActionStatus(
  trx: Tx,
  input: { id: string; status: ActionStatus; now: Date },
): Promise<boolean> {
  const current = await trx
    .selectFrom('improvement_actions')
    .select(['status', 'done_at'])
    .where('id', '=', input.id)
    .executeTakeFirst();
  if (!current) return false;
  await trx
    .updateTable('improvement_actions')
    .set({
      status: input.status,
      updated_at: input.now,
      done_at: input.status === 'realisee' ? (current.done_at ?? input.now) : null,
    })
    .where('id', '=', input.id)
    .execute();
  return true;
}

/**
 * Tags an experience with the actions it led to (the whole list: unticked ones are removed).
 * Only a published experience is tagged: the actions page shows its title.
 */
export async function tagExperienceWithActions(
  trx: Tx,
  input: { tenantId: string; experienceId: string; actionIds: string[] },
): Promise<{ ok: true } | { ok: false; reason: 'not_found' | 'not_published' | 'unknown_action' }> {
  const row = await trx
    .selectFrom('experiences')
    .select('status')
    .where('id', '=', input.experienceId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return { ok: false, reason: 'not_found' };
  if (row.status !== 'publiee') return { ok: false, reason: 'not_published' };
  const ids = [...new Set(input.actionIds)];
  if (ids.length > 0) {
    const known = await trx.selectFrom('improvement_actions').select('id').where('id', 'in', ids).execute();
    if (known.length !== ids.length) return { ok: false, reason: 'unknown_action' };
  }
  await trx.deleteFrom('experience_actions').where('experience_id', '=', input.experienceId).execute();
  if (ids.length > 0)
    await trx
      .insertInto('experience_actions')
      .values(ids.map((id) => ({ tenant_id: input.tenantId, experience_id: input.experienceId, action_id: id })))
      .execute();
  return { ok: true };
}
