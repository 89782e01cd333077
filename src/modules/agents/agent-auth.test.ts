import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import {
  cookiesFrom,
  csrfFrom,
  ensureDemarche,
  ensureService,
  insertAgent,
  insertRequest,
  loginAgent,
} from '../../../test/support/factories.ts';
import { createTenant } from '../tenants/create-tenant.ts';
import { seedDemoAgents } from './seed-demo-agents.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'lavande-moulin-piano-27';

describe(`agent sign-in (${TEST_DB})`, () => {
  let ctx: TestContext;
  let address = 0;

  /** Posts the login form as a browser would, from its own address unless told otherwise. */
  async function postLogin(fields: Record<string, string>, options: { remoteAddress?: string } = {}) {
    const page = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/connexion` });
    const cookie = `guichet_csrf=${cookiesFrom(page.headers['set-cookie']).guichet_csrf}`;
    address += 1;
    return ctx.app.inject({
      method: 'POST',
      url: `${BASE}/agent/connexion`,
      remoteAddress: options.remoteAddress ?? `10.1.0.${address}`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfFrom(page.body), ...fields }).toString(),
    });
  }

  before(async () => {
    ctx = await createTestContext({ env: { LOGIN_RATE_LIMIT: '10' } });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'camille@villebelle.example',
      name: 'Camille Agent',
      password: PASSWORD,
      serviceSlugs: ['etat-civil'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'parti@villebelle.example',
      password: PASSWORD,
      active: false,
      serviceSlugs: ['etat-civil'],
    });
  });
  after(async () => ctx.close());

  test('the login form labels its fields and asks browsers to fill them', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/connexion` });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<label for="email">Adresse électronique<\/label>/);
    assert.match(res.body, /id="email"[^>]*autocomplete="username"/s);
    assert.match(res.body, /<label for="password">Mot de passe<\/label>/);
    assert.match(res.body, /id="password"[^>]*autocomplete="current-password"/s);
    assert.equal(res.body.match(/<h1>/g)?.length, 1);
  });

  test('a right password opens a session: cookie flags, hashed id, 8-hour lifetime', async () => {
    const res = await postLogin({ email: 'camille@villebelle.example', password: PASSWORD });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `${BASE}/agent/demandes`);
    const setCookie = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('guichet_agent='))!;
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Lax/);
    assert.match(setCookie, /Path=\//);
    assert.doesNotMatch(setCookie, /Secure/); // not in production
    const token = cookiesFrom(setCookie).guichet_agent!;
    const rows = (
      await ctx.database.ownerQuery(
        `select s.id, extract(epoch from s.expires_at - s.created_at)::int as lifetime
         from agent_sessions s join agents a on a.tenant_id = s.tenant_id and a.id = s.agent_id
         where a.email = 'camille@villebelle.example'`,
      )
    ).rows;
    assert.ok(rows.length >= 1);
    assert.ok(
      rows.every((r) => r.id !== token),
      'the raw token is never stored',
    );
    assert.ok(rows.some((r) => /^[0-9a-f]{64}$/.test(String(r.id))));
    assert.equal(Number(rows[0]!.lifetime), 8 * 3600);

    const list = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/demandes`,
      headers: { cookie: `guichet_agent=${token}` },
    });
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /Se déconnecter \(Camille Agent\)/);
  });

  test('each login gets a new session id, and the previous one is dropped', async () => {
    const first = await loginAgent(ctx.app, 'camille@villebelle.example', PASSWORD);
    const firstToken = /guichet_agent=([^;]+)/.exec(first)![1]!;
    // Signed in, the login page redirects: the form is posted with a token from another page.
    const page = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/demandes`, headers: { cookie: first } });
    const again = await ctx.app.inject({
      method: 'POST',
      url: `${BASE}/agent/connexion`,
      remoteAddress: '10.3.0.1',
      headers: { cookie: first, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: csrfFrom(page.body),
        email: 'camille@villebelle.example',
        password: PASSWORD,
      }).toString(),
    });
    assert.equal(again.statusCode, 303);
    const secondToken = cookiesFrom(again.headers['set-cookie']).guichet_agent!;
    assert.notEqual(secondToken, firstToken);
    const old = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/demandes`,
      headers: { cookie: `guichet_agent=${firstToken}` },
    });
    assert.equal(old.statusCode, 303);
  });

  test('unknown email, wrong password and inactive agent get the same answer', async () => {
    const unknown = await postLogin({ email: 'personne@villebelle.example', password: PASSWORD });
    const wrong = await postLogin({ email: 'camille@villebelle.example', password: 'pas-le-bon-00' });
    const inactive = await postLogin({ email: 'parti@villebelle.example', password: PASSWORD });
    for (const res of [unknown, wrong, inactive]) {
      assert.equal(res.statusCode, 401);
      assert.match(res.body, /Adresse électronique ou mot de passe incorrect\./);
      assert.equal(cookiesFrom(res.headers['set-cookie']).guichet_agent, undefined);
    }
    // What was typed is kept, except the password.
    assert.match(unknown.body, /value="personne@villebelle.example"/);
    assert.doesNotMatch(wrong.body, /pas-le-bon-00/);
  });

  test('the login form is rate-limited per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await postLogin({ email: 'x@villebelle.example', password: 'x' }, { remoteAddress: '10.2.0.1' });
      statuses.push(res.statusCode);
    }
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
    assert.equal(statuses[10], 429);
  });

  test('after login the agent goes back to the page asked for, never elsewhere', async () => {
    const anonymous = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/demandes?statut=recue` });
    assert.equal(anonymous.statusCode, 303);
    assert.equal(
      anonymous.headers.location,
      `${BASE}/agent/connexion?retour=${encodeURIComponent('/agent/demandes?statut=recue')}`,
    );
    const back = await postLogin({
      email: 'camille@villebelle.example',
      password: PASSWORD,
      retour: '/agent/demandes?statut=recue',
    });
    assert.equal(back.headers.location, `${BASE}/agent/demandes?statut=recue`);
    for (const retour of ['https://evil.example/agent', '//evil.example/agent', '/demarches', '/agent\\@evil']) {
      const res = await postLogin({ email: 'camille@villebelle.example', password: PASSWORD, retour });
      assert.equal(res.headers.location, `${BASE}/agent/demandes`, retour);
    }
  });

  test('anonymous requests to agent pages are sent to the login page', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/demandes` });
    assert.equal(res.statusCode, 303);
    assert.match(String(res.headers.location), new RegExp(`^${BASE}/agent/connexion\\?retour=`));
    const root = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent` });
    assert.equal(root.statusCode, 303);
    assert.equal(root.headers.location, `${BASE}/agent/demandes`);
  });

  test('logout deletes the session', async () => {
    const cookie = await loginAgent(ctx.app, 'camille@villebelle.example', PASSWORD);
    const token = /guichet_agent=([^;]+)/.exec(cookie)![1]!;
    const page = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/demandes`, headers: { cookie } });
    const res = await ctx.app.inject({
      method: 'POST',
      url: `${BASE}/agent/deconnexion`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfFrom(page.body) }).toString(),
    });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `${BASE}/agent/connexion?deconnexion=1`);
    const { createHash } = await import('node:crypto');
    const left = await ctx.database.ownerQuery(`select 1 from agent_sessions where id = $1`, [
      createHash('sha256').update(token).digest('hex'),
    ]);
    assert.equal(left.rows.length, 0);
    const after = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/demandes`, headers: { cookie } });
    assert.equal(after.statusCode, 303);
  });

  test('an idle session expires after two hours', async () => {
    const cookie = await loginAgent(ctx.app, 'camille@villebelle.example', PASSWORD);
    const token = /guichet_agent=([^;]+)/.exec(cookie)![1]!;
    const { createHash } = await import('node:crypto');
    await ctx.database.ownerQuery(
      `update agent_sessions set last_seen_at = now() - interval '2 hours 1 minute' where id = $1`,
      [createHash('sha256').update(token).digest('hex')],
    );
    const res = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/demandes`, headers: { cookie } });
    assert.equal(res.statusCode, 303);
  });

  test('a session ends after eight hours even when used, and when its agent is deactivated', async () => {
    const { createHash } = await import('node:crypto');
    const hashOf = (cookie: string) =>
      createHash('sha256')
        .update(/guichet_agent=([^;]+)/.exec(cookie)![1]!)
        .digest('hex');
    const old = await loginAgent(ctx.app, 'camille@villebelle.example', PASSWORD);
    await ctx.database.ownerQuery(`update agent_sessions set expires_at = now() - interval '1 second' where id = $1`, [
      hashOf(old),
    ]);
    const expired = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/demandes`, headers: { cookie: old } });
    assert.equal(expired.statusCode, 303);

    await insertAgent(ctx.database, ctx.tenantId, { email: 'bientot-parti@villebelle.example', password: PASSWORD });
    const cookie = await loginAgent(ctx.app, 'bientot-parti@villebelle.example', PASSWORD);
    await ctx.database.ownerQuery(`update agents set active = false where email = 'bientot-parti@villebelle.example'`);
    const res = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/demandes`, headers: { cookie } });
    assert.equal(res.statusCode, 303);
  });

  test("a session cookie is worth nothing on another tenant's host", async () => {
    const other = await createTenant(ctx.database.ownerQuery, {
      name: 'Autreville',
      slug: 'autreville',
      hosts: ['autreville.localhost'],
    });
    await ensureDemarche(ctx.database, other, { slug: 'test-autre', serviceSlug: 'etat-civil' });
    await insertRequest(ctx.database, other, { demarcheSlug: 'test-autre' });
    const cookie = await loginAgent(ctx.app, 'camille@villebelle.example', PASSWORD, '', { host: 'localhost' });
    const home = await ctx.app.inject({
      method: 'GET',
      url: '/agent/demandes',
      headers: { host: 'localhost', cookie },
    });
    assert.equal(home.statusCode, 200);
    const there = await ctx.app.inject({
      method: 'GET',
      url: '/agent/demandes',
      headers: { host: 'autreville.localhost', cookie },
    });
    assert.equal(there.statusCode, 303);
    assert.equal(there.headers.location, `/agent/connexion?retour=${encodeURIComponent('/agent/demandes')}`);
  });

  test('the Villebelle demo agents are attached to the services of its catalogue', async () => {
    const links = await ctx.database.ownerQuery(
      `select a.email, a.role, s.slug from agents a
       left join agent_services x on x.tenant_id = a.tenant_id and x.agent_id = a.id
       left join services s on s.tenant_id = x.tenant_id and s.id = x.service_id
       where a.tenant_id = $1 and a.email like '%@villebelle.example' order by 1, 3`,
      [ctx.tenantId],
    );
    const of = (email: string) => links.rows.filter((r) => r.email === email).map((r) => r.slug);
    assert.deepEqual(of('admin@villebelle.example'), [null]);
    assert.deepEqual(of('etat-civil@villebelle.example'), ['etat-civil']);
    assert.deepEqual(of('responsable-etat-civil@villebelle.example'), ['etat-civil']);
    assert.ok(of('espace-public@villebelle.example').includes('voirie-proprete'));
  });

  test('demo agents are created with working, fresh passwords and their services', async () => {
    const tenant = await createTenant(ctx.database.ownerQuery, { name: 'Démoville', slug: 'demoville', hosts: [] });
    await ensureService(ctx.database, tenant, 'etat-civil');
    await ensureService(ctx.database, tenant, 'voirie-proprete');
    await ensureService(ctx.database, tenant, 'environnement-dechets');
    await ensureService(ctx.database, tenant, 'urbanisme');
    const first = await seedDemoAgents(ctx.services.db, tenant);
    assert.deepEqual(
      first.map((c) => [c.email, c.role]),
      [
        ['admin@demoville.example', 'admin'],
        ['etat-civil@demoville.example', 'agent'],
        ['espace-public@demoville.example', 'agent'],
        ['responsable-etat-civil@demoville.example', 'supervisor'],
      ],
    );
    assert.deepEqual(first[2]!.services, ['environnement-dechets', 'voirie-proprete']);
    const links = await ctx.database.ownerQuery(
      `select a.email, s.slug from agent_services x join agents a on a.tenant_id = x.tenant_id and a.id = x.agent_id
       join services s on s.tenant_id = x.tenant_id and s.id = x.service_id where x.tenant_id = $1 order by 1, 2`,
      [tenant],
    );
    assert.deepEqual(
      links.rows.map((r) => `${r.email} ${r.slug}`),
      [
        'espace-public@demoville.example environnement-dechets',
        'espace-public@demoville.example voirie-proprete',
        'etat-civil@demoville.example etat-civil',
        'responsable-etat-civil@demoville.example etat-civil',
      ],
    );
    const cookie = await loginAgent(ctx.app, first[1]!.email, first[1]!.password, '/t/demoville');
    assert.match(cookie, /guichet_agent=/);
    const hashes = await ctx.database.ownerQuery(`select password_hash from agents where tenant_id = $1`, [tenant]);
    assert.ok(hashes.rows.every((r) => String(r.password_hash).startsWith('$argon2id$v=19$m=19456,p=1,t=2$')));
    // Passwords differ from one seed to the next.
    const other = await createTenant(ctx.database.ownerQuery, { name: 'Démoville 2', slug: 'demoville-2', hosts: [] });
    const second = await seedDemoAgents(ctx.services.db, other);
    assert.notDeepEqual(
      first.map((c) => c.password),
      second.map((c) => c.password),
    );
  });
});
