import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import {
  answersFor,
  demoForms,
  fetchFormSession,
  parseConfirmation,
  pickUrlencodedForm,
} from '../../bench/form-client.ts';
import { openDatabase } from '../../src/db/database.ts';
import {
  freshServerDatabase,
  killServer,
  portClosed,
  sleep,
  startServer,
  startServerBehindProxy,
  tempDataDir,
  waitForPortClosed,
  type ServerProcess,
} from '../support/server-process.ts';
import type { TcpProxy } from '../support/tcp-proxy.ts';
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
    let close: () => Promise<void>;

    before(async () => {
      ({ server, proxy, close } = await startServerBehindProxy());
    });

    after(async () => close());

    test('a request in flight at SIGTERM completes, then the process exits 0 and the port closes', async () => {
      assert.equal((await get(server.port, '/readyz')).status, 200);

      // Hold the database: /readyz is now waiting on its query, inside the handler.
      proxy.pause();
      const inFlight = get(server.port, '/readyz');
      // In the handler, not only sent: on a loaded machine the server may not have read the
      // request yet, and Fastify answers 503 to what it reads once closing. Its query reaching the
      // stalled database says it is there (a background poll may too: a margin after it).
      const deadline = Date.now() + 10_000;
      await sleep(300);
      while (proxy.heldChunks === 0 && Date.now() < deadline) await sleep(50);
      await sleep(500);
      server.child.kill('SIGTERM');
      // No new connection is accepted while the last requests finish.
      assert.equal(await waitForPortClosed(server.port), true);
      assert.equal(server.child.exitCode, null, 'the process must wait for the request in flight');

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

describe(`graceful shutdown of a form submission in flight (${TEST_DB})`, () => {
  let server: ServerProcess;
  let env: Record<string, string> = {};
  let ownerUrl = '';
  let dropDatabase = async () => {};
  const dataDir = tempDataDir();

  before(async () => {
    if (TEST_DB === 'postgres') {
      const fresh = await freshServerDatabase();
      env = { DATABASE_URL: fresh.url, DATABASE_OWNER_URL: fresh.ownerUrl };
      ownerUrl = fresh.ownerUrl;
      dropDatabase = fresh.drop;
    }
    server = await startServer({ env, dataDir });
  });

  after(async () => {
    await killServer(server);
    await dropDatabase();
  });

  test('a submission whose body is still arriving at SIGTERM is committed and acknowledged, then the process exits 0', async () => {
    const form = pickUrlencodedForm(await demoForms(), ['signaler-probleme-voirie', 'reclamation']);
    assert.ok(form, 'no online form can be sent without a file');
    const session = await fetchFormSession(`${server.origin}/demarches/${form.slug}/demande`);
    const body = new URLSearchParams([['_csrf', session.token], ...answersFor(form.definition, 7)!]).toString();
    const half = Math.floor(body.length / 2);

    // The headers and half the body arrive before SIGTERM: the request is routed, in flight.
    const socket = net.connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    let raw = '';
    socket.setEncoding('latin1').on('data', (d: string) => (raw += d));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    let socketError: Error | null = null;
    socket.on('error', (err) => (socketError = err));
    socket.write(
      `POST /demarches/${form.slug}/demande HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n` +
        `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Cookie: ${session.cookie}\r\n\r\n${body.slice(0, half)}`,
    );
    await sleep(300);
    server.child.kill('SIGTERM');
    assert.equal(await waitForPortClosed(server.port), true, 'new connections must be refused while stopping');
    assert.equal(server.child.exitCode, null, 'the process must wait for the request in flight');

    socket.write(body.slice(half));
    await closed;
    assert.equal(socketError, null, raw.slice(0, 500));
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);
    assert.equal(status, 303, raw.slice(0, 500));
    const { reference } = parseConfirmation(/^location: (.+)$/im.exec(raw)?.[1]?.trim() ?? '');
    assert.ok(reference);

    const exit = await Promise.race([server.exited, sleep(10_000).then(() => null)]);
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.equal(await portClosed(server.port), true);

    // The acknowledged request is in the database.
    let rows: Record<string, unknown>[];
    if (TEST_DB === 'postgres') {
      const client = new pg.Client({ connectionString: ownerUrl });
      await client.connect();
      rows = (await client.query('select status from requests where reference = $1', [reference])).rows;
      await client.end();
    } else {
      const database = await openDatabase({ url: undefined, dataDir, migrate: false });
      rows = (await database.ownerQuery('select status from requests where reference = $1', [reference])).rows;
      await database.close();
    }
    assert.equal(rows.length, 1);
  });
});
