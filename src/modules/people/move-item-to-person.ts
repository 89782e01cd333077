import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import type { AgentActor } from '../../platform/policy.ts';
import type { FormResult } from '../../platform/web/form.ts';
import { can } from '../authorization.ts';
import { lockItemForAgentAction } from '../requests/repository.ts';
import { staleRevision } from '../requests/revision.ts';
import { isUuid, personResourceOf } from './person-access.ts';
import { notePersonChanged } from './person-links.ts';
import { personName } from './present.ts';
import { findPerson } from './repository.ts';

/**
 * « Changer de fiche usager »: one item was attached to the wrong person (a shared address, a
 * homonym); it moves to another record, alone (a merge moves everything). The agent must be of
 * the item's service (`change_person`) and see the other record; a `person_changed` event on the
 * item (agents only) says from which record to which, and by whom. Refused for a page older than
 * the item, a record merged into another, and the record it is already on.
 */
export async function moveItemToPerson(
  trx: Tx,
  input: {
    actor: AgentActor;
    agentName: string;
    requestId: string;
    personId: string;
    revision: number | null;
    now: Date;
  },
): Promise<FormResult<{ personId: string; personName: string }>> {
  const item = await lockItemForAgentAction(trx, input.requestId);
  if (!item) throw new AppError('request_not_found', 'Cette demande est introuvable.');
  if (input.revision !== null && item.revision !== input.revision) {
    return { ok: false, errors: [staleRevision('usager')] };
  }
  const unknown = {
    ok: false as const,
    errors: [{ field: 'usager', message: 'Choisissez la fiche de la bonne personne.' }],
  };
  const target = isUuid(input.personId) ? await findPerson(trx, input.personId) : undefined;
  if (!target) return unknown;
  if (!can(input.actor, 'view_person', await personResourceOf(trx, input.actor.tenantId, target.id))) return unknown;
  if (target.merged_into_id !== null) {
    return {
      ok: false,
      errors: [{ field: 'usager', message: 'Cette fiche a été fusionnée avec une autre : choisissez celle-ci.' }],
    };
  }
  const current = await trx.selectFrom('requests').select('person_id').where('id', '=', item.id).executeTakeFirst();
  if (current?.person_id === target.id) {
    return { ok: false, errors: [{ field: 'usager', message: 'La demande est déjà sur cette fiche.' }] };
  }
  const previous = current?.person_id ? await findPerson(trx, current.person_id) : undefined;
  await trx.updateTable('requests').set({ person_id: target.id }).where('id', '=', item.id).execute();
  await notePersonChanged(trx, {
    tenantId: input.actor.tenantId,
    requestIds: [item.id],
    agentId: input.actor.agentId,
    body: `Rattachée à la fiche de ${personName(target)}${
      previous ? ` (auparavant celle de ${personName(previous)})` : ''
    } par ${input.agentName}.`,
    now: input.now,
  });
  return { ok: true, value: { personId: target.id, personName: personName(target) } };
}
