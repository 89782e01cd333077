import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openTrackingSecret, sealTrackingSecret } from './tracking-seal.ts';

const KEY = 'test-secret-test-secret-test-secret-0123';
const binding = { tenantId: '00000000-0000-4000-8000-000000000001', reference: 'VB-2026-4F7K2' };

describe('sealed tracking code', () => {
  test('opens with the same key and request only; anything else gives null, never an error', () => {
    const sealed = sealTrackingSecret(KEY, binding, 'K7M3-QX9P-2D4F');
    assert.ok(!sealed.includes('K7M3'));
    assert.notEqual(sealTrackingSecret(KEY, binding, 'K7M3-QX9P-2D4F'), sealed, 'a fresh nonce each time');
    assert.equal(openTrackingSecret(KEY, binding, sealed), 'K7M3-QX9P-2D4F');
    assert.equal(openTrackingSecret(`${KEY}x`, binding, sealed), null);
    assert.equal(openTrackingSecret(KEY, { ...binding, reference: 'VB-2026-4F7K3' }, sealed), null);
    assert.equal(openTrackingSecret(KEY, { ...binding, tenantId: binding.tenantId.replace('1', '2') }, sealed), null);
    const [v, iv, body] = sealed.split('.');
    const flipped = `${v}.${iv}.${body!.slice(0, -2)}${body!.endsWith('A') ? 'B' : 'A'}${body!.slice(-1)}`;
    for (const bad of [null, '', 'v1', 'v2.a.b', 'v1.!!.??', flipped])
      assert.equal(openTrackingSecret(KEY, binding, bad), null);
  });
});
