import type { Tx } from '../../db/tenant-scope.ts';
import type { AgentActor } from '../../platform/policy.ts';
import { can } from '../authorization.ts';
import { lockedMerge } from './merge-people.ts';
import { lockPeople, logRecordAccess, personNotFound, personResourceOf } from './person-access.ts';
import { countLinkedRows, moveLinkedRows, notePersonChanged, type PersonLink } from './person-links.ts';
import { personName } from './present.ts';
import { fieldsOf, PERSON_FIELDS } from './repository.ts';

export type UndoOutcome =
  { ok: true; keptId: string; mergedId: string } | { ok: false; keptId: string; message: string };

const CANNOT = 'Cette fusion ne peut plus être annulée exactement :';

/**
 * « Annuler la fusion »: puts everything back as it was before the merge — the moved rows on the
 * merged record (a `person_changed` event on each request), the kept record's previous values, the
 * merged record active again. Refused, with the reason, when that state can no longer be restored
 * exactly: a moved row deleted, anonymised or moved since, the kept record edited or merged since.
 */
export async function undoMerge(
  trx: Tx,
  input: { actor: AgentActor; agentName: string; mergeId: string; ip: string; now: Date },
): Promise<UndoOutcome> {
  const merge = await lockedMerge(trx, input.mergeId);
  const { kept, merged } = await lockPeople(trx, merge.kept_id, merge.merged_id);
  const requestIds = merge.moved['requests.person_id'] ?? [];
  const movedServices = requestIds.length
    ? (await trx.selectFrom('requests').select('service_id').distinct().where('id', 'in', requestIds).execute()).map(
        (r) => r.service_id,
      )
    : [];
  const pair = {
    kind: 'person_pair' as const,
    tenantId: input.actor.tenantId,
    kept: await personResourceOf(trx, input.actor.tenantId, kept.id),
    merged: { kind: 'person' as const, tenantId: input.actor.tenantId, serviceIds: movedServices },
  };
  if (!can(input.actor, 'merge_people', pair)) throw personNotFound();
  const refuse = (why: string): UndoOutcome => ({ ok: false, keptId: kept.id, message: `${CANNOT} ${why}` });

  if (merge.undone_at !== null) return { ok: false, keptId: kept.id, message: 'Cette fusion est déjà annulée.' };
  if (merged.merged_into_id !== kept.id || kept.merged_into_id !== null) {
    return refuse('l’une des deux fiches a été fusionnée avec une autre depuis.');
  }
  const now = fieldsOf(kept);
  if (PERSON_FIELDS.some((f) => (now[f] ?? null) !== (merge.kept_after[f] ?? null))) {
    return refuse('la fiche gardée a été modifiée depuis. Corrigez-la plutôt à la main.');
  }
  const links: [PersonLink, string[]][] = Object.entries(merge.moved).map(([key, ids]) => {
    const [table = '', column = ''] = key.split('.');
    return [{ table, column }, ids];
  });
  for (const [link, ids] of links) {
    if ((await countLinkedRows(trx, link, kept.id, ids)) !== ids.length) {
      return refuse(
        link.table === 'requests'
          ? 'une demande déplacée par la fusion a été supprimée, anonymisée ou rattachée à une autre fiche depuis.'
          : 'un élément déplacé par la fusion a été supprimé ou rattaché à une autre fiche depuis.',
      );
    }
  }

  for (const [link, ids] of links) await moveLinkedRows(trx, link, kept.id, merged.id, ids);
  await notePersonChanged(trx, {
    tenantId: input.actor.tenantId,
    requestIds,
    agentId: input.actor.agentId,
    body: `Fusion annulée : la demande revient sur la fiche de ${personName(merged)}.`,
    now: input.now,
  });
  await trx
    .updateTable('people')
    .set({ ...merge.kept_before, updated_at: input.now })
    .where('id', '=', kept.id)
    .execute();
  await trx
    .updateTable('people')
    .set({ merged_into_id: null, updated_at: input.now })
    .where('id', '=', merged.id)
    .execute();
  await trx
    .updateTable('person_merges')
    .set({ undone_at: input.now, undone_by: input.actor.agentId })
    .where('id', '=', merge.id)
    .execute();
  await logRecordAccess(trx, input, 'unmerge_people', [kept, merged]);
  return { ok: true, keptId: kept.id, mergedId: merged.id };
}
