import type { Tx } from '../../db/tenant-scope.ts';
import { verifyAgainstDummy, verifyPassword } from './password.ts';

/**
 * Checks an agent's email and password in the current tenant scope. Returns the agent id, or
 * null with the same work done whether the address is unknown, the agent inactive or the
 * password wrong, so that neither the answer nor its timing tells them apart.
 */
export async function authenticateAgent(trx: Tx, email: string, password: string, now: Date): Promise<string | null> {
  const agent = await trx
    .selectFrom('agents')
    .select(['id', 'password_hash', 'active'])
    .where('email', '=', email.trim())
    .executeTakeFirst();
  // An invited agent has no password yet (''): same answer as an unknown address.
  if (!agent || !agent.active || agent.password_hash === '') {
    await verifyAgainstDummy(password);
    return null;
  }
  if (!(await verifyPassword(agent.password_hash, password))) return null;
  await trx.updateTable('agents').set({ last_login_at: now }).where('id', '=', agent.id).execute();
  return agent.id;
}
