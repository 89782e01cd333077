import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { hashPassword } from '../../src/modules/agents/password.ts';
import {
  generateTrackingSecret,
  hashTrackingSecret,
  normalizeReference,
} from '../../src/modules/requests/reference.ts';
import { createTenant } from '../../src/modules/tenants/create-tenant.ts';
import { checkEmail, loginEmail } from '../../src/platform/security/email.ts';
import { cookiesFrom, csrfFrom, insertAgent, insertRequest, loginAgent } from '../support/factories.ts';
import { openForm, postForm } from '../support/http.ts';
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

describe('references typed with look-alike or control characters (unit)', () => {
  test('fullwidth letters and digits are the same reference (NFKC); CR, LF and other controls are refused', () => {
    assert.equal(normalizeReference('ＶＢ－２０２６－４Ｆ７Ｋ２'), 'VB-2026-4F7K2');
    for (const raw of [
      'VB-2026-4F7K2\r\n',
      'VB-2026-4F7K2\n',
      'VB\r2026\n4F7K2',
      'VB-2026-4F7K2\u0000',
      'VB-2026-\u00854F7K2',
    ]) {
      assert.equal(normalizeReference(raw), null, JSON.stringify(raw));
    }
    // Spaces and tabs typed between the groups are still fine.
    assert.equal(normalizeReference(' vb 2026\t4f7k2 '), 'VB-2026-4F7K2');
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

  // ---- Input that used to end in a 500 (LOW findings) ----

  const count = async (query: string, params: unknown[] = []) =>
    Number((await ctx.database.ownerQuery(query, params)).rows[0]!.n);

  function assertInvalidInputPage(
    res: { statusCode: number; headers: Record<string, unknown>; body: string },
    label: string,
  ) {
    assert.equal(res.statusCode, 400, `${label} answered ${res.statusCode}`);
    assert.match(res.headers['content-type'] as string, /text\/html/, label);
    assert.match(res.body, /caractère invalide/, label);
    assert.ok(res.headers['content-security-policy'], `${label}: security headers`);
    assertNoLeak(res.body, label);
  }

  test('a NUL byte in a form field, a query value or a path segment: 400 with a clear page, nothing stored', async () => {
    const before = await count(`select count(*)::int as n from requests`);
    const form = await openForm(ctx.app, `${BASE}/demarches/reclamation/demande`);
    const fields = {
      objet: 'service',
      description: 'Le guichet était fermé toute la matinée de mardi.',
      applicant_given_name: 'Lucie',
      applicant_family_name: 'Moreau',
      applicant_email: 'lucie.nul@example.org',
    };
    for (const name of ['description', 'applicant_given_name', 'applicant_email', 'objet', 'nom\u0000inconnu']) {
      const typed = name in fields ? { ...fields, [name]: `avant\u0000après` } : { ...fields, [name]: 'x' };
      const res = await postForm(ctx.app, `${BASE}/demarches/reclamation/demande`, form, typed, [], {});
      assertInvalidInputPage(res, `field ${JSON.stringify(name)}`);
    }
    assert.equal(await count(`select count(*)::int as n from requests`), before, 'nothing was stored');

    const login = await postLogin({ email: 'garde@villebelle.example\u0000', password: PASSWORD });
    assertInvalidInputPage(login, 'agent login');
    assert.equal(sessionCookieOf(login), undefined);

    for (const u of [
      `${BASE}/demarches/%00/demande`,
      `${BASE}/demarches/reclamation%00`,
      `${BASE}/suivi/VB-2026-4F7K%002?cle=ABCD`,
      `${BASE}/suivi?reference=VB-2026-4F7K2%00&cle=ABCD`,
      `${BASE}/suivi/VB-2026-4F7K2?cle=AB%00CD`,
      `${BASE}/recherche?q=carte%00identite`,
      `${BASE}/evenements/%00`,
    ]) {
      const res = await ctx.app.inject({ method: 'GET', url: u, remoteAddress: `10.43.0.${++address % 250}` });
      assertInvalidInputPage(res, u);
    }
  });

  test('a NUL byte or a lone surrogate in a JSON value or key: 400 invalid_input, nothing stored', async () => {
    const before = await count(`select count(*)::int as n from requests`);
    const good = {
      objet: 'service',
      description: 'Le guichet était fermé toute la matinée de mardi.',
      applicant_given_name: 'Lucie',
      applicant_family_name: 'Moreau',
      applicant_email: 'lucie.json@example.org',
    };
    const bodies = [
      JSON.stringify({ answers: { ...good, description: 'avant\u0000après' } }),
      JSON.stringify({ answers: { ...good, applicant_given_name: 'Lu\ud800cie' } }),
      JSON.stringify({ answers: { ...good, applicant_family_name: 'Mo\udfffreau' } }),
      JSON.stringify({ answers: { ...good, ['x\ud800']: 'y' } }),
      '{"answers":{"description":"a\\u0000b","objet":"service"}}',
      '{"answers":{"description":"a\\ud800b","objet":"service"}}',
    ];
    for (const payload of bodies) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: `${BASE}/api/v1/demarches/reclamation/requests`,
        remoteAddress: `10.44.0.${++address % 250}`,
        headers: { 'content-type': 'application/json' },
        payload,
      });
      assert.equal(res.statusCode, 400, `${payload.slice(0, 80)} answered ${res.statusCode}: ${res.body}`);
      assert.equal(res.json().error.code, 'invalid_input');
      assert.match(res.json().error.message, /caractère invalide/);
    }
    assert.equal(await count(`select count(*)::int as n from requests`), before, 'nothing was stored');
    // The same characters in the JSON lookup's path: refused the same way.
    const api = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/api/v1/requests/VB-2026-4F7K%002`,
      headers: { 'x-tracking-code': 'ABCD' },
    });
    assert.equal(api.statusCode, 400);
    assert.equal(api.json().error.code, 'invalid_input');
  });

  test('a return address outside Latin-1 after login: percent-encoded, the session and its cookie arrive together', async () => {
    const citizen = await ctx.database.ownerQuery(
      `insert into citizens (tenant_id, email, email_verified_at, password_hash, given_name)
       values ($1, 'retour.usager@example.org', now(), $2, 'Lou') returning id`,
      [ctx.tenantId, await hashPassword(PASSWORD)],
    );
    const citizenId = String(citizen.rows[0]!.id);
    const sessions = () => count(`select count(*)::int as n from citizen_sessions where citizen_id = $1`, [citizenId]);
    for (const retour of ['/mon-espace/日本', '/mon-espace?onglet=€uro', '/demarches/😀', '/suivi?x=\u0085\u2028']) {
      const beforeSessions = await sessions();
      const page = await openForm(ctx.app, `${BASE}/connexion`);
      const res = await postForm(
        ctx.app,
        `${BASE}/connexion`,
        page,
        { email: 'retour.usager@example.org', password: PASSWORD, retour },
        [],
        {},
      );
      assert.equal(res.statusCode, 303, `${retour} answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
      const location = String(res.headers.location);
      assert.match(location, /^\/t\/villebelle\/[\x21-\x7e]*$/, `${retour} → ${location}`);
      assert.ok(res.headers['content-security-policy'], 'security headers sent');
      const cookie = cookiesFrom(res.headers['set-cookie']).guichet_citoyen;
      assert.ok(cookie, 'the session cookie reaches the browser');
      assert.equal(await sessions(), beforeSessions + 1, 'one session, the one in the cookie');
      // Signed in, the login page sends the citizen on at once: the same encoding applies.
      const again = await ctx.app.inject({
        method: 'GET',
        url: `${BASE}/connexion?retour=${encodeURIComponent(retour)}`,
        headers: { cookie: `guichet_citoyen=${cookie}` },
      });
      assert.equal(again.statusCode, 303);
      assert.match(String(again.headers.location), /^\/t\/villebelle\/[\x21-\x7e]*$/);
    }

    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'retour.agent@villebelle.example',
      password: PASSWORD,
      role: 'agent',
      serviceSlugs: ['etat-civil'],
    });
    const agentSessionsBefore = await agentSessions();
    const res = await postLogin({
      email: 'retour.agent@villebelle.example',
      password: PASSWORD,
      retour: '/agent/demandes?q=日本',
    });
    assert.equal(res.statusCode, 303, `agent login answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
    assert.equal(res.headers.location, `${BASE}/agent/demandes?q=%E6%97%A5%E6%9C%AC`);
    assert.ok(res.headers['content-security-policy']);
    const agentCookie = sessionCookieOf(res);
    assert.ok(agentCookie);
    assert.equal(await agentSessions(), agentSessionsBefore + 1);
    const again = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/connexion?retour=${encodeURIComponent('/agent/demandes/€')}`,
      headers: { cookie: `guichet_agent=${agentCookie}` },
    });
    assert.equal(again.statusCode, 303);
    assert.equal(again.headers.location, `${BASE}/agent/demandes/%E2%82%AC`);
  });

  async function trackedRequest(): Promise<{ id: string; reference: string; secret: string }> {
    const r = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'reclamation' });
    const secret = generateTrackingSecret();
    await ctx.database.ownerQuery(`update requests set tracking_secret_hash = $1 where id = $2`, [
      hashTrackingSecret(secret),
      r.id,
    ]);
    return { ...r, secret };
  }

  test('a message posted under a fullwidth reference is stored once and leads to the canonical page; CR/LF is refused before anything is stored', async () => {
    const r = await trackedRequest();
    const messages = () =>
      count(`select count(*)::int as n from request_events where request_id = $1 and kind = 'citizen_message'`, [r.id]);
    const page = await openForm(ctx.app, `${BASE}/suivi/${r.reference}?cle=${encodeURIComponent(r.secret)}`, {});
    const fullwidth = r.reference.replace(/[A-Z0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    const res = await postForm(
      ctx.app,
      `${BASE}/suivi/${encodeURIComponent(fullwidth)}/messages`,
      page,
      { cle: r.secret, message: 'Bonjour, où en est ma demande ?' },
      [],
      {},
    );
    assert.equal(res.statusCode, 303, `fullwidth answered ${res.statusCode}`);
    assert.equal(
      res.headers.location,
      `${BASE}/suivi/${r.reference}?cle=${encodeURIComponent(r.secret)}&envoye=1#ajouter`,
    );
    assert.equal(await messages(), 1);

    for (const bad of [`${r.reference}\r\n`, `${r.reference}\n`, `\r\n${r.reference}`]) {
      const res2 = await postForm(
        ctx.app,
        `${BASE}/suivi/${encodeURIComponent(bad)}/messages`,
        page,
        { cle: r.secret, message: 'Un message qui ne doit pas être gardé.' },
        [],
        {},
      );
      assert.ok([400, 404].includes(res2.statusCode), `${JSON.stringify(bad)} answered ${res2.statusCode}`);
      assert.match(res2.headers['content-type'] as string, /text\/html/);
      assertNoLeak(res2.body, JSON.stringify(bad));
    }
    assert.equal(await messages(), 1, 'nothing more was stored');
  });

  test('the API lookup of a request (names, email, phone, birth data) is never cached', async () => {
    const r = await trackedRequest();
    const res = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/api/v1/requests/${r.reference}`,
      remoteAddress: '10.45.0.1',
      headers: { 'x-tracking-code': r.secret },
    });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['cache-control']), /no-store/);
    const miss = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/api/v1/requests/${r.reference}`,
      remoteAddress: '10.45.0.1',
      headers: { 'x-tracking-code': 'ABCD-EFGH-JKMN' },
    });
    assert.equal(miss.statusCode, 404);
    assert.match(String(miss.headers['cache-control']), /no-store/);
  });

  test('one tracking budget per address across every look-up route: the 31st guess is refused', async () => {
    const r = await trackedRequest();
    const page = await openForm(ctx.app, `${BASE}/suivi/${r.reference}?cle=${encodeURIComponent(r.secret)}`, {});
    const remoteAddress = '10.46.0.1';
    const ref = r.reference;
    const guesses: (() => Promise<{ statusCode: number; headers: Record<string, unknown> }>)[] = [
      () => ctx.app.inject({ method: 'GET', url: `${BASE}/suivi/${ref}?cle=MAUVAIS`, remoteAddress }),
      () => ctx.app.inject({ method: 'GET', url: `${BASE}/suivi?reference=${ref}&cle=MAUVAIS`, remoteAddress }),
      () => ctx.app.inject({ method: 'GET', url: `${BASE}/demandes/${ref}/confirmation?cle=MAUVAIS`, remoteAddress }),
      () => ctx.app.inject({ method: 'GET', url: `${BASE}/suivi/${ref}/recepisse.pdf?cle=MAUVAIS`, remoteAddress }),
      () => ctx.app.inject({ method: 'GET', url: `${BASE}/suivi/${ref}/donnees.json?cle=MAUVAIS`, remoteAddress }),
      () => ctx.app.inject({ method: 'GET', url: `${BASE}/suivi/${ref}/donnees.pdf?cle=MAUVAIS`, remoteAddress }),
      () =>
        ctx.app.inject({
          method: 'GET',
          url: `${BASE}/api/v1/requests/${ref}`,
          remoteAddress,
          headers: { 'x-tracking-code': 'MAUVAIS' },
        }),
      () =>
        ctx.app.inject({
          method: 'POST',
          url: `${BASE}/suivi/${ref}/messages`,
          remoteAddress,
          headers: { cookie: page.cookie, 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ _csrf: page.csrf, cle: 'MAUVAIS', message: 'essai' }).toString(),
        }),
    ];
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const res = await guesses[i % guesses.length]!();
      statuses.push(res.statusCode);
    }
    assert.ok(!statuses.slice(0, 30).includes(429), `limited too early: ${statuses.join(' ')}`);
    assert.equal(statuses[30], 429, `31st look-up: ${statuses.join(' ')}`);
    // Every route now refuses this address, the right code included; another address still gets in.
    const right = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/suivi/${ref}?cle=${encodeURIComponent(r.secret)}`,
      remoteAddress,
    });
    assert.equal(right.statusCode, 429);
    assert.ok(Number(right.headers['retry-after']) > 0);
    const api = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/api/v1/requests/${ref}`,
      remoteAddress,
      headers: { 'x-tracking-code': r.secret },
    });
    assert.equal(api.statusCode, 429);
    assert.equal(api.json().error.code, 'rate_limited');
    const other = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/suivi/${ref}?cle=${encodeURIComponent(r.secret)}`,
      remoteAddress: '10.46.0.2',
    });
    assert.equal(other.statusCode, 200);
  });
});
