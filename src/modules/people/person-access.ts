import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import type { AgentActor, PersonResource } from '../../platform/policy.ts';
import { can } from '../authorization.ts';
import { findPerson, personServiceIds, type PersonRow } from './repository.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Unknown and forbidden records get the same answer, so ids cannot be probed. */
export function personNotFound(): AppError {
  return new AppError('not_found', "Cette fiche usager n'existe pas ou vous n'y avez pas accès.");
}

export async function personResourceOf(trx: Tx, tenantId: string, personId: string): Promise<PersonResource> {
  return { kind: 'person', tenantId, serviceIds: await personServiceIds(trx, personId) };
}

/**
 * A record the agent may see or edit, with its resource; the not-found error otherwise. A merged
 * record is returned as it is (`merged_into_id` set): the caller redirects to the kept one.
 */
export async function authorisedPerson(
  trx: Tx,
  actor: AgentActor,
  personId: string,
  action: 'view_person' | 'edit_person' = 'view_person',
): Promise<{ person: PersonRow; resource: PersonResource }> {
  if (!isUuid(personId)) throw personNotFound();
  const person = await findPerson(trx, personId);
  if (!person) throw personNotFound();
  if (person.merged_into_id !== null)
    return { person, resource: { kind: 'person', tenantId: actor.tenantId, serviceIds: [] } };
  const resource = await personResourceOf(trx, actor.tenantId, person.id);
  if (!can(actor, action, resource)) throw personNotFound();
  return { person, resource };
}

/** The active record a merged one now lives in (following merges of merges). */
export async function keptRecordOf(trx: Tx, person: PersonRow): Promise<string> {
  let current = person;
  for (let hops = 0; current.merged_into_id !== null && hops < 50; hops++) {
    const next = await findPerson(trx, current.merged_into_id);
    if (!next) break;
    current = next;
  }
  return current.id;
}
