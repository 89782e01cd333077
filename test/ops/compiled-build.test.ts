import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { answersFor, demoForms, fetchFormSession, pickUrlencodedForm, submitForm } from '../../bench/form-client.ts';
import { freshServerDatabase, killServer, startServer, type ServerProcess } from '../support/server-process.ts';
import { TEST_DB } from '../support/test-app.ts';

/** The Node flags of `npm run start:prod`, as production runs it. */
function productionFlags(): string[] {
  const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
  const command = scripts['start:prod']!;
  assert.match(command, /dist\/main\.js$/);
  return command.split(' ').filter((arg) => arg.startsWith('--'));
}

describe(`compiled build: npm run build, then npm run start:prod (${TEST_DB})`, () => {
  let server: ServerProcess | undefined;
  let dropDatabase = async () => {};

  before(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'pipe' });
    let env: Record<string, string> = {};
    if (TEST_DB === 'postgres') {
      const fresh = await freshServerDatabase();
      env = { DATABASE_URL: fresh.url, DATABASE_OWNER_URL: fresh.ownerUrl };
      dropDatabase = fresh.drop;
    }
    server = await startServer({ env, compiled: true, nodeArgs: productionFlags() });
  });
  after(async () => {
    if (server) await killServer(server);
    await dropDatabase();
  });

  test('the build holds the compiled code and what it reads at run time', () => {
    for (const file of [
      'dist/main.js',
      'dist/worker.js',
      'dist/db/migrations/20261128170000_foundation.sql',
      'dist/platform/assets/guichet.css',
      'dist/modules/agents/common-passwords.txt',
    ]) {
      assert.ok(existsSync(file), `${file} is missing from the build`);
    }
    assert.equal(existsSync('dist/modules/requests/citizen-journey.test.js'), false, 'tests are not built');
  });

  test('the compiled server serves pages, assets, a submission and its tracking page', async () => {
    const origin = server!.origin;
    assert.equal((await fetch(`${origin}/healthz`)).status, 200);
    const ready = await fetch(`${origin}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(((await ready.json()) as { database: string }).database, TEST_DB);

    const page = await fetch(`${origin}/demarches/carte-identite`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<h1>[^<]*carte/i);
    const css = await fetch(`${origin}/static/guichet.css`);
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type') ?? '', /text\/css/);

    const form = pickUrlencodedForm(await demoForms(), ['signaler-probleme-voirie', 'encombrants', 'reclamation']);
    assert.ok(form);
    const session = await fetchFormSession(`${origin}/demarches/${form.slug}/demande`);
    const sent = await submitForm(origin, form.slug, session, answersFor(form.definition, 1)!);
    assert.equal(sent.status, 303, sent.body?.slice(0, 1000));
    const tracking = await fetch(`${origin}/suivi/${sent.reference}?cle=${encodeURIComponent(sent.secret!)}`);
    assert.equal(tracking.status, 200);
    assert.match(await tracking.text(), new RegExp(sent.reference!));
  });
});
