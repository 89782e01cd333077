import { sql } from 'kysely';
import type { AgentSessionStage } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import {
  acceptedStep,
  decryptTotpSecret,
  encryptTotpSecret,
  newTotpSecret,
  replaceRecoveryCodes,
  secretOwner,
  useRecoveryCode,
} from './totp.ts';

/**
 * Where a login goes once the first factor (password or ProConnect) is checked:
 * - an agent with TOTP set up gives a code ('second_factor');
 * - an administrator without TOTP, or any agent of a tenant that requires it, must set it up
 *   before anything else ('enrolment');
 * - otherwise the agent is signed in ('full').
 * Administrators always need it: they manage accounts, so a stolen password alone would give
 * away every other account of the tenant.
 * A ProConnect login counts as the first factor only. ProConnect federates many identity
 * providers, and whether the agent's own provider asked for a second factor varies from one to
 * the next (only some assert it in `acr`/`amr`); rather than trust a claim that is often absent,
 * TOTP applies after ProConnect exactly as after a password, so an administrator's access never
 * rests on a single factor whichever way they came in.
 */
export async function stageAfterFirstFactor(trx: Tx, agentId: string): Promise<AgentSessionStage> {
  const row = await trx
    .selectFrom('agents as a')
    .innerJoin('tenants as t', 't.id', 'a.tenant_id')
    .select(['a.role', 'a.totp_enabled_at', 't.require_agent_2fa'])
    .where('a.id', '=', agentId)
    .executeTakeFirstOrThrow();
  if (row.totp_enabled_at) return 'second_factor';
  if (row.role === 'admin' || row.require_agent_2fa) return 'enrolment';
  return 'full';
}

export interface SecondFactorInput {
  tenantId: string;
  agentId: string;
  code: string;
  now: Date;
  sessionSecret: string;
}

/**
 * Checks a TOTP code, or failing that a recovery code (each usable once). The accepted TOTP step
 * is recorded with a conditional update, so two requests racing with the same code cannot both
 * pass.
 */
export async function verifySecondFactor(trx: Tx, input: SecondFactorInput): Promise<boolean> {
  const agent = await trx
    .selectFrom('agents')
    .select(['totp_secret_encrypted', 'totp_enabled_at', 'totp_last_step'])
    .where('id', '=', input.agentId)
    .executeTakeFirst();
  if (!agent?.totp_enabled_at || !agent.totp_secret_encrypted) return false;
  const code = input.code.trim();
  if (/^\d[\d\s]*$/.test(code)) {
    const secret = decryptTotpSecret(
      input.sessionSecret,
      secretOwner(input.tenantId, input.agentId),
      agent.totp_secret_encrypted,
    );
    const last = agent.totp_last_step === null ? null : Number(agent.totp_last_step);
    const step = acceptedStep(secret, code, input.now, last);
    if (step === null) return false;
    const updated = await trx
      .updateTable('agents')
      .set({ totp_last_step: step })
      .where('id', '=', input.agentId)
      .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', sql<string>`${step}`)]))
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }
  return useRecoveryCode(trx, input.agentId, code, input.now);
}

export interface Enrolment {
  /** Base32 secret, to show as text for manual entry. */
  secret: string;
  alreadyEnabled: boolean;
}

/**
 * The secret being set up: the same one until it is confirmed, so that reloading the page
 * after scanning the QR code does not invalidate what the app already holds.
 */
export async function startEnrolment(
  trx: Tx,
  tenantId: string,
  agentId: string,
  sessionSecret: string,
): Promise<Enrolment> {
  const agent = await trx
    .selectFrom('agents')
    .select(['totp_secret_encrypted', 'totp_enabled_at'])
    .where('id', '=', agentId)
    .executeTakeFirstOrThrow();
  if (agent.totp_enabled_at) return { secret: '', alreadyEnabled: true };
  const owner = secretOwner(tenantId, agentId);
  if (agent.totp_secret_encrypted) {
    try {
      return { secret: decryptTotpSecret(sessionSecret, owner, agent.totp_secret_encrypted), alreadyEnabled: false };
    } catch {
      // Sealed under an older SESSION_SECRET: an unconfirmed secret is simply replaced.
    }
  }
  const secret = newTotpSecret();
  await trx
    .updateTable('agents')
    .set({ totp_secret_encrypted: encryptTotpSecret(sessionSecret, owner, secret), totp_last_step: null })
    .where('id', '=', agentId)
    .execute();
  return { secret, alreadyEnabled: false };
}

/**
 * Confirms the set-up with a first code from the app; returns the ten recovery codes (to show
 * once) or null when the code is wrong.
 */
export async function confirmEnrolment(
  trx: Tx,
  input: { tenantId: string; agentId: string; code: string; now: Date; sessionSecret: string },
): Promise<string[] | null> {
  const agent = await trx
    .selectFrom('agents')
    .select(['totp_secret_encrypted', 'totp_enabled_at'])
    .where('id', '=', input.agentId)
    .executeTakeFirstOrThrow();
  if (agent.totp_enabled_at || !agent.totp_secret_encrypted) return null;
  const secret = decryptTotpSecret(
    input.sessionSecret,
    secretOwner(input.tenantId, input.agentId),
    agent.totp_secret_encrypted,
  );
  const step = acceptedStep(secret, input.code, input.now, null);
  if (step === null) return null;
  await trx
    .updateTable('agents')
    .set({ totp_enabled_at: input.now, totp_last_step: step })
    .where('id', '=', input.agentId)
    .execute();
  return replaceRecoveryCodes(trx, input.tenantId, input.agentId);
}
