import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import type { AccessLogAction } from '../../db/schema.ts';
import type { AgentActor, PersonResource } from '../../platform/policy.ts';
import { can } from '../authorization.ts';
import { logPersonalDataAccess } from '../privacy/access-log.ts';
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

/** Both records of a merge, locked in a fixed order (two agents on the same pair wait for each other). */
export async function lockPeople(trx: Tx, keptId: string, mergedId: string) {
  const rows = await trx
    .selectFrom('people')
    .selectAll()
    .where('id', 'in', [keptId, mergedId])
    .orderBy('id')
    .forUpdate()
    .execute();
  const kept = rows.find((r) => r.id === keptId);
  const merged = rows.find((r) => r.id === mergedId);
  if (!kept || !merged) throw personNotFound();
  return { kept, merged };
}

/** An agent's act on records, in the personal data access log: one entry per record. */
export async function logRecordAccess(
  trx: Tx,
  input: { actor: AgentActor; agentName: string; ip: string; now: Date },
  action: Extract<AccessLogAction, 'view_person' | 'merge_people' | 'unmerge_people'>,
  people: readonly Pick<PersonRow, 'id' | 'citizen_id'>[],
): Promise<void> {
  for (const person of people) {
    await logPersonalDataAccess(trx, {
      tenantId: input.actor.tenantId,
      actor: { kind: 'agent', id: input.actor.agentId, label: input.agentName },
      action,
      citizenId: person.citizen_id,
      personId: person.id,
      ip: input.ip,
      now: input.now,
    });
  }
}
