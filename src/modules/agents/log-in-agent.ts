import type { AgentSessionStage } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { loginEmail } from '../../platform/security/email.ts';
import { authenticateAgent } from './authenticate-agent.ts';
import { stageAfterFirstFactor } from './second-factor.ts';
import { createSession, deleteSession } from './sessions.ts';

export interface OpenedSession {
  /** The cookie value. */
  token: string;
  /** With a second factor the session opens half-way and gives access to nothing else. */
  stage: AgentSessionStage;
}

/**
 * Opens the session that follows a checked first factor (password, invitation, ProConnect). A new
 * session every time, the browser's previous one deleted: a session id planted before login is
 * worth nothing.
 */
export async function openAgentSession(
  trx: Tx,
  input: { tenantId: string; agentId: string; previousToken?: string; idToken?: string | null; now: Date },
): Promise<OpenedSession> {
  if (input.previousToken) await deleteSession(trx, input.previousToken);
  const stage = await stageAfterFirstFactor(trx, input.agentId);
  const token = await createSession(trx, input.tenantId, input.agentId, input.now, stage, input.idToken ?? null);
  return { token, stage };
}

/**
 * Checks an address and password and opens a session; null when they do not match an active
 * account. A look-alike address (NFKC-normalised, then ASCII only) never matches an account.
 */
export async function logInAgent(
  trx: Tx,
  input: { tenantId: string; email: string; password: string; previousToken?: string; now: Date },
): Promise<OpenedSession | null> {
  const agentId = await authenticateAgent(trx, loginEmail(input.email) ?? '', input.password, input.now);
  if (!agentId) return null;
  return openAgentSession(trx, { ...input, agentId });
}
