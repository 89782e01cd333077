import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createTenant } from '../../src/modules/tenants/create-tenant.ts';
import { checkEmail, loginEmail } from '../../src/platform/security/email.ts';
import { cookiesFrom, csrfFrom, insertAgent, loginAgent } from '../support/factories.ts';
import { createTestContext, TEST_DB, type TestContext } from '../support/test-app.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'lavande-moulin-piano-27';
const INJECTIONS = [
  "' OR 1=1 --",
  '"><script>alert(1)</script>',
  "admin'--",
  "admin@villebelle.example' OR '1'='1",
  '<img src=x onerror=alert(1)>',
  "'; drop table agents; --",
];

/** Nothing internal reaches the client: no stack trace, no SQL, no file paths. */
function assertNoLeak(body: string, label: string): void {
  assert.doesNotMatch(body, /\bat [\w.<>]+ \(|\.ts:\d+|node_modules|stack/i, `stack trace in ${label}`);
  assert.doesNotMatch(body, /syntax error|\bselect\b.*\bfrom\b|relation "|postgres|pglite|kysely/i, `SQL in ${label}`);
}

describe('email addresses at login and registration (unit)', () => {
  test('fullwidth characters are normalised (NFKC) to the same ASCII address', () => {
    assert.deepEqual(checkEmail('ａｄｍｉｎ＠villebelle.example'), { ok: true, email: 'admin@villebelle.example' });
    assert.equal(loginEmail('  Admin@Villebelle.Example '), 'admin@villebelle.example');
  });

  test('homoglyphs and mixed scripts are refused, with a clear message', () => {
    for (const raw of [
      '\u0430dmin@villebelle.example', // Cyrillic а
      'admin@villebel\u0435.example', // Cyrillic е in the domain
      'adm\u0131n@villebelle.example', // dotless ı
      '\u03bfffice@villebelle.example', // Greek ο
      'ad\u200bmin@villebelle.example', // zero-width space
      'élodie@villebelle.example',
    ]) {
      const r = checkEmail(raw);
      assert.equal(r.ok, false, raw);
      assert.match((r as { message: string }).message, /caractères spéciaux ou accentués/);
      assert.equal(loginEmail(raw), null);
    }
  });

  test('injection payloads are not addresses', () => {
    for (const raw of INJECTIONS) assert.equal(checkEmail(raw).ok, false, raw);
    assert.equal(checkEmail('a'.repeat(300) + '@villebelle.example').ok, false);
    assert.equal(checkEmail('').ok, false);
    assert.equal(checkEmail(undefined).ok, false);
  });
});

describe(`bad input over HTTP (${TEST_DB})`, () => {
  let ctx: TestContext;
  let address = 0;

  async function postLogin(fields: Record<string, string>, headers: Record<string, string> = {}) {
    const page = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/connexion`, headers });
    const csrf = cookiesFrom(page.headers['set-cookie']).guichet_csrf;
    return ctx.app.inject({
      method: 'POST',
      url: `${BASE}/agent/connexion`,
      remoteAddress: `10.40.${Math.floor(++address / 250)}.${(address % 250) + 1}`,
      headers: { ...headers, cookie: `guichet_csrf=${csrf}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfFrom(page.body), ...fields }).toString(),
    });
  }

  function sessionCookieOf(res: { headers: Record<string, unknown> }): string | undefined {
    return cookiesFrom(res.headers['set-cookie'] as string[] | string | undefined).guichet_agent;
  }

  async function agentSessions(): Promise<number> {
    return Number((await ctx.database.ownerQuery(`select count(*)::int as n from agent_sessions`)).rows[0]!.n);
  }

  before(async () => {
    ctx = await createTestContext();
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'garde@villebelle.example',
      password: PASSWORD,
      role: 'admin',
    });
    await createTenant(ctx.database.ownerQuery, {
      name: 'Autreville',
      slug: 'autreville',
      hosts: ['autreville.localhost'],
    });
    await insertAgent(
      ctx.database,
      (await ctx.database.ownerQuery(`select id from tenants where slug = 'autreville'`)).rows[0]!.id as string,
      {
        email: 'garde@villebelle.example',
        password: PASSWORD,
        role: 'admin',
      },
    );
  });
  after(async () => ctx.close());

  test('a tracking code of 10 kB, a huge reference, garbage base64: a clear refusal', async () => {
    const cases = [
      `${BASE}/suivi/VB-2026-ABCDE?cle=${'A'.repeat(10_000)}`,
      `${BASE}/suivi/${'VB-'.repeat(3000)}?cle=abc`,
      `${BASE}/suivi/VB-2026-ABCDE?cle=%FF%FE%00%%%===`,
      `${BASE}/demandes/VB-2026-ABCDE/confirmation?cle=${'/+=='.repeat(2500)}`,
      `${BASE}/suivi/VB-2026-ABCDE/recepisse.pdf?cle=${'x'.repeat(10_000)}`,
    ];
    for (const u of cases) {
      const res = await ctx.app.inject({ method: 'GET', url: u, remoteAddress: `10.41.0.${++address % 250}` });
      assert.ok([400, 404, 414].includes(res.statusCode), `${u.slice(0, 60)}… answered ${res.statusCode}`);
      assert.match(res.headers['content-type'] as string, /text\/html/);
      assert.match(res.body, /<h1>/);
      assertNoLeak(res.body, u.slice(0, 60));
    }
    const api = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/api/v1/requests/VB-2026-ABCDE`,
      headers: { 'x-tracking-code': 'Z'.repeat(10_000) },
    });
    assert.ok([400, 404].includes(api.statusCode), `API answered ${api.statusCode}`);
    assert.ok(api.json().error.code);
    assertNoLeak(api.body, 'API');
  });

  test('an 8 kB session cookie, garbage and malformed cookies: anonymous, never an error', async () => {
    for (const cookie of [
      `guichet_agent=${'A'.repeat(8 * 1024)}`,
      'guichet_agent=%%%not-base64%%%==',
      'guichet_agent=; guichet_agent=x; ;;; =; guichet_csrf=%E0%A4%A',
      `guichet_agent="${'\u00e9'.repeat(100)}"`,
      `guichet_citoyen=${'B'.repeat(8 * 1024)}; guichet_agent=${Buffer.from('{"id":1}').toString('base64')}`,
    ]) {
      const res = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/demandes`, headers: { cookie } });
      assert.equal(res.statusCode, 303, cookie.slice(0, 40));
      assert.match(res.headers.location as string, /\/agent\/connexion/);
      const home = await ctx.app.inject({ method: 'GET', url: `${BASE}/`, headers: { cookie } });
      assert.equal(home.statusCode, 200, cookie.slice(0, 40));
      assertNoLeak(home.body, cookie.slice(0, 40));
    }
    // A form posted with a mangled CSRF cookie is refused cleanly.
    const res = await ctx.app.inject({
      method: 'POST',
      url: `${BASE}/agent/connexion`,
      headers: { cookie: 'guichet_csrf=%E0%A4%A', 'content-type': 'application/x-www-form-urlencoded' },
      payload: '_csrf=abc&email=admin%40villebelle.example&password=x',
    });
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /Formulaire expiré/);
    assert.equal(sessionCookieOf(res), undefined);
  });

  test('oversized headers get Fastify’s clean 431, without internals', async () => {
    const address = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = new URL(address);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => {
        socket.write(
          `GET /t/villebelle/ HTTP/1.1\r\nHost: localhost\r\nCookie: guichet_agent=${'A'.repeat(70_000)}\r\nConnection: close\r\n\r\n`,
        );
      });
      let data = '';
      socket.setEncoding('utf8');
      socket.on('data', (d: string) => (data += d));
      socket.on('end', () => resolve(data));
      socket.on('error', (err) => (data ? resolve(data) : reject(err)));
    });
    assert.match(raw, /^HTTP\/1\.1 (431|400) /);
    assertNoLeak(raw, 'oversized header');
    // The server still serves normal requests afterwards.
    const ok = await fetch(`http://127.0.0.1:${port}/t/villebelle/contact`);
    assert.equal(ok.status, 200);
  });

  test('SQL and HTML injection in every login field: refused, echoed escaped, no session', async () => {
    const before = await agentSessions();
    for (const payload of INJECTIONS) {
      for (const fields of <Record<string, string>[]>[
        { email: payload, password: PASSWORD },
        { email: 'garde@villebelle.example', password: payload },
        { email: payload, password: payload, retour: payload },
      ]) {
        const res = await postLogin(fields);
        assert.equal(res.statusCode, 401, `${JSON.stringify(fields)} answered ${res.statusCode}`);
        assert.equal(sessionCookieOf(res), undefined);
        assert.match(res.body, /Adresse électronique ou mot de passe incorrect/);
        assert.ok(!res.body.includes('<script>alert(1)</script>'), 'unescaped script');
        assert.ok(!res.body.includes('<img src=x'), 'unescaped img');
        assertNoLeak(res.body, payload);
        if (fields.email === '"><script>alert(1)</script>') {
          assert.ok(res.body.includes('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;'), 'typed value kept, escaped');
        }
      }
    }
    assert.equal(await agentSessions(), before);
  });

  test('SQL and HTML injection and look-alike addresses in every registration field: refused cleanly, escaped', async () => {
    const citizens = async () =>
      Number((await ctx.database.ownerQuery(`select count(*)::int as n from citizens`)).rows[0]!.n);
    const before = await citizens();
    const strong = 'ronce-violette-horloge-58';
    const cases: Record<string, string>[] = [
      ...INJECTIONS.map((p) => ({ email: p, password: strong, confirmation: strong })),
      ...INJECTIONS.map((p) => ({ email: 'injection@example.org', password: p, confirmation: `${p}x` })),
      { email: 'g\u0430rde@villebelle.example', password: strong, confirmation: strong },
      { email: 'ga\u200brde@villebelle.example', password: strong, confirmation: strong },
    ];
    for (const fields of cases) {
      const page = await ctx.app.inject({ method: 'GET', url: `${BASE}/inscription` });
      assert.equal(page.statusCode, 200);
      const csrf = cookiesFrom(page.headers['set-cookie']).guichet_csrf;
      const res = await ctx.app.inject({
        method: 'POST',
        url: `${BASE}/inscription`,
        remoteAddress: `10.42.${Math.floor(++address / 250)}.${(address % 250) + 1}`,
        headers: { cookie: `guichet_csrf=${csrf}`, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrfFrom(page.body), ...fields }).toString(),
      });
      assert.equal(res.statusCode, 400, `${JSON.stringify(fields)} answered ${res.statusCode}`);
      assert.match(res.body, /class="error-summary"/);
      assert.ok(!res.body.includes('<script>alert(1)</script>'), 'unescaped script');
      assert.ok(!res.body.includes('<img src=x'), 'unescaped img');
      assert.equal(cookiesFrom(res.headers['set-cookie']).guichet_citoyen, undefined);
      assertNoLeak(res.body, fields.email!);
    }
    assert.equal(await citizens(), before, 'no account was created');
  });

  test('homoglyph addresses never open another account; a fullwidth one is the same address', async () => {
    for (const email of [
      'g\u0430rde@villebelle.example',
      'ga\u200brde@villebelle.example',
      'garde@villebel\u0435.example',
    ]) {
      const res = await postLogin({ email, password: PASSWORD });
      assert.equal(res.statusCode, 401, email);
      assert.equal(sessionCookieOf(res), undefined, email);
    }
    const fullwidth = await postLogin({ email: 'ｇａｒｄｅ@villebelle.example', password: PASSWORD });
    assert.equal(fullwidth.statusCode, 303, 'NFKC: the fullwidth spelling is the same address');
  });

  test("a session cookie from another tenant's host does not sign in there", async () => {
    const cookie = await loginAgent(ctx.app, 'garde@villebelle.example', PASSWORD);
    const own = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/demandes`, headers: { cookie } });
    assert.equal(own.statusCode, 200);
    // Same agent email exists in Autreville: the session id still belongs to Villebelle only.
    for (const headers of [
      { cookie, host: 'autreville.localhost' },
      { cookie, host: 'localhost' },
    ]) {
      const url = headers.host === 'localhost' ? '/t/autreville/agent/demandes' : '/agent/demandes';
      const res = await ctx.app.inject({ method: 'GET', url, headers });
      assert.equal(res.statusCode, 303, `${headers.host}${url}`);
      assert.match(res.headers.location as string, /\/agent\/connexion/);
    }
  });

  test('an expired or revoked agent session is refused, and the row does not come back', async () => {
    const revoked = await loginAgent(ctx.app, 'garde@villebelle.example', PASSWORD);
    const token = cookiesFrom(revoked.split('; ')).guichet_agent!;
    const { createHash } = await import('node:crypto');
    const id = createHash('sha256').update(token).digest('hex');
    await ctx.database.ownerQuery(`delete from agent_sessions where id = $1`, [id]);
    const res = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/demandes`, headers: { cookie: revoked } });
    assert.equal(res.statusCode, 303);
    assert.match(res.headers.location as string, /\/agent\/connexion/);

    const expired = await loginAgent(ctx.app, 'garde@villebelle.example', PASSWORD);
    const id2 = createHash('sha256')
      .update(cookiesFrom(expired.split('; ')).guichet_agent!)
      .digest('hex');
    await ctx.database.ownerQuery(`update agent_sessions set expires_at = now() - interval '1 minute' where id = $1`, [
      id2,
    ]);
    const res2 = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/demandes`, headers: { cookie: expired } });
    assert.equal(res2.statusCode, 303);
    const left = await ctx.database.ownerQuery(`select count(*)::int as n from agent_sessions where id = $1`, [id2]);
    assert.equal(left.rows[0]!.n, 0);
  });

  test('citizen sessions: valid on its own host only, refused once expired or revoked', async () => {
    const { createHash, randomBytes } = await import('node:crypto');
    const citizen = await ctx.database.ownerQuery(
      `insert into citizens (tenant_id, email, email_verified_at, given_name, family_name)
       values ($1, 'session.usager@example.org', now(), 'Inès', 'SESSION') returning id`,
      [ctx.tenantId],
    );
    const open = async () => {
      const token = randomBytes(32).toString('base64url');
      const id = createHash('sha256').update(token).digest('hex');
      await ctx.database.ownerQuery(
        `insert into citizen_sessions (tenant_id, id, citizen_id, method, expires_at)
         values ($1, $2, $3, 'password', now() + interval '12 hours')`,
        [ctx.tenantId, id, citizen.rows[0]!.id],
      );
      return { cookie: `guichet_citoyen=${token}`, id };
    };
    const space = (cookie: string, url = `${BASE}/mon-espace`, host?: string) =>
      ctx.app.inject({ method: 'GET', url, headers: host ? { cookie, host } : { cookie } });

    const valid = await open();
    const own = await space(valid.cookie);
    assert.equal(own.statusCode, 200, 'the session works on its own tenant');
    for (const res of [
      await space(valid.cookie, '/t/autreville/mon-espace'),
      await space(valid.cookie, '/mon-espace', 'autreville.localhost'),
    ]) {
      assert.equal(res.statusCode, 303);
      assert.match(res.headers.location as string, /\/connexion/);
    }

    const expired = await open();
    await ctx.database.ownerQuery(
      `update citizen_sessions set expires_at = now() - interval '1 second' where id = $1`,
      [expired.id],
    );
    const e = await space(expired.cookie);
    assert.equal(e.statusCode, 303);
    assert.match(e.headers.location as string, /\/connexion/);

    const revoked = await open();
    await ctx.database.ownerQuery(`delete from citizen_sessions where id = $1`, [revoked.id]);
    const r = await space(revoked.cookie);
    assert.equal(r.statusCode, 303);
    assert.match(r.headers.location as string, /\/connexion/);
  });
});
