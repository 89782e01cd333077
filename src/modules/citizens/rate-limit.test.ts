import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cookiesFrom, csrfFrom } from '../../../test/support/factories.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';

const BASE = '/t/villebelle';

describe(`citizen forms follow LOGIN_RATE_LIMIT (${TEST_DB})`, () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext({ env: { LOGIN_RATE_LIMIT: '2' } });
  });
  after(async () => ctx.close());

  /** Posts a form twice from one address, then a third time: the limit is 2 per minute. */
  async function thirdAttempt(formPath: string, fields: Record<string, string>, ip: string) {
    const page = await ctx.app.inject({ url: `${BASE}${formPath}`, remoteAddress: ip });
    assert.equal(page.statusCode, 200);
    const cookie = Object.entries(cookiesFrom(page.headers['set-cookie']))
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
    const payload = new URLSearchParams({ _csrf: csrfFrom(page.body), ...fields }).toString();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: `${BASE}${formPath}`,
        remoteAddress: ip,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload,
      });
      statuses.push(res.statusCode);
      if (i === 2) {
        assert.ok(Number(res.headers['retry-after']) > 0);
        assert.match(res.body, /Trop de tentatives/);
      }
    }
    return statuses;
  }

  test('the third login attempt in a minute gets 429', async () => {
    const statuses = await thirdAttempt('/connexion', { email: 'x@example.org', password: 'pas le bon' }, '10.88.0.1');
    assert.deepEqual(statuses, [401, 401, 429]);
  });

  test('registration and password reset follow the same limit', async () => {
    const register = await thirdAttempt(
      '/inscription',
      { email: 'y@example.org', password: 'x', confirmation: 'x' },
      '10.88.0.2',
    );
    assert.deepEqual(register, [400, 400, 429]);
    const reset = await thirdAttempt('/mot-de-passe-oublie', { email: 'z@example.org' }, '10.88.0.3');
    assert.deepEqual(reset, [303, 303, 429]);
  });

  test('the one-time link pages follow it too', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await ctx.app.inject({ url: `${BASE}/mot-de-passe/nouveau?jeton=faux`, remoteAddress: '10.88.0.4' });
      statuses.push(res.statusCode);
    }
    assert.equal(statuses[2], 429);
    assert.notEqual(statuses[1], 429);
  });
});
