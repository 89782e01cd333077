import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomString } from './random.ts';

test('random strings have the asked size, never repeat across pool refills, and refuse odd sizes', () => {
  const seen = new Set<string>();
  // 24-byte values do not divide the 4 KiB pool: this crosses many refills and their edges.
  for (let i = 0; i < 2000; i++) {
    const value = randomString(24, 'base64url');
    assert.equal(Buffer.from(value, 'base64url').length, 24);
    assert.match(value, /^[\w-]{32}$/);
    seen.add(value);
  }
  assert.equal(seen.size, 2000);
  const nonce = randomString(16, 'base64');
  assert.equal(Buffer.from(nonce, 'base64').length, 16);
  // Bytes look uniform: over 64 KiB, every byte value turns up.
  const counts = new Set<number>();
  for (let i = 0; i < 256; i++) for (const b of Buffer.from(randomString(256, 'base64'), 'base64')) counts.add(b);
  assert.equal(counts.size, 256);
  assert.throws(() => randomString(0, 'base64'), RangeError);
  assert.throws(() => randomString(257, 'base64'), RangeError);
});
