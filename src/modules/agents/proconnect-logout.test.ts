import assert from 'node:assert/strict';
import { freePort } from '../../../test/support/server-process.ts';
import { after, before, describe, test } from 'node:test';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { csrfFrom, insertAgent } from '../../../test/support/factories.ts';
import { startProConnectProvider, type RunningProConnect } from '../../../test/support/proconnect-provider.ts';

/** A browser without JavaScript over real HTTP: one cookie jar per origin, GET and form POST. */
class Browser {
  private jars = new Map<string, Map<string, string>>();

  private jar(origin: string): Map<string, string> {
    let jar = this.jars.get(origin);
    if (!jar) this.jars.set(origin, (jar = new Map()));
    return jar;
  }

  async request(url: string, form?: Record<string, string>): Promise<Response> {
    const u = new URL(url);
    const jar = this.jar(u.origin);
    const headers: Record<string, string> = { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') };
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(u, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers,
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const value = pair!.slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c) || /max-age=0/i.test(c)) jar.delete(pair!.slice(0, eq));
      else jar.set(pair!.slice(0, eq), value);
    }
    return res;
  }

  /** Follows redirects from a response until a page is served. */
  async follow(res: Response, from: string): Promise<{ res: Response; url: string }> {
    let current = from;
    for (let i = 0; i < 20; i++) {
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return { res, url: current };
      current = new URL(location, current).href;
      res = await this.request(current);
    }
    throw new Error('too many redirects');
  }

  cookie(origin: string, name: string): string | undefined {
    return this.jar(origin).get(name);
  }
}

describe(`agent logout through ProConnect (${TEST_DB})`, () => {
  let ctx: TestContext;
  let provider: RunningProConnect;
  let app = '';

  async function proconnectLogin(email: string) {
    provider.nextAgent = { sub: `sub-${email}`, email, given_name: 'Dom', usual_name: 'Domaine', uid: email };
    const browser = new Browser();
    const start = `${app}/agent/connexion/proconnect?retour=%2Fagent%2Fdemandes`;
    const { res, url } = await browser.follow(await browser.request(start), start);
    const body = await res.text();
    assert.equal(url, `${app}/agent/demandes`, body);
    return { browser, body };
  }

  async function idTokens(email: string): Promise<(string | null)[]> {
    const r = await ctx.database.ownerQuery(
      `select s.id_token from agent_sessions s join agents a on a.id = s.agent_id where a.email = $1`,
      [email],
    );
    return r.rows.map((row) => row.id_token as string | null);
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
    provider.configure([`${app}/agent/connexion/proconnect/retour`], [`${app}/agent/deconnexion/retour`]);
    await ctx.database.ownerQuery(`update tenants set proconnect_domains = $2 where id = $1`, [
      ctx.tenantId,
      ['mairie-villebelle.fr'],
    ]);
    for (const email of ['dom@mairie-villebelle.fr', 'mot@mairie-villebelle.fr']) {
      await insertAgent(ctx.database, ctx.tenantId, {
        email,
        password: 'lavande-moulin-piano-27',
        serviceSlugs: ['etat-civil'],
      });
    }
  });
  after(async () => {
    await ctx?.close();
    await provider?.close();
  });

  test('a ProConnect session is closed here, then at ProConnect, and the state is checked on return', async () => {
    const { browser, body } = await proconnectLogin('dom@mairie-villebelle.fr');
    const [idToken] = await idTokens('dom@mairie-villebelle.fr');
    assert.ok(idToken && idToken.split('.').length === 3, 'the ID token is kept with the session');

    const out = await browser.request(`${app}/agent/deconnexion`, { _csrf: csrfFrom(body) });
    assert.equal(out.status, 303);
    const target = new URL(out.headers.get('location')!);
    assert.equal(target.origin, provider.issuer);
    assert.equal(target.searchParams.get('id_token_hint'), idToken);
    assert.equal(target.searchParams.get('post_logout_redirect_uri'), `${app}/agent/deconnexion/retour`);
    const state = target.searchParams.get('state') ?? '';
    assert.ok(state.length >= 32);
    // The local session is gone before the browser even reaches the provider.
    assert.deepEqual(await idTokens('dom@mairie-villebelle.fr'), []);
    assert.equal(browser.cookie(app, 'guichet_agent'), undefined);
    const list = await browser.request(`${app}/agent/demandes`);
    assert.equal(list.status, 303);

    // The provider asks for confirmation (its own form), then sends the browser back.
    const confirm = await browser.request(target.href);
    assert.equal(confirm.status, 200);
    const page = await confirm.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page)?.[1];
    assert.ok(action && xsrf, page);
    const confirmUrl = new URL(action, target).href;
    const back = await browser.follow(await browser.request(confirmUrl, { xsrf, logout: 'yes' }), confirmUrl);
    assert.equal(new URL(back.url).pathname, '/agent/deconnexion/retour');
    assert.equal(new URL(back.url).searchParams.get('state'), state);
    assert.equal(back.res.status, 200);
    assert.match(await back.res.text(), /<h1>Vous êtes déconnecté<\/h1>/);
    assert.equal(browser.cookie(app, 'guichet_proconnect_logout'), undefined);
  });

  test('a return with a wrong or missing state is not taken as a confirmed logout', async () => {
    const { browser, body } = await proconnectLogin('dom@mairie-villebelle.fr');
    const out = await browser.request(`${app}/agent/deconnexion`, { _csrf: csrfFrom(body) });
    assert.equal(out.status, 303);
    assert.ok(browser.cookie(app, 'guichet_proconnect_logout'));
    const wrong = await browser.request(`${app}/agent/deconnexion/retour?state=${'x'.repeat(32)}`);
    assert.equal(wrong.status, 400);
    assert.match(await wrong.text(), /Déconnexion de ProConnect non confirmée/);
    const none = await fetch(`${app}/agent/deconnexion/retour`);
    assert.equal(none.status, 400);
  });

  test('a password session is closed locally and goes back to the login page', async () => {
    const browser = new Browser();
    const form = await browser.request(`${app}/agent/connexion`);
    const login = await browser.request(`${app}/agent/connexion`, {
      _csrf: csrfFrom(await form.text()),
      email: 'mot@mairie-villebelle.fr',
      password: 'lavande-moulin-piano-27',
    });
    assert.equal(login.status, 303);
    assert.deepEqual(await idTokens('mot@mairie-villebelle.fr'), [null]);
    const page = await browser.request(`${app}/agent/demandes`);
    const out = await browser.request(`${app}/agent/deconnexion`, { _csrf: csrfFrom(await page.text()) });
    assert.equal(out.status, 303);
    assert.equal(out.headers.get('location'), '/agent/connexion?deconnexion=1');
    assert.deepEqual(await idTokens('mot@mairie-villebelle.fr'), []);
  });
});
