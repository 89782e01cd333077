import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sleep, startServerBehindProxy, type ServerProcess } from '../support/server-process.ts';
import type { TcpProxy } from '../support/tcp-proxy.ts';
import { TEST_DB } from '../support/test-app.ts';

// A page that reads the database on every visit (démarche pages are cached for a minute).
const PAGE = '/recherche?q=carte';

describe(
  `database lost while running (${TEST_DB})`,
  {
    skip: TEST_DB !== 'postgres' && 'needs the PostgreSQL server: PGlite runs inside the process and cannot be cut off',
  },
  () => {
    let proxy: TcpProxy;
    let server: ServerProcess;
    let close: () => Promise<void>;

    before(async () => {
      ({ server, proxy, close } = await startServerBehindProxy());
    });

    after(async () => close());

    const get = async (path: string) => {
      try {
        const res = await fetch(`${server.origin}${path}`, { headers: { accept: 'text/html' } });
        return { status: res.status, body: await res.text() };
      } catch (err) {
        // Say whether the server died, with its last words, rather than only "fetch failed".
        await Promise.race([server.exited, sleep(500)]);
        throw new Error(
          `GET ${path} failed (${(err as Error).cause ?? err}); server exit code ${server.child.exitCode}, ` +
            `signal ${server.child.signalCode}\n--- stderr\n${server.stderr().slice(-3000)}`,
          { cause: err },
        );
      }
    };

    test('pages answer 503 in plain French during the outage, and 200 again once it ends, without restart', async () => {
      const before = await get(PAGE);
      assert.equal(before.status, 200);
      assert.match(before.body, /carte-identite/);

      // Cut in the middle of a burst, so that connections drop inside open transactions too.
      const burst = Array.from({ length: 30 }, () => get(PAGE));
      await sleep(15);
      await proxy.cut();
      for (const r of await Promise.all(burst)) assert.ok([200, 503].includes(r.status), `answered ${r.status}`);
      // The demo tenant is cached by the app; a page still needs the database for its content.
      const down = await get(PAGE);
      assert.equal(down.status, 503);
      assert.match(down.body, /<h1>Service momentanément indisponible<\/h1>/);
      assert.match(down.body, /Vos données n’ont pas été perdues : réessayez dans quelques minutes\./);
      assert.doesNotMatch(down.body, /ECONNREFUSED|Connection terminated|stack/i);
      // An address not used before (the /t/<slug> form) needs the database to resolve the tenant.
      const viaSlug = await get(`/t/villebelle${PAGE}`);
      assert.equal(viaSlug.status, 503);

      const ready = await fetch(`${server.origin}/readyz`);
      assert.equal(ready.status, 503);
      assert.deepEqual(await ready.json(), { status: 'unavailable', database: 'postgres' });
      const health = await fetch(`${server.origin}/healthz`);
      assert.equal(health.status, 200);
      assert.equal(server.child.exitCode, null, 'the process must stay up');

      await proxy.restore();
      // The pool reconnects on the next query; allow a short moment for it.
      let after = await get(PAGE);
      for (let i = 0; i < 20 && after.status !== 200; i++) {
        await sleep(250);
        after = await get(PAGE);
      }
      assert.equal(after.status, 200);
      assert.equal((await fetch(`${server.origin}/readyz`)).status, 200);
      assert.equal(server.child.exitCode, null);
      assert.equal(server.pid, server.child.pid);
    });
  },
);
