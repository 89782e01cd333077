import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { rateLimitFor } from '../../src/platform/security/rate-limits.ts';
import { citizenSessionCookie, insertCitizen } from '../support/factories.ts';
import { openForm, postForm } from '../support/http.ts';
import { createTestContext, TEST_DB, type TestContext } from '../support/test-app.ts';

const BASE = '/t/villebelle';
const SETTINGS = { loginPerMinute: 7, formPerMinute: 9, trackingPerMinute: 11, anonymousPostPerMinute: 13 };

describe('rate-limit table', () => {
  test('logins, registration, reset and submissions fall under a rule; pages do not', () => {
    for (const u of [
      '/agent/connexion',
      '/connexion',
      '/inscription',
      '/inscription/confirmer',
      '/mot-de-passe-oublie',
      '/mot-de-passe-oublie/:token',
      '/agent/connexion/second-facteur',
      '/agent/double-authentification',
    ]) {
      assert.equal(rateLimitFor('POST', u, SETTINGS), 7, u);
    }
    assert.equal(rateLimitFor('POST', '/demarches/:slug/demande', SETTINGS), 9);
    assert.equal(rateLimitFor('POST', '/api/v1/demarches/:slug/requests', SETTINGS), 9);
    assert.equal(rateLimitFor('GET', '/connexion', SETTINGS), null);
    assert.equal(rateLimitFor('GET', '/demarches/:slug/demande', SETTINGS), null);
    assert.equal(rateLimitFor('POST', '/agent/deconnexion', SETTINGS), 13); // anonymous only: see below
  });
});

describe(`rate limits over HTTP (${TEST_DB})`, () => {
  let ctx: TestContext;
  let slug = '';

  before(async () => {
    ctx = await createTestContext({
      env: { FORM_RATE_LIMIT: '3', LOGIN_RATE_LIMIT: '4', TRACKING_RATE_LIMIT: '3' },
    });
    const r = await ctx.database.ownerQuery(
      `select slug from demarches where tenant_id = $1 and form is not null order by slug limit 1`,
      [ctx.tenantId],
    );
    slug = String(r.rows[0]!.slug);
  });
  after(async () => ctx.close());

  test('anonymous form submissions: FORM_RATE_LIMIT per minute and address, then 429 with Retry-After and a clear page', async () => {
    const session = await openForm(ctx.app, `${BASE}/demarches/${slug}/demande`);
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 4; i++) {
      last = await postForm(ctx.app, `${BASE}/demarches/${slug}/demande`, session, {}, [], {});
      statuses.push(last.statusCode);
    }
    assert.deepEqual(statuses.slice(0, 3), [400, 400, 400]); // empty form: refused, but counted
    assert.equal(statuses[3], 429);
    assert.match(String(last!.headers['retry-after']), /^\d+$/);
    assert.ok(Number(last!.headers['retry-after']) > 0 && Number(last!.headers['retry-after']) <= 60);
    assert.match(last!.headers['content-type'] as string, /text\/html/);
    assert.match(last!.body, /<h1>Trop de tentatives<\/h1>/);
    assert.match(last!.body, /Réessayez dans \d+ secondes/);
    // Another address is not affected.
    const other = await ctx.app.inject({
      method: 'POST',
      url: `${BASE}/demarches/${slug}/demande`,
      remoteAddress: '10.30.0.1',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: session.csrf }).toString(),
    });
    assert.equal(other.statusCode, 400);
  });

  test('the API submission endpoint: 429 in JSON', async () => {
    let last;
    for (let i = 0; i < 4; i++) {
      last = await ctx.app.inject({
        method: 'POST',
        url: `${BASE}/api/v1/demarches/${slug}/requests`,
        remoteAddress: '10.31.0.1',
        payload: { answers: {} },
      });
    }
    assert.equal(last!.statusCode, 429);
    assert.match(String(last!.headers['retry-after']), /^\d+$/);
    assert.equal(last!.json().error.code, 'rate_limited');
  });

  test('the agent login: LOGIN_RATE_LIMIT per minute and address', async () => {
    const page = await openForm(ctx.app, `${BASE}/agent/connexion`);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: `${BASE}/agent/connexion`,
        remoteAddress: '10.32.0.1',
        headers: { cookie: page.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: page.csrf, email: `n${i}@villebelle.example`, password: 'x' }).toString(),
      });
      statuses.push(res.statusCode);
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 429]);
  });

  test('tracking look-ups have their own limit (TRACKING_RATE_LIMIT)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await ctx.app.inject({
        method: 'GET',
        url: `${BASE}/suivi/VB-2026-ABCDE?cle=essai-${i}`,
        remoteAddress: '10.33.0.1',
      });
      statuses.push(res.statusCode);
    }
    assert.deepEqual(statuses, [404, 404, 404, 429]);
  });

  test('attaching a request with its code in the citizen space has the tracking limit', async () => {
    const citizenId = await insertCitizen(ctx.database, ctx.tenantId, 'rattache.limite@example.org', 'Lina');
    const session = await citizenSessionCookie(ctx.services.db, ctx.tenantId, citizenId);
    const page = await openForm(ctx.app, `${BASE}/mon-espace/demandes/rattacher`, { cookie: session });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await postForm(
        ctx.app,
        `${BASE}/mon-espace/demandes/rattacher`,
        { cookie: `${session}; ${page.cookie}`, csrf: page.csrf },
        { reference: 'VB-2026-ABCDE', cle: `essai-${i}` },
      );
      statuses.push(res.statusCode);
    }
    assert.deepEqual(statuses, [404, 404, 404, 429]);
  });
});
