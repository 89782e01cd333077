import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import {
  freshServerDatabase,
  killServer,
  portClosed,
  sleep,
  startServer,
  type ServerProcess,
} from '../support/server-process.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';
import { TEST_DB } from '../support/test-app.ts';

/** One GET on a fresh connection (no keep-alive pool shared with other requests). */
function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

describe(
  `graceful shutdown (${TEST_DB})`,
  {
    skip:
      TEST_DB !== 'postgres' &&
      'needs the PostgreSQL server: the in-flight request is held at the database through a TCP proxy',
  },
  () => {
    let proxy: TcpProxy;
    let server: ServerProcess;
    let dropDatabase: () => Promise<void>;

    before(async () => {
      const fresh = await freshServerDatabase();
      dropDatabase = fresh.drop;
      const target = new URL(fresh.url);
      proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
      await proxy.start();
      target.host = `127.0.0.1:${proxy.port}`;
      server = await startServer({
        env: { DATABASE_URL: target.toString(), DATABASE_OWNER_URL: fresh.ownerUrl },
      });
    });

    after(async () => {
      await killServer(server);
      await proxy.close();
      await dropDatabase();
    });

    test('a request in flight at SIGTERM completes, then the process exits 0 and the port closes', async () => {
      assert.equal((await get(server.port, '/readyz')).status, 200);

      // Hold the database: /readyz is now waiting on its query, inside the handler.
      proxy.pause();
      const inFlight = get(server.port, '/readyz');
      await sleep(300);
      server.child.kill('SIGTERM');
      await sleep(500);
      assert.equal(server.child.exitCode, null, 'the process must wait for the request in flight');
      // No new connection is accepted while the last requests finish.
      assert.equal(await portClosed(server.port), true);

      proxy.resume();
      const res = await inFlight;
      assert.equal(res.status, 200);
      assert.match(res.body, /"status":"ready"/);

      const exit = await Promise.race([server.exited, sleep(10_000).then(() => null)]);
      assert.ok(exit, 'the process did not exit within 10 s after its last request');
      assert.deepEqual(exit, { code: 0, signal: null });
      assert.equal(await portClosed(server.port), true);
    });
  },
);
