import { isAccountOwner, type CitizenActor, type Rules } from '../../platform/policy.ts';
import type { CitizenSession } from './sessions.ts';

/** The actor of a signed-in citizen session. */
export function citizenActor(tenantId: string, session: Pick<CitizenSession, 'citizenId' | 'citizen'>): CitizenActor {
  return { kind: 'citizen', tenantId, citizenId: session.citizenId, email: session.citizen.email };
}

/**
 * A citizen's space and account are theirs alone: their requests list, messages, preferences
 * and sessions. No agent, admin or operator opens a citizen's space; agents see requests
 * through their own pages, and only those of their services.
 */
export const citizenRules: Rules<'view_own_space' | 'manage_own_account'> = {
  view_own_space: (actor, account) => isAccountOwner(actor, account.tenantId, account.citizenId),
  manage_own_account: (actor, account) => isAccountOwner(actor, account.tenantId, account.citizenId),
};

/** The resource of the citizen's own account. */
export function ownAccount(actor: CitizenActor) {
  return { kind: 'citizen_account' as const, tenantId: actor.tenantId, citizenId: actor.citizenId };
}
