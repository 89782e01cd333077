import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { freePort, spawnServer } from '../support/server-process.ts';
import { TEST_DB } from '../support/test-app.ts';

describe(`start without a reachable database (${TEST_DB})`, () => {
  test('the process exits non-zero within seconds and says it cannot reach the database', async () => {
    const closedPort = await freePort();
    const started = Date.now();
    const server = spawnServer({
      port: await freePort(),
      env: { DATABASE_URL: `postgres://guichet_app:s3cret@127.0.0.1:${closedPort}/guichet` },
    });
    const timeout = setTimeout(() => server.child.kill('SIGKILL'), 60_000);
    const { code, signal } = await server.exited;
    clearTimeout(timeout);
    const elapsed = Date.now() - started;

    assert.equal(signal, null, 'killed after 60 s: the process hung instead of exiting');
    assert.notEqual(code, 0);
    // A few seconds of retries, plus loading TypeScript (slow on a loaded machine).
    assert.ok(elapsed < 40_000, `took ${elapsed} ms to give up`);
    const stderr = server.stderr();
    assert.match(
      stderr,
      /cannot reach the database server at postgres:\/\/guichet_app:\*\*\*@127\.0\.0\.1:\d+\/guichet/,
    );
    assert.match(stderr, /ECONNREFUSED/);
    assert.match(stderr, /Check that the PostgreSQL server is running/);
    // The password must never reach the logs.
    assert.doesNotMatch(stderr + server.stdout(), /s3cret/);
    assert.doesNotMatch(server.stdout(), /Guichet is running/);
  });
});
