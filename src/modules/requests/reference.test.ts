import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  CODE_ALPHABET,
  displayTrackingSecret,
  generateReference,
  generateTrackingSecret,
  hashTrackingSecret,
  normalizeReference,
  normalizeTrackingSecret,
  REFERENCE_PATTERN,
  TRACKING_SECRET_EXAMPLE,
} from './reference.ts';

const AMBIGUOUS = /[01ILOSU]/;

describe('references', () => {
  test('format', () => {
    const ref = generateReference('VB', 2026);
    assert.match(ref, /^VB-2026-[23456789ABCDEFGHJKMNPQRTVWXYZ]{5}$/);
    assert.match(ref, REFERENCE_PATTERN);
    assert.equal(CODE_ALPHABET.length, 29);
    assert.equal(new Set(CODE_ALPHABET).size, 29);
    assert.doesNotMatch(CODE_ALPHABET, AMBIGUOUS);
  });

  test('rejects a bad prefix or year', () => {
    assert.throws(() => generateReference('vb', 2026), RangeError);
    assert.throws(() => generateReference('VILLE', 2026), RangeError);
    assert.throws(() => generateReference('VB', 26), RangeError);
  });

  test('no ambiguous characters, and every character of the alphabet used, over many draws', () => {
    const counts = new Map<string, number>();
    const draws = 20000;
    for (let i = 0; i < draws; i++) {
      const code = generateReference('VB', 2026).slice('VB-2026-'.length);
      assert.doesNotMatch(code, AMBIGUOUS);
      for (const c of code) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    assert.deepEqual([...counts.keys()].sort().join(''), [...CODE_ALPHABET].sort().join(''));
    // Each character is expected 20000 × 5 / 29 ≈ 3448 times (σ ≈ 58): a gross bias would show.
    const expected = (draws * 5) / 29;
    for (const [c, n] of counts) assert.ok(Math.abs(n - expected) < expected * 0.15, `${c}: ${n}`);
  });

  test('collisions are improbable', () => {
    // 2,000 draws among 29^5 = 20,511,149 codes: about 0.1 colliding pair expected.
    const seen = new Set<string>();
    let duplicates = 0;
    for (let i = 0; i < 2000; i++) {
      const ref = generateReference('VB', 2026);
      if (seen.has(ref)) duplicates += 1;
      seen.add(ref);
    }
    assert.ok(duplicates <= 3, `${duplicates} duplicates`);
  });

  test('normalisation accepts the usual ways of typing a reference', () => {
    for (const input of [
      'VB-2026-4F7K2',
      'vb-2026-4f7k2',
      'vb 2026 4f7k2',
      'VB20264F7K2',
      '  vb2026-4F7K2 ',
      'VB – 2026 – 4F7K2',
      'VB\u00a02026\u00a04F7K2',
      'vb.2026.4f7k2',
      'VB 2026 4F 7K2',
    ]) {
      assert.equal(normalizeReference(input), 'VB-2026-4F7K2', input);
    }
    // S and U are never drawn, so they can only be a misread 5 or V.
    assert.equal(normalizeReference('vb-2026-s4fku'), 'VB-2026-54FKV');
    assert.equal(normalizeReference('ABCD-2027-ZZZZZ'), 'ABCD-2027-ZZZZZ');
  });

  test('normalisation returns null for what cannot be a reference, and never throws', () => {
    for (const input of [
      '',
      '   ',
      'bonjour',
      'VB-2026-4F7K', // too short
      'VB-2026-4F7K22', // too long
      'VB-26-4F7K2',
      'V-2026-4F7K2',
      'VILLE-2026-4F7K2',
      'VB-2026-0F7K2', // zero is never drawn
      'VB-2026-1F7K2',
      'VB-2026-OF7K2',
      'VB-2026-4F7K2; drop table requests',
      '<script>VB-2026-4F7K2</script>',
      'VB-2026-4F7K2'.repeat(20),
    ]) {
      assert.equal(normalizeReference(input), null, input);
    }
    assert.equal(normalizeReference(undefined as unknown as string), null);
    assert.equal(normalizeReference(42 as unknown as string), null);
  });

  test('generated references are already canonical', () => {
    for (let i = 0; i < 200; i++) {
      const ref = generateReference('SMA', 2027);
      assert.equal(normalizeReference(ref), ref);
      assert.equal(normalizeReference(ref.toLowerCase().replace(/-/g, ' ')), ref);
    }
  });
});

describe('tracking secrets', () => {
  test('format: 12 characters in groups of 4, no ambiguous characters', () => {
    for (let i = 0; i < 2000; i++) {
      const secret = generateTrackingSecret();
      assert.match(secret, /^[23456789ABCDEFGHJKMNPQRTVWXYZ]{4}(-[23456789ABCDEFGHJKMNPQRTVWXYZ]{4}){2}$/);
    }
  });

  test('no collision over many draws', () => {
    // 29^12 ≈ 3.5 × 10^17 values: a repeat among 10,000 draws has a probability of about 10^-10.
    const seen = new Set<string>();
    for (let i = 0; i < 10000; i++) seen.add(generateTrackingSecret());
    assert.equal(seen.size, 10000);
  });

  test('normalisation', () => {
    assert.equal(normalizeTrackingSecret('K7M3-QX9P-2D4F'), 'K7M3QX9P2D4F');
    assert.equal(normalizeTrackingSecret('k7m3 qx9p 2d4f'), 'K7M3QX9P2D4F');
    assert.equal(normalizeTrackingSecret(' k7m3qx9p2d4f '), 'K7M3QX9P2D4F');
    assert.equal(normalizeTrackingSecret('K7M3–QX9P–2D4F'), 'K7M3QX9P2D4F');
    assert.equal(normalizeTrackingSecret('k7m3-qx9p-2d4s'), 'K7M3QX9P2D45');
    assert.equal(normalizeTrackingSecret('K7M3-QX9P-2D4'), null);
    assert.equal(normalizeTrackingSecret('K7M3-QX9P-2D4F5'), null);
    assert.equal(normalizeTrackingSecret('K7M3-QX9P-2D4O'), null);
    assert.equal(normalizeTrackingSecret(''), null);
    assert.equal(normalizeTrackingSecret(null as unknown as string), null);
  });

  test('hash: sha256 hex of the normalised secret, whatever the typing', () => {
    const expected = createHash('sha256').update('K7M3QX9P2D4F').digest('hex');
    assert.equal(hashTrackingSecret('K7M3-QX9P-2D4F'), expected);
    assert.equal(hashTrackingSecret('k7m3 qx9p 2d4f'), expected);
    assert.match(expected, /^[0-9a-f]{64}$/);
    assert.notEqual(hashTrackingSecret('K7M3-QX9P-2D4G'), expected);
    const secret = generateTrackingSecret();
    assert.equal(hashTrackingSecret(secret.toLowerCase()), hashTrackingSecret(secret));
    // Garbage still hashes (and matches nothing) rather than throwing.
    assert.match(hashTrackingSecret('pas un code'), /^[0-9a-f]{64}$/);
  });
});

describe('tracking code display', () => {
  test('one form, K7M3-QX9P-2D4F, whatever was typed; the lookup example is a valid code in that form', () => {
    assert.equal(displayTrackingSecret('k7m3 qx9p 2d4f'), 'K7M3-QX9P-2D4F');
    assert.equal(displayTrackingSecret('K7M3QX9P2D4F'), 'K7M3-QX9P-2D4F');
    assert.equal(displayTrackingSecret('nope'), null);
    const secret = generateTrackingSecret();
    assert.equal(displayTrackingSecret(secret), secret);
    assert.equal(displayTrackingSecret(TRACKING_SECRET_EXAMPLE), TRACKING_SECRET_EXAMPLE);
  });
});
