import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { citizenSessionCookie, insertCitizen } from '../support/factories.ts';
import { openForm, postForm } from '../support/http.ts';
import { createTestContext, TEST_DB, type TestContext } from '../support/test-app.ts';

const BASE = '/t/villebelle';

describe('rate limits are declared on the routes', () => {
  test('every route that checks a password, a code or a mailed link, or that files a request, names its budget', async () => {
    const routes = new Map<string, unknown>();
    const ctx = await createTestContext({
      onRoute: (r) => {
        for (const m of [r.method].flat())
          routes.set(`${m} ${r.url}`, (r.config as { rateLimitBudget?: string } | undefined)?.rateLimitBudget);
      },
    });
    await ctx.close();
    const expected: Record<string, string> = {
      'POST /connexion': 'login',
      'POST /inscription': 'login',
      'GET /inscription/confirmer': 'login',
      'POST /inscription/confirmer': 'login',
      'POST /inscription/renvoyer': 'login',
      'POST /mot-de-passe-oublie': 'login',
      'GET /mot-de-passe/nouveau': 'login',
      'POST /mot-de-passe/nouveau': 'login',
      'POST /agent/connexion': 'login',
      'POST /agent/connexion/code': 'login',
      'POST /agent/double-authentification': 'login',
      'POST /agent/invitation': 'login',
      'POST /agent/mot-de-passe-oublie': 'login',
      'GET /agent/mot-de-passe/nouveau': 'login',
      'POST /agent/mot-de-passe/nouveau': 'login',
      'POST /demarches/:slug/demande': 'submission',
      'POST /api/v1/demarches/:slug/requests': 'submission',
      'GET /suivi': 'tracking',
      'GET /suivi/:reference': 'tracking',
      'POST /suivi/:reference/messages': 'tracking',
      'GET /suivi/:reference/recepisse.pdf': 'tracking',
      'GET /demandes/:reference/confirmation': 'tracking',
      'POST /mon-espace/demandes/rattacher': 'tracking',
    };
    for (const [route, budget] of Object.entries(expected)) {
      assert.ok(routes.has(route), `${route} is not a route`);
      assert.equal(routes.get(route), budget, route);
    }
    // Pages that check nothing spend nothing.
    for (const route of ['GET /', 'GET /connexion', 'GET /demarches/:slug/demande', 'POST /deconnexion']) {
      assert.equal(routes.get(route), undefined, route);
    }
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
