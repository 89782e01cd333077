import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The tracking code of a request, sealed (AES-256-GCM) so that mails sent later (a status
 * change) can carry the direct tracking link. Only its hash opens the request; the sealed copy is
 * read by nothing but the mail builder. The key is derived from SESSION_SECRET: a stolen
 * database alone reveals no code, and a changed secret only makes later mails fall back to the
 * lookup page. The seal is bound to the tenant and the reference, so it cannot be moved to
 * another request. See docs/decisions/0013-sealed-tracking-code-for-mail-links.md.
 */

const VERSION = 'v1';

// Deriving the key costs more than sealing with it; a process has one secret (tests a few).
const keys = new Map<string, Buffer>();

function keyFrom(sessionSecret: string): Buffer {
  let key = keys.get(sessionSecret);
  if (!key) {
    if (keys.size >= 8) keys.clear();
    key = Buffer.from(hkdfSync('sha256', sessionSecret, 'guichet', 'tracking-code-seal', 32));
    keys.set(sessionSecret, key);
  }
  return key;
}

export function sealTrackingSecret(
  sessionSecret: string,
  binding: { tenantId: string; reference: string },
  secret: string,
): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(sessionSecret), iv);
  cipher.setAAD(Buffer.from(`${binding.tenantId}:${binding.reference}`));
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
}

/** The code, or null when there is none or it was sealed with another key. Never throws. */
export function openTrackingSecret(
  sessionSecret: string,
  binding: { tenantId: string; reference: string },
  sealed: string | null,
): string | null {
  const parts = sealed?.split('.') ?? [];
  if (parts.length !== 3 || parts[0] !== VERSION) return null;
  try {
    const iv = Buffer.from(parts[1]!, 'base64url');
    const body = Buffer.from(parts[2]!, 'base64url');
    if (iv.length !== 12 || body.length < 17) return null;
    const decipher = createDecipheriv('aes-256-gcm', keyFrom(sessionSecret), iv);
    decipher.setAAD(Buffer.from(`${binding.tenantId}:${binding.reference}`));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
