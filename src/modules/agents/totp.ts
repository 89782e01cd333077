import { createHash, randomInt } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import type { Tx } from '../../db/tenant-scope.ts';
import { openSecret, sealSecret } from '../../platform/security/sealed-secret.ts';

/** RFC 6238 as every authenticator app implements it: SHA-1, 6 digits, 30-second steps. */
const PERIOD = 30;
const DIGITS = 6;
/** One step either side: tolerates a phone clock 30 s off and a code typed as it rolled over. */
const WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;

/**
 * TOTP secrets are sealed at rest (platform/security/sealed-secret.ts): a TOTP secret must be
 * readable by the server (it computes codes from it), so it cannot be hashed like a password;
 * encryption keeps a database dump from giving the second factor away along with the password
 * hashes. The tenant and agent ids are authenticated data: a ciphertext copied onto another
 * agent's row does not decrypt.
 */
const TOTP_PURPOSE = 'agent-totp-secret/v1';

export function encryptTotpSecret(sessionSecret: string, owner: string, base32: string): string {
  return sealSecret(sessionSecret, TOTP_PURPOSE, owner, base32);
}

export function decryptTotpSecret(sessionSecret: string, owner: string, sealed: string): string {
  return openSecret(sessionSecret, TOTP_PURPOSE, owner, sealed);
}

/** The authenticated-data label binding a sealed secret to its agent. */
export function secretOwner(tenantId: string, agentId: string): string {
  return `${tenantId}:${agentId}`;
}

export function newTotpSecret(): string {
  return new OTPAuth.Secret({ size: 20 }).base32;
}

export function totpFor(base32: string, issuer = 'Guichet', label = 'agent'): OTPAuth.TOTP {
  return new OTPAuth.TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: DIGITS,
    period: PERIOD,
    secret: OTPAuth.Secret.fromBase32(base32),
  });
}

/** The otpauth:// URI an app reads from the QR code, also shown as text for manual entry. */
export function otpauthUri(base32: string, issuer: string, label: string): string {
  return totpFor(base32, issuer, label).toString();
}

/**
 * The time step a code is valid for, or null. `lastStep` is the step of the last accepted code:
 * a code of that step or an earlier one is refused, so a code seen over a shoulder or captured
 * by a phishing proxy cannot be used a second time.
 */
export function acceptedStep(base32: string, code: string, now: Date, lastStep: number | null): number | null {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totpFor(base32).validate({ token, timestamp: now.getTime(), window: WINDOW });
  if (delta === null) return null;
  const step = Math.floor(now.getTime() / 1000 / PERIOD) + delta;
  if (lastStep !== null && step <= lastStep) return null;
  return step;
}

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten characters from an alphabet without look-alikes (≈ 49 bits), shown as "xxxxx-xxxxx". */
function newRecoveryCode(): string {
  const chars = Array.from({ length: 10 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]);
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

export function normaliseRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export function recoveryCodeHash(code: string): string {
  return createHash('sha256').update(normaliseRecoveryCode(code)).digest('hex');
}

/** Replaces an agent's recovery codes with ten new ones, returned once for display. */
export async function replaceRecoveryCodes(trx: Tx, tenantId: string, agentId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await trx.deleteFrom('agent_recovery_codes').where('agent_id', '=', agentId).execute();
  await trx
    .insertInto('agent_recovery_codes')
    .values(codes.map((c) => ({ tenant_id: tenantId, agent_id: agentId, code_hash: recoveryCodeHash(c) })))
    .execute();
  return codes;
}

/** Marks a recovery code used; true when it was a valid, unused code of this agent. */
export async function useRecoveryCode(trx: Tx, agentId: string, code: string, now: Date): Promise<boolean> {
  if (normaliseRecoveryCode(code).length !== 10) return false;
  const used = await trx
    .updateTable('agent_recovery_codes')
    .set({ used_at: now })
    .where('agent_id', '=', agentId)
    .where('code_hash', '=', recoveryCodeHash(code))
    .where('used_at', 'is', null)
    .returning('code_hash')
    .executeTakeFirst();
  return used !== undefined;
}
