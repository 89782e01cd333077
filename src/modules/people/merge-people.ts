import type { PersonFields } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import type { AgentActor } from '../../platform/policy.ts';
import { can } from '../authorization.ts';
import { isUuid, lockPeople, logRecordAccess, personNotFound, personResourceOf } from './person-access.ts';
import { moveLinkedRows, notePersonChanged, personLinks } from './person-links.ts';
import { personName, VERIFIED_FIELDS } from './present.ts';
import { fieldsOf, PERSON_FIELDS, type PersonRow } from './repository.ts';

export type FieldChoice = 'kept' | 'merged';

export interface MergePeopleInput {
  actor: AgentActor;
  agentName: string;
  keptId: string;
  mergedId: string;
  /** For each field that differs, whose value to keep; a field not chosen keeps the kept record's, or the other's when the kept one has none. */
  choices: Partial<Record<keyof PersonFields, FieldChoice>>;
  ip: string;
  now: Date;
}

export type MergeOutcome = { ok: true; mergeId: string } | { ok: false; message: string };

const isEmpty = (v: unknown) => v === null || v === '';

/** The kept record's values after the merge: the agent's choices, a verified identity never replaced. */
export function mergedFields(kept: PersonRow, merged: PersonRow, choices: MergePeopleInput['choices']): PersonFields {
  const before = fieldsOf(kept);
  const other = fieldsOf(merged);
  const result = { ...before } as Record<keyof PersonFields, unknown>;
  for (const field of PERSON_FIELDS) {
    if (kept.identity_source !== null && VERIFIED_FIELDS.includes(field)) continue;
    const choice = choices[field] ?? (isEmpty(before[field]) ? 'merged' : 'kept');
    if (choice === 'merged') result[field] = other[field];
  }
  return result as unknown as PersonFields;
}

/** Why two records cannot be merged, in the agent's words; null when they can. */
export function mergeRefusal(kept: PersonRow, merged: PersonRow): string | null {
  if (kept.id === merged.id) return 'Choisissez deux fiches différentes.';
  if (kept.merged_into_id !== null || merged.merged_into_id !== null) {
    return 'L’une des deux fiches a déjà été fusionnée : ouvrez la fiche gardée.';
  }
  if (kept.citizen_id !== null && merged.citizen_id !== null) {
    return 'Ces deux fiches sont liées chacune à un compte usager différent : elles ne peuvent pas être fusionnées. Si c’est la même personne, elle doit d’abord supprimer l’un de ses comptes.';
  }
  if (merged.citizen_id !== null) return 'La fiche liée à un compte usager doit être celle que vous gardez.';
  return null;
}

/**
 * Merges one record into another, as an agent validated it: every row pointing at the merged record
 * (its requests and any other table's) moves to the kept one, with a `person_changed` event on each
 * request; the kept record takes the chosen values; the merged one is marked `merged_into_id`. The
 * merge is recorded in `person_merges` with what moved and the kept record's values before and after,
 * so that `undoMerge` can restore exactly the previous state; both records' access is logged.
 */
export async function mergePeople(trx: Tx, input: MergePeopleInput): Promise<MergeOutcome> {
  if (!isUuid(input.keptId) || !isUuid(input.mergedId)) throw personNotFound();
  const { kept, merged } = await lockPeople(trx, input.keptId, input.mergedId);
  const pair = {
    kind: 'person_pair' as const,
    tenantId: input.actor.tenantId,
    kept: await personResourceOf(trx, input.actor.tenantId, kept.id),
    merged: await personResourceOf(trx, input.actor.tenantId, merged.id),
  };
  if (!can(input.actor, 'merge_people', pair)) throw personNotFound();
  const refusal = mergeRefusal(kept, merged);
  if (refusal) return { ok: false, message: refusal };

  const after = mergedFields(kept, merged, input.choices);
  const moved: Record<string, string[]> = {};
  for (const link of await personLinks(trx)) {
    const ids = await moveLinkedRows(trx, link, merged.id, kept.id);
    if (ids.length > 0) moved[`${link.table}.${link.column}`] = ids;
  }
  await notePersonChanged(trx, {
    tenantId: input.actor.tenantId,
    requestIds: moved['requests.person_id'] ?? [],
    agentId: input.actor.agentId,
    body: `Fiche de ${personName(merged)} fusionnée dans celle de ${personName(after)} : la demande est maintenant sur cette fiche.`,
    now: input.now,
  });
  await trx
    .updateTable('people')
    .set({ ...after, updated_at: input.now })
    .where('id', '=', kept.id)
    .execute();
  await trx
    .updateTable('people')
    .set({ merged_into_id: kept.id, updated_at: input.now })
    .where('id', '=', merged.id)
    .execute();
  const merge = await trx
    .insertInto('person_merges')
    .values({
      tenant_id: input.actor.tenantId,
      kept_id: kept.id,
      merged_id: merged.id,
      merged_by: input.actor.agentId,
      merged_at: input.now,
      moved: JSON.stringify(moved),
      kept_before: JSON.stringify(fieldsOf(kept)),
      kept_after: JSON.stringify(after),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await logRecordAccess(trx, input, 'merge_people', [kept, merged]);
  return { ok: true, mergeId: merge.id };
}

/** The merge as undo needs it, or a not-found error. */
export async function lockedMerge(trx: Tx, mergeId: string) {
  if (!isUuid(mergeId)) throw new AppError('not_found', 'Cette fusion n’existe pas.');
  const merge = await trx
    .selectFrom('person_merges')
    .selectAll()
    .where('id', '=', mergeId)
    .forUpdate()
    .executeTakeFirst();
  if (!merge) throw new AppError('not_found', 'Cette fusion n’existe pas.');
  return merge;
}
