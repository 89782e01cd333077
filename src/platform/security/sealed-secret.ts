import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Secrets the server must read back (a TOTP seed, a mailbox password), kept encrypted at rest so
 * that a database dump (a backup, a read-only SQL leak) does not give them away.
 *
 * The key is derived from SESSION_SECRET with HKDF (RFC 5869), one key per `purpose` label: the
 * same secret already signs CSRF tokens, and a key must serve one purpose only; HKDF gives an
 * independent 256-bit key per use without a new variable to configure, back up and rotate.
 * AES-256-GCM with a random 96-bit nonce; `owner` (e.g. `<tenant>:<agent>`) is authenticated
 * data: a ciphertext copied onto another row does not decrypt.
 */
function purposeKey(sessionSecret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', sessionSecret, 'guichet', purpose, 32));
}

/** `v1.<nonce>.<tag>.<ciphertext>`, each base64url. */
export function sealSecret(sessionSecret: string, purpose: string, owner: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', purposeKey(sessionSecret, purpose), iv);
  cipher.setAAD(Buffer.from(owner));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(
    '.',
  );
}

/** The plaintext; throws when the format, the key, the purpose or the owner is not the sealing one. */
export function openSecret(sessionSecret: string, purpose: string, owner: string, sealed: string): string {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || !body) throw new Error('unknown sealed secret format');
  const decipher = createDecipheriv('aes-256-gcm', purposeKey(sessionSecret, purpose), Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(owner));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}
