import { randomFillSync } from 'node:crypto';

// Random values for every answer (CSP nonces, CSRF cookies) are cut from a pool of CSPRNG bytes
// refilled 4 KiB at a time: the same output as one randomBytes() per value, without a call into
// OpenSSL for each (crypto.randomUUID keeps a pool the same way). Each byte is handed out once.
const pool = Buffer.alloc(4096);
let offset = pool.length;

/** `size` fresh random bytes (at most 256), encoded. */
export function randomString(size: number, encoding: 'base64' | 'base64url'): string {
  if (size < 1 || size > 256) throw new RangeError('randomString: 1 to 256 bytes');
  if (offset + size > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const value = pool.toString(encoding, offset, offset + size);
  offset += size;
  return value;
}
