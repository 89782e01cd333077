import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, randomInt } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import type { Tx } from '../../db/tenant-scope.ts';

/** RFC 6238 as every authenticator app implements it: SHA-1, 6 digits, 30-second steps. */
const PERIOD = 30;
const DIGITS = 6;
/** One step either side: tolerates a phone clock 30 s off and a code typed as it rolled over. */
const WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;

/**
 * The key that encrypts TOTP secrets at rest, derived from SESSION_SECRET with HKDF (RFC 5869).
 * Why derived and not SESSION_SECRET itself: the same secret already signs CSRF tokens, and a
 * key must serve one purpose only; HKDF with its own "info" label gives an independent 256-bit
 * key for this use, without a new variable to configure, back up and rotate. Why encrypted at
 * all: a TOTP secret must be readable by the server (it computes codes from it), so it cannot
 * be hashed like a password; encryption keeps a database dump (backups, a read-only SQL leak)
 * from giving the second factor away along with the password hashes.
 */
function secretKey(sessionSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', sessionSecret, 'guichet', 'agent-totp-secret/v1', 32));
}

/**
 * AES-256-GCM with a random 96-bit nonce. The tenant and agent ids are authenticated data:
 * a ciphertext copied onto another agent's row does not decrypt.
 */
export function encryptTotpSecret(sessionSecret: string, owner: string, base32: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', secretKey(sessionSecret), iv);
  cipher.setAAD(Buffer.from(owner));
  const body = Buffer.concat([cipher.update(base32, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(
    '.',
  );
}

export function decryptTotpSecret(sessionSecret: string, owner: string, sealed: string): string {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || !body) throw new Error('unknown TOTP secret format');
  const decipher = createDecipheriv('aes-256-gcm', secretKey(sessionSecret), Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(owner));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
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

/** The QR code as an inline SVG document, drawn on the server: no script, no third party. */
export async function qrCodeSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
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
