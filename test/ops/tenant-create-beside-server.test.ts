import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  freshServerDatabase,
  killServer,
  runCli,
  sleep,
  startServer,
  tempDataDir,
  type ServerProcess,
} from '../support/server-process.ts';
import { TEST_DB } from '../support/test-app.ts';

const CREATE = [
  '--insee',
  '35238',
  '--host',
  'rennes.localhost',
  '--admin-email',
  'dsi@rennes.example',
  '--phone',
  '02 23 62 10 10',
];

async function page(server: ServerProcess, url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${server.origin}${url}`);
  return { status: res.status, body: await res.text() };
}

describe(`tenant:create beside a running server loses nothing (${TEST_DB})`, () => {
  const dataDir = tempDataDir();
  const servers: ServerProcess[] = [];
  let env: Record<string, string> = { GUICHET_DATA_DIR: dataDir };
  let dropDatabase = async () => {};

  before(async () => {
    if (TEST_DB === 'postgres') {
      const fresh = await freshServerDatabase();
      env = { ...env, DATABASE_URL: fresh.url, DATABASE_OWNER_URL: fresh.ownerUrl };
      dropDatabase = fresh.drop;
    }
  });
  after(async () => {
    for (const s of servers) await killServer(s);
    await dropDatabase();
  });

  async function start(): Promise<ServerProcess> {
    const server = await startServer({ env, dataDir });
    servers.push(server);
    return server;
  }

  if (TEST_DB === 'pglite') {
    test('refused while the server holds the embedded database; works once it is stopped; a stale lock is taken over', async () => {
      const first = await start();
      assert.equal((await page(first, '/')).status, 200);

      const refused = await runCli('src/cli/tenant-create.ts', CREATE, env);
      assert.equal(refused.code, 1, refused.stdout + refused.stderr);
      assert.doesNotMatch(refused.stdout, /Tenant created/);
      assert.match(refused.stderr, new RegExp(`in use by process ${first.pid}`));
      assert.match(refused.stderr, /stop the Guichet server/);
      assert.match(refused.stderr, /DATABASE_URL/);
      // The other commands too.
      const job = await runCli('src/cli/job.ts', ['retention'], env);
      assert.equal(job.code, 1);
      assert.match(job.stderr, /in use by process/);
      // The server did not notice.
      assert.equal((await page(first, '/')).status, 200);
      assert.equal((await page(first, '/t/rennes/')).status, 404);

      first.child.kill('SIGTERM');
      assert.equal((await first.exited).code, 0);
      assert.equal(existsSync(path.join(dataDir, 'guichet.lock')), false, 'a clean stop leaves no lock');

      const created = await runCli('src/cli/tenant-create.ts', CREATE, env);
      assert.equal(created.code, 0, created.stderr);
      assert.match(created.stdout, /Tenant created: Rennes/);
      const link = /(http:\/\/rennes\.localhost:\d+\/agent\/invitation\?jeton=[\w-]+)/.exec(created.stdout)?.[1];
      assert.ok(link, created.stdout);

      const second = await start();
      const home = await page(second, '/t/rennes/');
      assert.equal(home.status, 200);
      assert.match(home.body, /en cours de préparation/);
      assert.equal((await page(second, `/t/rennes${new URL(link).pathname}${new URL(link).search}`)).status, 200);
      // The demo commune is still there.
      assert.equal((await page(second, '/demarches/reclamation')).status, 200);

      // A server killed outright leaves its lock; the next command takes it over.
      await killServer(second, 'SIGKILL');
      assert.equal(existsSync(path.join(dataDir, 'guichet.lock')), true);
      const migrate = await runCli('src/cli/migrate.ts', [], env);
      assert.equal(migrate.code, 0, migrate.stderr);
      const third = await start();
      assert.equal((await page(third, '/t/rennes/')).status, 200);
    });
  } else {
    test('with a PostgreSQL server, the command works beside the running server, which serves the new commune', async () => {
      const server = await start();
      assert.equal((await page(server, '/t/rennes/')).status, 404);
      const created = await runCli('src/cli/tenant-create.ts', CREATE, env);
      assert.equal(created.code, 0, created.stderr);
      assert.match(created.stdout, /Tenant created: Rennes/);
      // The running server asked for it before it existed: that answer is cached 30 seconds
      // (tenants/resolve-tenant.ts), then the new commune is served.
      let home = await page(server, '/t/rennes/');
      for (let i = 0; i < 40 && home.status === 404; i++) {
        await sleep(1000);
        home = await page(server, '/t/rennes/');
      }
      assert.equal(home.status, 200);
      assert.match(home.body, /en cours de préparation/);
      assert.equal((await page(server, '/demarches/reclamation')).status, 200);
    });
  }
});
