import {
  coversService,
  isStaffOf,
  type Actor,
  type AgentActor,
  type PersonResource,
  type Rules,
} from '../../platform/policy.ts';

/** Supervisors and administrators of the tenant see every record (they settle duplicates across services). */
function seesEveryRecord(actor: Actor, tenantId: string): boolean {
  return isStaffOf(actor, tenantId) && (actor.role === 'supervisor' || actor.role === 'admin');
}

/**
 * Least privilege: an agent sees a record when they may see at least one of its items, or when it
 * has no item yet (a record just created at the counter, before anything was filed).
 */
function seesRecord(actor: Actor, person: PersonResource): boolean {
  if (!isStaffOf(actor, person.tenantId)) return false;
  if (seesEveryRecord(actor, person.tenantId)) return true;
  return person.serviceIds.length === 0 || person.serviceIds.some((id) => coversService(actor, id));
}

/**
 * Who may do what with citizen records (fiches usager).
 *
 * - Any agent of the tenant lists and searches records (the list shows only those they may see)
 *   and creates one (a caller, a visitor at the counter).
 * - An agent sees and edits a record when one of its items belongs to one of their services, or
 *   when it has no item yet; what its timeline shows is still each item's own rule (`view`), and
 *   the others are only counted. Supervisors and administrators of the tenant see every record.
 * - Merging two records (and undoing it) needs both to be visible to the agent.
 * - Nobody else: not the citizen (their space shows their account), not another tenant's staff,
 *   not the operator.
 */
export const peopleRules: Rules<'list_people' | 'create_person' | 'view_person' | 'edit_person' | 'merge_people'> = {
  list_people: (actor, tenant) => isStaffOf(actor, tenant.tenantId),
  create_person: (actor, tenant) => isStaffOf(actor, tenant.tenantId),
  view_person: seesRecord,
  edit_person: seesRecord,
  merge_people: (actor, pair) =>
    pair.kept.tenantId === pair.tenantId &&
    pair.merged.tenantId === pair.tenantId &&
    seesRecord(actor, pair.kept) &&
    seesRecord(actor, pair.merged),
};

/**
 * The services whose records a list shows this agent: null means every record (supervisors and
 * administrators); otherwise records with an item in these services, or with no item at all.
 */
export function peopleScope(actor: AgentActor): string[] | null {
  return actor.role === 'supervisor' || actor.role === 'admin' ? null : actor.serviceIds;
}
