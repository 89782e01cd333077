import assert from 'node:assert/strict';
import { freePort } from '../../../test/support/server-process.ts';
import { after, before, describe, test } from 'node:test';
import { createTenant } from '../tenants/create-tenant.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { csrfFrom, insertAgent, loginAgent } from '../../../test/support/factories.ts';
import {
  startProConnectProvider,
  type ProConnectAgent,
  type RunningProConnect,
} from '../../../test/support/proconnect-provider.ts';

const VILLEBELLE_SIRET = '21000000000017';

/**
 * A browser without JavaScript: follows redirects over real HTTP, one cookie jar per origin
 * (the app and the provider both listen on 127.0.0.1, on different ports).
 */
class Browser {
  private jars = new Map<string, Map<string, string>>();

  private jar(origin: string): Map<string, string> {
    let jar = this.jars.get(origin);
    if (!jar) this.jars.set(origin, (jar = new Map()));
    return jar;
  }

  async get(url: string): Promise<Response> {
    const u = new URL(url);
    const jar = this.jar(u.origin);
    const res = await fetch(u, {
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c) || /max-age=0/i.test(c)) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  }

  /** Follows redirects until `stopAt` matches the next location (not followed) or a page is served. */
  async follow(url: string, stopAt?: RegExp): Promise<{ res: Response; url: string }> {
    let current = url;
    for (let i = 0; i < 20; i++) {
      const res = await this.get(current);
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return { res, url: current };
      const next = new URL(location, current).href;
      if (stopAt?.test(next)) return { res, url: next };
      current = next;
    }
    throw new Error('too many redirects');
  }

  cookie(origin: string, name: string): string | undefined {
    return this.jar(origin).get(name);
  }
}

describe(`agent login with ProConnect (${TEST_DB})`, () => {
  let ctx: TestContext;
  let provider: RunningProConnect;
  let app = '';
  let autrevilleId = '';

  const agent = (email: string, siret?: string): ProConnectAgent => ({
    sub: `sub-${email}`,
    email,
    given_name: 'Alex',
    usual_name: 'Martin',
    uid: email,
    siret,
    organizational_unit: 'Direction',
  });

  /** Starts at the login page's button and follows every redirect back to Guichet. */
  async function proconnectLogin(who: ProConnectAgent | null, base = '') {
    provider.nextAgent = who;
    const browser = new Browser();
    const { res, url } = await browser.follow(`${app}${base}/agent/connexion/proconnect?retour=%2Fagent%2Fdemandes`);
    return { browser, res, url, body: await res.text() };
  }

  before(async () => {
    provider = await startProConnectProvider();
    // Redirect URIs are built from PUBLIC_BASE_URL: the app listens on the port it names.
    const port = await freePort();
    app = `http://127.0.0.1:${port}`;
    ctx = await createTestContext({
      env: {
        PUBLIC_BASE_URL: app,
        PROCONNECT_ISSUER: provider.issuer,
        PROCONNECT_CLIENT_ID: provider.clientId,
        PROCONNECT_CLIENT_SECRET: provider.clientSecret,
      },
    });
    await ctx.app.listen({ host: '127.0.0.1', port });
    provider.configure([
      `${app}/agent/connexion/proconnect/retour`,
      `${app}/t/autreville/agent/connexion/proconnect/retour`,
    ]);
    await ctx.database.ownerQuery(`update tenants set proconnect_sirets = $2, proconnect_domains = $3 where id = $1`, [
      ctx.tenantId,
      [VILLEBELLE_SIRET],
      ['mairie-villebelle.fr'],
    ]);
    autrevilleId = await createTenant(ctx.database.ownerQuery, { name: 'Autreville', slug: 'autreville', hosts: [] });
    await ctx.database.ownerQuery(`update tenants set proconnect_domains = $2 where id = $1`, [
      autrevilleId,
      ['autreville.fr'],
    ]);
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'sam@villebelle.example',
      name: 'Sam Siret',
      password: 'lavande-moulin-piano-27',
      serviceSlugs: ['etat-civil'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'dom@mairie-villebelle.fr',
      name: 'Dom Domaine',
      password: 'lavande-moulin-piano-27',
      serviceSlugs: ['etat-civil'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'chef@mairie-villebelle.fr',
      name: 'Chef Admin',
      password: 'lavande-moulin-piano-27',
      role: 'admin',
    });
  });
  after(async () => {
    await ctx?.close();
    await provider?.close();
  });

  test('the login page offers ProConnect when it is configured', async () => {
    const res = await fetch(`${app}/agent/connexion`);
    const body = await res.text();
    assert.match(body, /Se connecter avec ProConnect/);
    assert.match(body, /href="\/agent\/connexion\/proconnect\?retour=%2Fagent%2Fdemandes"/);
  });

  test('the authorisation request carries the ProConnect scopes, state, nonce and PKCE', async () => {
    const browser = new Browser();
    const res = await browser.get(`${app}/agent/connexion/proconnect`);
    assert.equal(res.status, 303);
    const url = new URL(res.headers.get('location')!);
    assert.equal(url.origin, provider.issuer);
    assert.equal(url.searchParams.get('scope'), 'openid email given_name usual_name uid siret organizational_unit');
    assert.equal(url.searchParams.get('response_type'), 'code');
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.ok((url.searchParams.get('state') ?? '').length >= 32);
    assert.ok((url.searchParams.get('nonce') ?? '').length >= 32);
    assert.equal(url.searchParams.get('redirect_uri'), `${app}/agent/connexion/proconnect/retour`);
    // The flow's secrets travel sealed: the cookie does not show the state in clear.
    const sealed = browser.cookie(app, 'guichet_proconnect')!;
    assert.ok(sealed && !sealed.includes(url.searchParams.get('state')!));
  });

  test('an agent is mapped to the tenant by SIRET and signed in to their existing account', async () => {
    const { browser, res, url, body } = await proconnectLogin(agent('sam@villebelle.example', VILLEBELLE_SIRET));
    assert.equal(res.status, 200, body);
    assert.equal(url, `${app}/agent/demandes`);
    assert.match(body, /Se déconnecter \(Sam Siret\)/);
    assert.ok(browser.cookie(app, 'guichet_agent'));
    assert.equal(browser.cookie(app, 'guichet_proconnect'), undefined);
  });

  test('an agent is mapped by email domain when there is no SIRET', async () => {
    const { res, url, body } = await proconnectLogin(agent('dom@mairie-villebelle.fr'));
    assert.equal(res.status, 200, body);
    assert.equal(url, `${app}/agent/demandes`);
    assert.match(body, /Se déconnecter \(Dom Domaine\)/);
  });

  test('an administrator still gives the TOTP second factor after ProConnect', async () => {
    const { browser, url } = await proconnectLogin(agent('chef@mairie-villebelle.fr'));
    assert.equal(url, `${app}/agent/double-authentification`);
    const list = await browser.get(`${app}/agent/demandes`);
    assert.equal(list.status, 303);
    assert.equal(list.headers.get('location'), '/agent/double-authentification');
  });

  test('an unknown agent of the right establishment is told to ask for an invitation', async () => {
    const { browser, res, body } = await proconnectLogin(agent('inconnu@mairie-villebelle.fr', VILLEBELLE_SIRET));
    assert.equal(res.status, 403);
    assert.match(body, /Demandez à un administrateur de vous inviter/);
    assert.equal(browser.cookie(app, 'guichet_agent'), undefined);
    const count = await ctx.database.ownerQuery(`select 1 from agents where email = 'inconnu@mairie-villebelle.fr'`);
    assert.equal(count.rows.length, 0, 'no account is created');
  });

  test("an agent of another establishment is refused, even with an account's email", async () => {
    // Known email, but neither its SIRET nor its domain belongs to Villebelle.
    const { browser, res, body } = await proconnectLogin(agent('sam@villebelle.example', '99999999900011'));
    assert.equal(res.status, 403);
    assert.match(body, /ne dépend pas de cette collectivité/);
    assert.equal(browser.cookie(app, 'guichet_agent'), undefined);
  });

  test('a login started on one tenant is refused when it comes back to another', async () => {
    // Villebelle's agent, by SIRET, but the login started at Autreville.
    const there = await proconnectLogin(agent('sam@villebelle.example', VILLEBELLE_SIRET), '/t/autreville');
    assert.equal(there.res.status, 403);
    assert.match(there.body, /ne dépend pas de cette collectivité/);

    // A flow started at Autreville whose answer is delivered to Villebelle's address.
    provider.nextAgent = agent('sam@villebelle.example', VILLEBELLE_SIRET);
    const browser = new Browser();
    const { url } = await browser.follow(`${app}/t/autreville/agent/connexion/proconnect`, /\/proconnect\/retour/);
    const query = new URL(url).search;
    const sealed = browser.cookie(app, 'guichet_proconnect')!;
    const res = await fetch(`${app}/agent/connexion/proconnect/retour${query}`, {
      redirect: 'manual',
      headers: { cookie: `guichet_proconnect=${sealed}` },
    });
    assert.equal(res.status, 403);
    assert.ok(!res.headers.getSetCookie().some((c) => c.startsWith('guichet_agent=')));
  });

  test('a wrong state is refused, and so is a replayed answer', async () => {
    provider.nextAgent = agent('sam@villebelle.example', VILLEBELLE_SIRET);
    const browser = new Browser();
    const { url } = await browser.follow(`${app}/agent/connexion/proconnect`, /\/proconnect\/retour/);
    const tampered = new URL(url);
    tampered.searchParams.set('state', 'x'.repeat(43));
    const wrong = await browser.follow(tampered.href);
    assert.equal(wrong.res.status, 400);
    assert.match(await wrong.res.text(), /La connexion avec ProConnect a échoué/);
    assert.equal(browser.cookie(app, 'guichet_agent'), undefined);
    // The flow was spent by the failed attempt: the genuine answer no longer works either.
    const replay = await browser.follow(url);
    assert.equal(replay.res.status, 400);
    assert.equal(browser.cookie(app, 'guichet_agent'), undefined);
  });

  test('a forged or garbage flow cookie is refused', async () => {
    provider.nextAgent = agent('sam@villebelle.example', VILLEBELLE_SIRET);
    const browser = new Browser();
    const { url } = await browser.follow(`${app}/agent/connexion/proconnect`, /\/proconnect\/retour/);
    const sealed = browser.cookie(app, 'guichet_proconnect')!;
    const flipped = sealed.slice(0, -2) + (sealed.endsWith('AA') ? 'BB' : 'AA');
    for (const cookie of [flipped, 'x'.repeat(5000), 'a.b.c', '%00%FF']) {
      const res = await fetch(url, { redirect: 'manual', headers: { cookie: `guichet_proconnect=${cookie}` } });
      assert.equal(res.status, 400);
      assert.ok(!res.headers.getSetCookie().some((c) => c.startsWith('guichet_agent=')));
    }
  });

  test('an answer without its flow cookie is refused', async () => {
    provider.nextAgent = agent('sam@villebelle.example', VILLEBELLE_SIRET);
    const browser = new Browser();
    const { url } = await browser.follow(`${app}/agent/connexion/proconnect`, /\/proconnect\/retour/);
    const res = await fetch(url, { redirect: 'manual' });
    assert.equal(res.status, 400);
  });
  test('an administrator sets the SIRETs and domains on the agents page', async () => {
    const cookie = await loginAgent(ctx.app, 'chef@mairie-villebelle.fr', 'lavande-moulin-piano-27', '');
    const post = async (sirets: string, domains: string) => {
      const page = await ctx.app.inject({ method: 'GET', url: '/agent/admin/agents', headers: { cookie } });
      assert.equal(page.statusCode, 200);
      return ctx.app.inject({
        method: 'POST',
        url: '/agent/admin/proconnect',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrfFrom(page.body), sirets, domains }).toString(),
      });
    };
    const bad = await post('2100000000001', 'pas un domaine');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /n&#39;est pas un SIRET|n'est pas un SIRET/);
    assert.match(bad.body, />\s*2100000000001<\/textarea/);
    assert.match(bad.body, /<title>Erreur – Agents – /);
    const ok = await post(`${VILLEBELLE_SIRET}\n210 000 000 00025`, '@Mairie-Villebelle.fr\nvillebelle.example');
    assert.equal(ok.statusCode, 303);
    const row = await ctx.database.ownerQuery(
      `select proconnect_sirets, proconnect_domains from tenants where id = $1`,
      [ctx.tenantId],
    );
    assert.deepEqual(row.rows[0]!.proconnect_sirets, [VILLEBELLE_SIRET, '21000000000025']);
    assert.deepEqual(row.rows[0]!.proconnect_domains, ['mairie-villebelle.fr', 'villebelle.example']);
  });
});
