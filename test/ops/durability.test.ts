import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import {
  demoForms,
  answersFor,
  fetchFormSession,
  pickUrlencodedForm,
  submitForm,
  type DemoForm,
  type FormSession,
} from '../../bench/form-client.ts';
import { openDatabase } from '../../src/db/database.ts';
import {
  freshServerDatabase,
  killServer,
  sleep,
  startServer,
  tempDataDir,
  type ServerProcess,
} from '../support/server-process.ts';
import { TEST_DB } from '../support/test-app.ts';

const CONCURRENCY = 16;

describe(`durability: an acknowledged request survives a crash (${TEST_DB})`, () => {
  let form: DemoForm;
  let env: Record<string, string> = {};
  let ownerUrl = '';
  let dropDatabase = async () => {};
  const dataDir = tempDataDir();
  const servers: ServerProcess[] = [];

  before(async () => {
    const picked = pickUrlencodedForm(await demoForms(), ['signaler-probleme-voirie', 'encombrants', 'reclamation']);
    assert.ok(picked, 'the demo catalogue has no online form that can be sent without a file');
    form = picked;
    if (TEST_DB === 'postgres') {
      const fresh = await freshServerDatabase();
      env = { DATABASE_URL: fresh.url, DATABASE_OWNER_URL: fresh.ownerUrl };
      ownerUrl = fresh.ownerUrl;
      dropDatabase = fresh.drop;
    }
  });

  after(async () => {
    for (const s of servers) await killServer(s);
    await dropDatabase();
  });

  /** Direct SQL as the schema owner, never through the application. */
  async function ownerQuery(text: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
    if (TEST_DB === 'postgres') {
      const client = new pg.Client({ connectionString: ownerUrl });
      await client.connect();
      try {
        return (await client.query(text, params)).rows;
      } finally {
        await client.end();
      }
    }
    // PGlite allows one process per data dir: only called once the server is gone.
    const database = await openDatabase({ url: undefined, dataDir, migrate: false });
    try {
      return (await database.ownerQuery(text, params)).rows;
    } finally {
      await database.close();
    }
  }

  test('SIGKILL during a burst of submissions loses none of the references answered with a 303', async () => {
    const first = await startServer({ env, dataDir });
    servers.push(first);
    const formUrl = `${first.origin}/demarches/${form.slug}/demande`;
    const sessions: FormSession[] = [];
    for (let i = 0; i < 4; i++) sessions.push(await fetchFormSession(formUrl));

    // One submission on its own first, so that a broken form fails here with its reasons.
    const probe = await submitForm(first.origin, form.slug, sessions[0]!, answersFor(form.definition, 0)!);
    assert.equal(probe.status, 303, `the form was refused: ${probe.body?.slice(0, 2000)}`);
    assert.ok(probe.reference && probe.secret);

    const acknowledged: { reference: string; secret: string }[] = [
      { reference: probe.reference, secret: probe.secret },
    ];
    let failed = 0;
    let n = 1;
    let stop = false;
    let killed = false;
    const worker = async (w: number) => {
      while (!stop) {
        const i = n++;
        try {
          const r = await submitForm(
            first.origin,
            form.slug,
            sessions[w % sessions.length]!,
            answersFor(form.definition, i)!,
          );
          if (r.status === 303 && r.reference && r.secret)
            acknowledged.push({ reference: r.reference, secret: r.secret });
          else if (r.status !== 303) assert.fail(`submission ${i} answered ${r.status}: ${r.body?.slice(0, 500)}`);
        } catch (err) {
          if ((err as Error).name === 'AssertionError') throw err;
          failed++;
          if (!killed) throw err;
          await sleep(20);
        }
      }
    };
    const workers = Array.from({ length: CONCURRENCY }, (_, w) => worker(w));
    // Kill in the middle: requests are being written while the process dies.
    const deadline = Date.now() + 10_000;
    while (acknowledged.length < 60 && Date.now() < deadline) await sleep(10);
    killed = true;
    first.child.kill('SIGKILL');
    await first.exited;
    await sleep(200);
    stop = true;
    await Promise.all(workers);

    assert.ok(acknowledged.length >= 20, `only ${acknowledged.length} submissions were acknowledged before the crash`);
    assert.ok(failed > 0, 'the crash did not interrupt any request: it did not happen mid-burst');

    // Restart on the same database: it must open it again (crash recovery) without seeding twice.
    const second = await startServer({ env, dataDir });
    servers.push(second);
    const last = acknowledged.at(-1)!;
    const tracking = await fetch(
      `${second.origin}/suivi/${encodeURIComponent(last.reference)}?cle=${encodeURIComponent(last.secret)}`,
    );
    assert.equal(tracking.status, 200);
    assert.match(await tracking.text(), new RegExp(last.reference));
    if (TEST_DB === 'pglite') await killServer(second, 'SIGTERM');

    const wanted = acknowledged.map((a) => a.reference);
    const rows = await ownerQuery('select reference from requests where reference = any($1)', [wanted]);
    const found = new Set(rows.map((row) => String(row.reference)));
    const lost = wanted.filter((r) => !found.has(r));
    assert.deepEqual(lost, [], `${lost.length} of ${wanted.length} acknowledged requests were lost`);
    const tenants = await ownerQuery('select slug from tenants');
    assert.deepEqual(
      tenants.map((t) => t.slug),
      ['villebelle'],
      'the restart must not seed the demo a second time',
    );
  });
});
