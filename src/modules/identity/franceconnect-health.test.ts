import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { FranceConnectHealth } from './franceconnect.ts';

/** A provider that serves only what the health check reads: its discovery document and its keys. */
async function startProvider(): Promise<{ issuer: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') {
      const { port } = server.address() as AddressInfo;
      return res.end(JSON.stringify({ issuer: `http://127.0.0.1:${port}`, jwks_uri: `http://127.0.0.1:${port}/jwks` }));
    }
    if (req.url === '/jwks') return res.end(JSON.stringify({ keys: [{ kty: 'RSA', kid: 'k', n: 'x', e: 'AQAB' }] }));
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    issuer: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('FranceConnect health', () => {
  test('a provider that dies between two clicks is noticed in the background, without waiting for a click', async () => {
    const provider = await startProvider();
    const health = new FranceConnectHealth(provider.issuer, 500, Date.now, 100);
    try {
      assert.equal(await health.isUp(), true);
      await provider.close();
      // Without the background checks, the good state would be answered for 5 s.
      await sleep(600);
      const started = performance.now();
      assert.equal(await health.isUp(), false, 'down within a fraction of a second');
      assert.ok(performance.now() - started < 50, 'answered from the state, not by a probe');
      assert.match(health.lastFailure ?? '', /fetch failed|ECONNREFUSED/);
    } finally {
      health.stop();
      await provider.close().catch(() => {});
    }
  });

  test('a failure seen on a login holds for the state’s 5 s, though the discovery document still answers', async () => {
    const provider = await startProvider();
    const health = new FranceConnectHealth(provider.issuer, 500, Date.now, 100);
    try {
      assert.equal(await health.isUp(), true);
      health.markDown('token endpoint answered 502');
      await sleep(500);
      assert.equal(await health.isUp(), false);
      assert.equal(health.lastFailure, 'token endpoint answered 502');
    } finally {
      health.stop();
      await provider.close();
    }
  });

  test('the background checks stop a minute after the last click', async () => {
    const provider = await startProvider();
    let now = Date.now();
    const health = new FranceConnectHealth(provider.issuer, 500, () => now, 50);
    let probes = 0;
    const count = (url: string) => url.endsWith('/.well-known/openid-configuration') && probes++;
    const original = globalThis.fetch;
    globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
      count(String(input instanceof Request ? input.url : input));
      return original(input, init);
    }) as typeof fetch;
    try {
      assert.equal(await health.isUp(), true);
      now += 1000;
      await sleep(200);
      assert.ok(probes >= 2, `checked again in the background (${probes} probes)`);
      now += 61_000;
      await sleep(200);
      const after = probes;
      await sleep(200);
      assert.equal(probes, after, 'no more checks once nobody clicks');
    } finally {
      globalThis.fetch = original;
      health.stop();
      await provider.close();
    }
  });
});
