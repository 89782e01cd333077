import type { Tx } from '../../db/tenant-scope.ts';
import { verifySecondFactor } from './second-factor.ts';
import { createSession, deleteSession, recordFailedCode, sessionIdToken } from './sessions.ts';

/**
 * Checks the code typed at the second step of a login. A wrong code is counted on the half-open
 * session (too many close it); a right one replaces it with a full session under a new id.
 * Returns the new cookie value, or null for a wrong code (`code` null: refused by the form).
 */
export async function completeSecondFactor(
  trx: Tx,
  input: {
    tenantId: string;
    agentId: string;
    sessionToken: string;
    code: string | null;
    sessionSecret: string;
    now: Date;
  },
): Promise<string | null> {
  const valid = input.code !== null && (await verifySecondFactor(trx, { ...input, code: input.code }));
  if (!valid) {
    await recordFailedCode(trx, input.sessionToken);
    return null;
  }
  return upgradeAgentSession(trx, input);
}

/** Replaces a half-open session with a full one: a new id once the second factor is given. */
export async function upgradeAgentSession(
  trx: Tx,
  input: { tenantId: string; agentId: string; sessionToken: string; now: Date },
): Promise<string> {
  // A ProConnect login keeps its ID token past the second factor, for the logout.
  const idToken = await sessionIdToken(trx, input.sessionToken);
  await deleteSession(trx, input.sessionToken);
  return createSession(trx, input.tenantId, input.agentId, input.now, 'full', idToken);
}
