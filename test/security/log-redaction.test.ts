import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { createLogger, redactUrl } from '../../src/platform/logging.ts';
import { createTestContext, TEST_DB, type TestContext } from '../support/test-app.ts';

test('redactUrl hides secret parameters and long tokens, keeps the rest', () => {
  assert.equal(redactUrl('/suivi/VB-2026-4F7K2?cle=ABCD-EFGH'), '/suivi/VB-2026-4F7K2?cle=[redacted]');
  assert.equal(
    redactUrl('/mot-de-passe/nouveau?jeton=x&retour=%2Fmon-espace'),
    '/mot-de-passe/nouveau?jeton=[redacted]&retour=%2Fmon-espace',
  );
  assert.equal(
    redactUrl('/connexion/franceconnect/retour?code=abc&state=def&iss=https%3A%2F%2Fidp'),
    '/connexion/franceconnect/retour?code=[redacted]&state=[redacted]&iss=https%3A%2F%2Fidp',
  );
  assert.equal(redactUrl('/x?anything=Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4'), '/x?anything=[redacted]');
  assert.equal(redactUrl('/recherche?q=carte+identite'), '/recherche?q=carte+identite');
  assert.equal(redactUrl('/demarches'), '/demarches');
});

let ctx: TestContext;
const lines: string[] = [];
before(async () => {
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ logLevel: 'info', logFormat: 'json', env: 'test' }, sink);
  ctx = await createTestContext({ logger });
});
after(() => ctx?.close());

test(`request logs carry no tracking code nor mailed token (${TEST_DB})`, async () => {
  const secret = 'SECRETCODE-7Q2W';
  await ctx.app.inject({ method: 'GET', url: `/suivi/VB-2026-AAAAA?cle=${secret}` });
  await ctx.app.inject({ method: 'GET', url: `/mot-de-passe/nouveau?jeton=${secret}` });
  await ctx.app.inject({ method: 'GET', url: `/t/villebelle/suivi/VB-2026-AAAAA?cle=${secret}` });
  const text = lines.join('');
  assert.match(text, /incoming request/, 'the requests were logged');
  assert.match(text, /cle=\[redacted\]/);
  assert.doesNotMatch(text, new RegExp(secret));
});
