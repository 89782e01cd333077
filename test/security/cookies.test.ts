import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hashPassword } from '../../src/modules/agents/password.ts';
import { cookiesFrom, csrfFrom, insertAgent, loginAgent } from '../support/factories.ts';
import { createTestContext, TEST_DB, type TestContext } from '../support/test-app.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'lavande-moulin-piano-27';

/** Every Set-Cookie of a response must be HttpOnly, SameSite=Lax and Secure (production). */
function checkCookies(setCookie: string | string[] | undefined, label: string): string[] {
  const list = [setCookie ?? []].flat();
  for (const c of list) {
    assert.match(c, /;\s*HttpOnly/i, `${label}: ${c} is not HttpOnly`);
    assert.match(c, /;\s*SameSite=Lax/i, `${label}: ${c} is not SameSite=Lax`);
    assert.match(c, /;\s*Secure/i, `${label}: ${c} is not Secure`);
  }
  return list.map((c) => c.split('=')[0]!);
}

describe(`cookies in production (${TEST_DB})`, () => {
  let ctx: TestContext;

  before(async () => {
    ctx = await createTestContext({ env: { NODE_ENV: 'production', PUBLIC_BASE_URL: 'http://localhost' } });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'biscuit@villebelle.example',
      password: PASSWORD,
      serviceSlugs: ['etat-civil'],
    });
    await ctx.database.ownerQuery(
      `insert into citizens (tenant_id, email, email_verified_at, password_hash, given_name, family_name)
       values ($1, 'usager.cookie@example.org', now(), $2, 'Léa', 'COOKIE')`,
      [ctx.tenantId, await hashPassword(PASSWORD)],
    );
  });
  after(async () => ctx.close());

  test('the CSRF cookie set on a first visit to a page with a form, and none on a page without', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: `${BASE}/connexion` });
    assert.deepEqual(checkCookies(res.headers['set-cookie'], 'GET /connexion'), ['guichet_csrf']);
    const page = await ctx.app.inject({ method: 'GET', url: `${BASE}/demarches/carte-identite` });
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['set-cookie'], undefined);
  });

  test('the agent session cookie at login, and its clearing at logout', async () => {
    const page = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/connexion` });
    const csrf = cookiesFrom(page.headers['set-cookie']).guichet_csrf;
    const res = await ctx.app.inject({
      method: 'POST',
      url: `${BASE}/agent/connexion`,
      remoteAddress: '10.50.0.1',
      headers: { cookie: `guichet_csrf=${csrf}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: csrfFrom(page.body),
        email: 'biscuit@villebelle.example',
        password: PASSWORD,
      }).toString(),
    });
    assert.equal(res.statusCode, 303);
    assert.ok(checkCookies(res.headers['set-cookie'], 'agent login').includes('guichet_agent'));

    const cookie = await loginAgent(ctx.app, 'biscuit@villebelle.example', PASSWORD);
    const list = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/demandes`, headers: { cookie } });
    const out = await ctx.app.inject({
      method: 'POST',
      url: `${BASE}/agent/deconnexion`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfFrom(list.body) }).toString(),
    });
    assert.equal(out.statusCode, 303);
    assert.ok(checkCookies(out.headers['set-cookie'], 'agent logout').includes('guichet_agent'));
  });

  test('the citizen session cookie at login and at logout', async () => {
    const page = await ctx.app.inject({ method: 'GET', url: `${BASE}/connexion` });
    assert.equal(page.statusCode, 200, 'the citizen login page');
    const csrf = cookiesFrom(page.headers['set-cookie']).guichet_csrf;
    const res = await ctx.app.inject({
      method: 'POST',
      url: `${BASE}/connexion`,
      remoteAddress: '10.50.0.2',
      headers: { cookie: `guichet_csrf=${csrf}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: csrfFrom(page.body),
        email: 'usager.cookie@example.org',
        password: PASSWORD,
      }).toString(),
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 500));
    const names = checkCookies(res.headers['set-cookie'], 'citizen login');
    assert.ok(names.includes('guichet_citoyen'));
    const session = cookiesFrom(res.headers['set-cookie']).guichet_citoyen;
    const cookie = `guichet_csrf=${csrf}; guichet_citoyen=${session}`;
    const out = await ctx.app.inject({
      method: 'POST',
      url: `${BASE}/deconnexion`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfFrom(page.body) }).toString(),
    });
    assert.ok(out.statusCode === 303 || out.statusCode === 302, `logout answered ${out.statusCode}`);
    assert.ok(checkCookies(out.headers['set-cookie'], 'citizen logout').includes('guichet_citoyen'));
  });
});
