import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import type { FormResult } from '../../platform/web/form.ts';
import { staleRevision } from '../requests/revision.ts';
import { findTag, findTagByLabel } from './repository.ts';
import { tagLabel } from './tag-label.ts';

interface TagChange {
  tenantId: string;
  requestId: string;
  agentId: string;
  agentName: string;
  /** The revision of the page or list the form came from (null: not sent). */
  revision: number | null;
}

/** The item, locked, or the stale-revision error when it changed since the form was shown. */
async function lockedItem(trx: Tx, input: TagChange, field: string): Promise<FormResult<{ id: string }>> {
  const request = await trx
    .selectFrom('requests')
    .select(['id', 'revision'])
    .where('id', '=', input.requestId)
    .forUpdate()
    .executeTakeFirst();
  if (!request) throw new AppError('request_not_found', 'Cette demande est introuvable.');
  if (input.revision !== null && request.revision !== input.revision) {
    return { ok: false, errors: [staleRevision(field)] };
  }
  return { ok: true, value: { id: request.id } };
}

async function recordTagEvent(trx: Tx, input: TagChange, body: string) {
  // Agents only; the event bumps the revision (trigger) like any change of the item.
  await trx
    .insertInto('request_events')
    .values({
      tenant_id: input.tenantId,
      request_id: input.requestId,
      kind: 'tags_changed',
      body,
      author_kind: 'agent',
      author_agent_id: input.agentId,
      visible_to_citizen: false,
    })
    .execute();
}

/**
 * Puts a tag on an item, by its label: an existing tag of the tenant (case ignored) or a new one
 * created on the spot. On the timeline for agents. An item that already has the tag is left as
 * it is (`changed` false, no event).
 */
export async function addRequestTag(
  trx: Tx,
  input: TagChange & { label: string },
): Promise<FormResult<{ label: string; changed: boolean }>> {
  const label = tagLabel(input.label, 'etiquette');
  if (!label.ok) return label;
  const item = await lockedItem(trx, input, 'etiquette');
  if (!item.ok) return item;
  let tag = await findTagByLabel(trx, label.value);
  if (!tag) {
    // Two agents creating the same tag at once: the second insert does nothing, both find it.
    await trx
      .insertInto('tags')
      .values({ tenant_id: input.tenantId, label: label.value })
      .onConflict((oc) => oc.doNothing())
      .execute();
    tag = await findTagByLabel(trx, label.value);
    if (!tag) throw new AppError('internal_error', 'The tag just created is not found.');
  }
  const added = await trx
    .insertInto('request_tags')
    .values({ tenant_id: input.tenantId, request_id: input.requestId, tag_id: tag.id, added_by: input.agentId })
    .onConflict((oc) => oc.doNothing())
    .returning('tag_id')
    .executeTakeFirst();
  if (!added) return { ok: true, value: { label: tag.label, changed: false } };
  await recordTagEvent(trx, input, `Étiquette « ${tag.label} » ajoutée par ${input.agentName}.`);
  return { ok: true, value: { label: tag.label, changed: true } };
}

/** Takes a tag off an item (the tag stays in the tenant's list). On the timeline for agents. */
export async function removeRequestTag(
  trx: Tx,
  input: TagChange & { tagId: string },
): Promise<FormResult<{ label: string; changed: boolean }>> {
  const item = await lockedItem(trx, input, 'etiquette');
  if (!item.ok) return item;
  const tag = await findTag(trx, input.tagId);
  if (!tag) return { ok: false, errors: [{ field: 'etiquette', message: 'Cette étiquette n’existe plus.' }] };
  const removed = await trx
    .deleteFrom('request_tags')
    .where('request_id', '=', input.requestId)
    .where('tag_id', '=', tag.id)
    .returning('tag_id')
    .executeTakeFirst();
  if (!removed) return { ok: true, value: { label: tag.label, changed: false } };
  await recordTagEvent(trx, input, `Étiquette « ${tag.label} » retirée par ${input.agentName}.`);
  return { ok: true, value: { label: tag.label, changed: true } };
}
