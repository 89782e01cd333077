import { createHash, randomBytes } from 'node:crypto';

/** A new invitation token: 32 random bytes, base64url; only its sha256 is stored. */
export function newInvitationToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashInvitationToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Could this be a token we issued? (Anything else is refused before any look-up.) */
export function isWellFormedToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}
