import type { Tx } from '../../db/tenant-scope.ts';
import type { AgentActor } from '../../platform/policy.ts';
import { can } from '../authorization.ts';
import { listCitizenConsents, type ConsentRow } from '../privacy/consents.ts';
import { requestScope } from '../requests/policy.ts';
import { authorisedPerson, keptRecordOf, logRecordAccess } from './person-access.ts';
import { personTimeline, type PersonTimelineEntry, type TimelinePosition } from './person-timeline.ts';
import { peopleScope } from './policy.ts';
import { duplicatesOf, mergesInto, type DuplicateReason, type PersonHit, type PersonRow } from './repository.ts';

export interface PersonRecord {
  person: PersonRow;
  entries: PersonTimelineEntry[];
  /** Where the timeline's next page starts (null: nothing older). */
  next: TimelinePosition | null;
  /** This page continues an earlier one. */
  continued: boolean;
  /** Items of this person in services the agent does not work for: counted, not shown. */
  otherItems: number;
  otherServices: number;
  consents: ConsentRow[];
  duplicates: (PersonHit & { reasons: DuplicateReason[] })[];
  merges: Awaited<ReturnType<typeof mergesInto>>;
  canEdit: boolean;
}

/**
 * A citizen record as an agent opens it: identity, contact details, preferences, consents (when
 * the record has an account), one timeline of what the agent may see, possible duplicates and
 * the merges made into it. The view is written to the personal data access log in the same
 * transaction. A merged record answers with the record it was merged into.
 */
export async function openPersonRecord(
  trx: Tx,
  input: {
    actor: AgentActor;
    agentName: string;
    personId: string;
    ip: string;
    now: Date;
    /** The timeline's page: entries older than this (null: the latest). */
    before?: TimelinePosition | null;
  },
): Promise<{ kind: 'merged'; keptId: string } | ({ kind: 'record' } & PersonRecord)> {
  const { person, resource } = await authorisedPerson(trx, input.actor, input.personId);
  if (person.merged_into_id !== null) return { kind: 'merged', keptId: await keptRecordOf(trx, person) };
  const before = input.before ?? null;
  const timeline = await personTimeline(trx, { personId: person.id, scopeIds: requestScope(input.actor), before });
  await logRecordAccess(trx, input, 'view_person', [person]);
  return {
    kind: 'record',
    person,
    ...timeline,
    continued: before !== null,
    consents: person.citizen_id ? await listCitizenConsents(trx, person.citizen_id) : [],
    duplicates: await duplicatesOf(trx, person, peopleScope(input.actor)),
    merges: await mergesInto(trx, person.id),
    canEdit: can(input.actor, 'edit_person', resource),
  };
}
