import { createHash, randomBytes } from 'node:crypto';
import type { AgentTokenPurpose } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';

/**
 * Single-use links sent by mail to an agent (invitation, password reset). The token is 256
 * random bits; only its sha256 is stored (a slow hash would add nothing at that entropy), so a
 * leaked table gives no usable link. Each purpose only opens its own page.
 */

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function issueAgentToken(
  trx: Tx,
  input: {
    tenantId: string;
    agentId: string;
    purpose: AgentTokenPurpose;
    issuedBy: string | null;
    lifetimeMs: number;
    now: Date;
  },
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await trx
    .insertInto('agent_invitations')
    .values({
      tenant_id: input.tenantId,
      agent_id: input.agentId,
      token_hash: tokenHash(token),
      invited_by: input.issuedBy,
      expires_at: new Date(input.now.getTime() + input.lifetimeMs),
      purpose: input.purpose,
    })
    .execute();
  return token;
}

/** The active agent a token opens, if it has this purpose, is unused and not expired. */
export async function findAgentToken(trx: Tx, token: string, purpose: AgentTokenPurpose, now: Date) {
  if (!/^[\w-]{43}$/.test(token)) return undefined;
  return trx
    .selectFrom('agent_invitations as i')
    .innerJoin('agents as a', (j) => j.onRef('a.tenant_id', '=', 'i.tenant_id').onRef('a.id', '=', 'i.agent_id'))
    .select(['i.id', 'i.agent_id', 'a.email', 'a.display_name'])
    .where('i.token_hash', '=', tokenHash(token))
    .where('i.purpose', '=', purpose)
    .where('i.used_at', 'is', null)
    .where('i.expires_at', '>', now)
    .where('a.active', '=', true)
    .executeTakeFirst();
}

/** Spends a token; false when it was already spent (the conditional update wins a race once). */
export async function spendAgentToken(trx: Tx, id: string, now: Date): Promise<boolean> {
  const spent = await trx
    .updateTable('agent_invitations')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(spent.numUpdatedRows) === 1;
}

/** Spends every open token of this purpose for an agent: only the newest link works. */
export async function spendAgentTokens(trx: Tx, agentId: string, purpose: AgentTokenPurpose, now: Date) {
  await trx
    .updateTable('agent_invitations')
    .set({ used_at: now })
    .where('agent_id', '=', agentId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
}
