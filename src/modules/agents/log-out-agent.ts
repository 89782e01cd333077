import type { Tx } from '../../db/tenant-scope.ts';
import { deleteSession, sessionIdToken } from './sessions.ts';

/**
 * Closes the session of this cookie. Returns the ProConnect ID token it kept, if any, so that
 * the provider's session can be closed too.
 */
export async function logOutAgent(trx: Tx, token: string): Promise<string | null> {
  const idToken = await sessionIdToken(trx, token);
  await deleteSession(trx, token);
  return idToken;
}
