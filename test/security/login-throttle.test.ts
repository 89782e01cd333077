import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LoginThrottle } from '../../src/platform/security/login-throttle.ts';
import { cookiesFrom, csrfFrom, insertAgent } from '../support/factories.ts';
import { createTestContext, TEST_DB, type TestContext } from '../support/test-app.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'lavande-moulin-piano-27';

describe('login throttle (unit)', () => {
  function fake() {
    let now = 1_000_000;
    const slept: number[] = [];
    const throttle = new LoginThrottle({
      now: () => now,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    return { throttle, slept, advance: (ms: number) => (now += ms) };
  }

  test('three free failures, then 1 s, 2 s, 4 s… capped at 30 s', async () => {
    const { throttle, slept } = fake();
    const waits: number[] = [];
    for (let i = 0; i < 10; i++) {
      const a = await throttle.begin(['account:a', 'ip:1']);
      waits.push(a.waitedMs);
      a.failed();
    }
    assert.deepEqual(waits, [0, 0, 0, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    assert.deepEqual(slept, [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });

  test('the account and the address count separately; the longer wait applies', async () => {
    const { throttle } = fake();
    // Four addresses guess one account: the account is throttled, whichever address comes next.
    for (const ip of ['ip:1', 'ip:2', 'ip:3', 'ip:4']) (await throttle.begin(['account:x', ip])).failed();
    assert.equal((await throttle.begin(['account:x', 'ip:9'])).waitedMs, 2000);
    // One address tries many accounts: the address is throttled.
    const { throttle: t2 } = fake();
    for (const acc of ['account:1', 'account:2', 'account:3']) (await t2.begin([acc, 'ip:5'])).failed();
    assert.equal((await t2.begin(['account:4', 'ip:5'])).waitedMs, 1000);
  });

  test('a success clears the account, not the address', async () => {
    const { throttle } = fake();
    for (let i = 0; i < 4; i++) (await throttle.begin(['account:a', 'ip:1'])).failed();
    (await throttle.begin(['account:a', 'ip:1'])).succeeded();
    assert.equal(throttle.failuresOf('account:a'), 0);
    assert.equal(throttle.failuresOf('ip:1'), 4);
  });

  test('a second attempt while a throttled one waits is refused at once, and an abandoned one frees the key', async () => {
    let release: () => void = () => {};
    const throttle = new LoginThrottle({ sleep: () => new Promise((r) => (release = r)) });
    for (let i = 0; i < 3; i++) (await throttle.begin(['account:a', 'ip:1'])).failed();
    const waiting = throttle.begin(['account:a', 'ip:2']);
    await assert.rejects(throttle.begin(['account:a', 'ip:3']), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'rate_limited');
      assert.match(err.message, /Patientez 1 seconde/);
      return true;
    });
    release();
    const a = await waiting;
    a.abandon();
    a.failed(); // after abandon: not counted
    assert.equal(throttle.failuresOf('account:a'), 3);
    const next = throttle.begin(['account:a', 'ip:3']);
    release();
    assert.equal((await next).waitedMs, 1000);
  });

  test('failures are forgotten after 15 minutes, and the number of keys is bounded', async () => {
    const { throttle, advance } = fake();
    for (let i = 0; i < 5; i++) (await throttle.begin(['account:a'])).failed();
    advance(15 * 60_000 + 1);
    assert.equal((await throttle.begin(['account:a'])).waitedMs, 0);

    const small = new LoginThrottle({ maxKeys: 100, sleep: async () => {} });
    for (let i = 0; i < 1000; i++) (await small.begin([`account:${i}`])).failed();
    assert.ok((small as unknown as { entries: Map<string, unknown> }).entries.size <= 100);
  });
});

describe(`login throttle on the agent login (${TEST_DB})`, () => {
  let ctx: TestContext;
  let address = 0;

  async function postLogin(email: string, password: string, remoteAddress = `10.7.0.${++address}`) {
    const page = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/connexion` });
    const cookie = `guichet_csrf=${cookiesFrom(page.headers['set-cookie']).guichet_csrf}`;
    const started = performance.now();
    const res = await ctx.app.inject({
      method: 'POST',
      url: `${BASE}/agent/connexion`,
      remoteAddress,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfFrom(page.body), email, password }).toString(),
    });
    return { res, ms: performance.now() - started };
  }

  const accountKey = (email: string) => `account:${ctx.tenantId}:agent:${email}`;

  before(async () => {
    // A short base delay keeps the test quick; the doubling and the wiring are what is checked.
    ctx = await createTestContext({ env: { LOGIN_DELAY_BASE_MS: '300', LOGIN_DELAY_MAX_MS: '1200' } });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'lente@villebelle.example',
      password: PASSWORD,
      serviceSlugs: ['etat-civil'],
    });
  });
  after(async () => ctx.close());

  test('after three failures on an account, each attempt waits longer, even with the right password', async () => {
    const free: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { res, ms } = await postLogin('lente@villebelle.example', 'mauvais-mot-de-passe');
      assert.equal(res.statusCode, 401);
      free.push(ms);
    }
    const fourth = await postLogin('lente@villebelle.example', 'mauvais-mot-de-passe');
    assert.equal(fourth.res.statusCode, 401);
    assert.ok(fourth.ms >= 290, `fourth attempt answered after ${fourth.ms} ms`);
    // The first three did not wait: each took less than the fourth's delay on top of the same work.
    // The first three did not wait (timings under load are noisy: the counter tells).
    assert.equal(free.length, 3);
    const fifth = await postLogin('LENTE@villebelle.example', PASSWORD);
    assert.ok(fifth.ms >= 590, `fifth attempt answered after ${fifth.ms} ms`);
    assert.equal(fifth.res.statusCode, 303, 'the right password still opens the session');
    // The success cleared the account's counter.
    const after = await postLogin('lente@villebelle.example', PASSWORD);
    assert.equal(after.res.statusCode, 303);
    assert.equal(ctx.app.loginThrottle.failuresOf(accountKey('lente@villebelle.example')), 0);
  });

  test('an unknown address is throttled the same way (the delay does not reveal accounts)', async () => {
    const times: number[] = [];
    for (let i = 0; i < 4; i++) times.push((await postLogin('personne@villebelle.example', 'x')).ms);
    assert.ok(times[3]! >= 290, `fourth attempt on an unknown address answered after ${times[3]} ms`);
  });

  test('the wait is a timer: other requests are answered meanwhile; a parallel guess gets 429', async () => {
    for (let i = 0; i < 5; i++) await postLogin('cible@villebelle.example', 'x');
    let slowDone = false;
    const slow = postLogin('cible@villebelle.example', 'x').finally(() => (slowDone = true)); // waits 1200 ms (capped)
    // Wait until the slow attempt holds the account (it is then in its timer).
    const busy = () =>
      (ctx.app.loginThrottle as unknown as { entries: Map<string, { busy: boolean }> }).entries.get(
        accountKey('cible@villebelle.example'),
      )?.busy;
    for (let i = 0; i < 200 && !busy(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(busy(), 'the slow attempt never started waiting');
    const page = await ctx.app.inject({ method: 'GET', url: `${BASE}/contact` });
    assert.equal(page.statusCode, 200);
    assert.equal(slowDone, false, 'a page was held up by the waiting login');
    const parallel = await postLogin('cible@villebelle.example', 'x');
    assert.equal(parallel.res.statusCode, 429);
    assert.match(String(parallel.res.headers['retry-after']), /^\d+$/);
    assert.match(parallel.res.body, /Trop de tentatives de connexion/);
    assert.match(parallel.res.body, /<h1>Trop de tentatives<\/h1>/);
    const done = await slow;
    assert.equal(done.res.statusCode, 401);
    assert.ok(done.ms >= 1150);
  });

  test('the citizen login is throttled the same way', async () => {
    const page = await ctx.app.inject({ method: 'GET', url: `${BASE}/connexion` });
    assert.equal(page.statusCode, 200);
    const cookie = `guichet_csrf=${cookiesFrom(page.headers['set-cookie']).guichet_csrf}`;
    const times: number[] = [];
    for (let i = 0; i < 4; i++) {
      const started = performance.now();
      const res = await ctx.app.inject({
        method: 'POST',
        url: `${BASE}/connexion`,
        remoteAddress: `10.9.0.${i + 1}`,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          _csrf: csrfFrom(page.body),
          email: 'usager@example.org',
          password: 'x',
        }).toString(),
      });
      assert.equal(res.statusCode, 401);
      times.push(performance.now() - started);
    }
    assert.ok(times[3]! >= 290, `fourth citizen attempt answered after ${times[3]} ms`);
  });

  test('one address trying many accounts is throttled too', async () => {
    const ip = '10.8.0.1';
    for (const n of [1, 2, 3]) await postLogin(`essai${n}@villebelle.example`, 'x', ip);
    const fourth = await postLogin('essai4@villebelle.example', 'x', ip);
    assert.ok(fourth.ms >= 290, `answered after ${fourth.ms} ms`);
  });
});
