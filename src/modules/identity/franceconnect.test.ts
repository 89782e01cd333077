/**
 * FranceConnect login over real HTTP: Guichet listening on a free port, a real OpenID provider
 * configured like FranceConnect v2, redirects followed between them and the provider's forms
 * submitted as a browser would. Then the negative cases, each refused with a clear page and
 * no session opened.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import pino from 'pino';
import { freePort } from '../../../test/support/server-process.ts';
import { startTestFranceConnect, type TestFranceConnect } from '../../../test/support/oidc-provider.ts';
import { insertAgent, loginAgent } from '../../../test/support/factories.ts';
import { visibleText } from '../../../test/support/pages.ts';
import { createTestContext, type TestContext } from '../../../test/support/test-app.ts';

/** A tiny browser: one cookie jar per origin, manual redirects, form submission. */
class Browser {
  jar = new Map<string, Map<string, string>>();

  cookie(origin: string, name: string): string | undefined {
    return this.jar.get(origin)?.get(name);
  }
  setCookie(origin: string, name: string, value: string) {
    const j = this.jar.get(origin) ?? new Map<string, string>();
    j.set(name, value);
    this.jar.set(origin, j);
  }

  async request(url: string, init: { method?: string; form?: URLSearchParams } = {}) {
    const u = new URL(url);
    const headers: Record<string, string> = {};
    const cookies = [...(this.jar.get(u.origin) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`);
    if (cookies.length) headers.cookie = cookies.join('; ');
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      headers,
      body: init.form?.toString(),
      redirect: 'manual',
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /max-age=0|expires=thu, 01 jan 1970/i.test(a.trim())) || value === '';
      const j = this.jar.get(u.origin) ?? new Map<string, string>();
      if (expired) j.delete(name);
      else j.set(name, value);
      this.jar.set(u.origin, j);
    }
    return { status: res.status, location: res.headers.get('location'), body: await res.text(), url };
  }

  /** Follows redirects until a page (not a redirect) is answered. */
  async follow(url: string, init: { method?: string; form?: URLSearchParams } = {}) {
    let res = await this.request(url, init);
    const visited = [url];
    for (let i = 0; i < 15 && res.status >= 300 && res.status < 400 && res.location; i++) {
      const next = new URL(res.location, res.url).href;
      visited.push(next);
      res = await this.request(next);
    }
    return { ...res, visited };
  }

  /** Submits the form `selector` (by id, or the first one) of a page, as its submit button would. */
  async submit(page: { body: string; url: string }, fields: Record<string, string>, formId?: string) {
    const forms = [...page.body.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)];
    const form = formId
      ? forms.find((f) => f[1]!.includes(`id="${formId}"`))
      : forms.find((f) => /method="post"/i.test(f[1]!));
    assert.ok(form, `a form on ${page.url}`);
    const action = /action="([^"]*)"/.exec(form[1]!)?.[1] ?? page.url;
    const data = new URLSearchParams();
    for (const m of form[2]!.matchAll(/<input\b[^>]*type="hidden"[^>]*>/g)) {
      const name = /name="([^"]+)"/.exec(m[0])?.[1];
      const value = /value="([^"]*)"/.exec(m[0])?.[1] ?? '';
      if (name) data.append(name, value.replace(/&amp;/g, '&').replace(/&quot;/g, '"'));
    }
    for (const [k, v] of Object.entries(fields)) data.set(k, v);
    return this.follow(new URL(action.replace(/&amp;/g, '&'), page.url).href, { method: 'POST', form: data });
  }
}

describe('FranceConnect login', { timeout: 120_000 }, () => {
  let ctx: TestContext;
  let fc: TestFranceConnect;
  let origin: string;
  const camille = () => fc.identities[0]!;
  const logLines: string[] = [];

  before(async () => {
    const fcPort = await freePort();
    // Redirect URIs are built from PUBLIC_BASE_URL: the app listens on the port it names.
    const appPort = await freePort();
    origin = `http://127.0.0.1:${appPort}`;
    ctx = await createTestContext({
      logger: pino({ level: 'warn' }, { write: (line: string) => void logLines.push(line) }),
      env: {
        PUBLIC_BASE_URL: origin,
        FRANCECONNECT_ISSUER: `http://127.0.0.1:${fcPort}`,
        FRANCECONNECT_CLIENT_ID: 'guichet-test',
        FRANCECONNECT_CLIENT_SECRET: 'test-client-secret-0123456789abcdef',
        TRACKING_RATE_LIMIT: '1000',
      },
    });
    await ctx.app.listen({ port: appPort, host: '127.0.0.1' });
    fc = await startTestFranceConnect({ port: fcPort, rpOrigins: [origin] });
  });
  after(async () => {
    await fc?.close();
    await ctx?.close();
  });

  /** Submits a form page as multipart (files included), as a browser would. */
  async function submitMultipart(
    browser: Browser,
    page: { body: string; url: string },
    fields: Record<string, string>,
    files: Record<string, Buffer>,
  ) {
    const body = new FormData();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    body.set('_csrf', csrf);
    for (const [k, v] of Object.entries(fields)) body.set(k, v);
    for (const [k, v] of Object.entries(files))
      body.set(k, new Blob([new Uint8Array(v)], { type: 'application/pdf' }), `${k}.pdf`);
    const u = new URL(page.url);
    const cookies = [...(browser.jar.get(u.origin) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`);
    const res = await fetch(page.url, {
      method: 'POST',
      body,
      headers: { cookie: cookies.join('; ') },
      redirect: 'manual',
    });
    assert.equal(res.status, 303, await res.text());
    return browser.follow(new URL(res.headers.get('location')!, page.url).href);
  }

  async function rowsOf<T>(text: string, params: unknown[] = []): Promise<{ rows: T[] }> {
    const r = await ctx.database.ownerQuery(text, params);
    return { rows: r.rows as T[] };
  }

  async function sessionCount(): Promise<number> {
    const r = await rowsOf<{ n: number }>(`select count(*)::int as n from citizen_sessions`);
    return r.rows[0]!.n;
  }

  /** Starts a login from the form page, picks Camille at the provider and follows the way back. */
  async function loginAtProvider(browser: Browser, retour = '/demarches/signaler-probleme-voirie/demande') {
    const start = await browser.follow(`${origin}/connexion/franceconnect?retour=${encodeURIComponent(retour)}`);
    assert.equal(start.status, 200, `the provider's interaction page (${start.visited.join(' → ')})\n${start.body}`);
    const authorize = new URL(start.visited.find((u) => u.includes('/auth?'))!);
    assert.equal(authorize.searchParams.get('acr_values'), 'eidas1');
    assert.equal(
      authorize.searchParams.get('scope'),
      'openid given_name family_name birthdate birthplace birthcountry gender email preferred_username',
    );
    assert.ok(authorize.searchParams.get('state')!.length >= 32);
    assert.ok(authorize.searchParams.get('nonce')!.length >= 32);
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.match(start.body, /Avec quelle identité/);
    // Choose the identity and consent: redirects lead back through Guichet's callback.
    return browser.submit(start, { identite: camille().sub, action: 'continuer' });
  }

  test('the full flow: provider, callback, locked identity on the form, request recorded, logout at the provider', async () => {
    const browser = new Browser();
    const before = await sessionCount();
    const form = await loginAtProvider(browser);
    assert.ok(
      form.visited.some((u) => u.startsWith(`${origin}/connexion/franceconnect/retour?`)),
      `came back to the callback: ${form.visited.join(' → ')}`,
    );
    assert.equal(form.status, 200, form.body);
    assert.equal(new URL(form.url).pathname, '/demarches/signaler-probleme-voirie/demande');
    assert.equal(await sessionCount(), before + 1);
    assert.match(form.body, /Camille Louise/);
    assert.match(form.body, /Vérifié par FranceConnect/);
    assert.doesNotMatch(form.body, /name="applicant_given_name"/, 'the first name cannot be edited');
    assert.doesNotMatch(form.body, /S’identifier avec/, 'no FranceConnect button once signed in');

    const citizen = await rowsOf<{
      id: string;
      given_name: string;
      birthplace: string;
      identity_verified_at: Date | null;
      email: string;
    }>(`select id, given_name, birthplace, identity_verified_at, email from citizens where franceconnect_sub = $1`, [
      camille().sub,
    ]);
    assert.equal(citizen.rows.length, 1);
    assert.equal(citizen.rows[0]!.given_name, 'Camille Louise');
    assert.equal(citizen.rows[0]!.birthplace, '44109');
    assert.ok(citizen.rows[0]!.identity_verified_at);

    // A request filed with a forged name: the verified identity wins.
    const res = await browser.submit(
      { body: form.body, url: form.url },
      {
        applicant_given_name: 'Usurpateur',
        applicant_family_name: 'FAUX',
        categorie: 'chaussee',
        lieu__street: '12 rue des Lilas',
        lieu__postal_code: '00000',
        lieu__city: 'Villebelle',
        description: 'Un trou profond au milieu de la chaussée, devant le numéro 12.',
      },
    );
    assert.equal(res.status, 200, res.body);
    assert.match(res.url, /\/demandes\/VB-\d{4}-[A-Z0-9]{5}\/confirmation/);
    await ctx.services.mail.flush();
    const req = await rowsOf<{
      applicant_name: string;
      identity_source: string;
      citizen_id: string;
      data: { _identity?: Record<string, string> };
    }>(`select applicant_name, identity_source, citizen_id, data from requests where citizen_id = $1`, [
      citizen.rows[0]!.id,
    ]);
    assert.equal(req.rows.length, 1);
    assert.equal(req.rows[0]!.identity_source, 'franceconnect');
    assert.equal(req.rows[0]!.applicant_name, 'Camille Louise MARTIN');
    assert.equal(req.rows[0]!.data._identity?.birthdate, '1988-07-14');

    // The agent reads the verified identity as lines of text, never as the stored JSON.
    const reference = /\/demandes\/(VB-\d{4}-[A-Z0-9]{5})\/confirmation/.exec(res.url)![1]!;
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'lecture.fc@villebelle.test',
      password: 'sapin-radis-olive-11',
      role: 'admin',
    });
    const agentCookie = await loginAgent(ctx.app, 'lecture.fc@villebelle.test', 'sapin-radis-olive-11');
    const agentPage = await ctx.app.inject({
      method: 'GET',
      url: `/t/villebelle/agent/demandes/${reference}`,
      headers: { cookie: agentCookie },
    });
    assert.equal(agentPage.statusCode, 200);
    const answers = /<h2>Réponses de l'usager<\/h2>([\s\S]*?)<h2>/.exec(agentPage.body)?.[1] ?? '';
    assert.match(answers, /Identité vérifiée par FranceConnect/);
    assert.match(answers, /<dt>Date de naissance<\/dt>\s*<dd[^>]*>14 juillet 1988<\/dd>/);
    assert.match(answers, /<dt>Lieu de naissance<\/dt>\s*<dd[^>]*>Nantes \(44\), code INSEE 44109<\/dd>/);
    assert.match(agentPage.body, /Identité vérifiée par FranceConnect le \d{1,2}(er)? \S+ \d{4}/);

    // The inbox filters on it.
    const inbox = async (filter: string) =>
      (
        await ctx.app.inject({
          method: 'GET',
          url: `/t/villebelle/agent/demandes?vue=toutes&identite=${filter}`,
          headers: { cookie: agentCookie },
        })
      ).body;
    assert.match(await inbox('verifiee'), new RegExp(reference));
    assert.doesNotMatch(await inbox('non-verifiee'), new RegExp(reference));
    assert.match(await inbox('inconnue'), /Ce filtre d’identité n’existe pas/);
    // Exports carry the source: the inbox CSV, the request's data.
    const csv = await ctx.app.inject({
      method: 'GET',
      url: `/t/villebelle/agent/demandes.csv?vue=toutes&identite=verifiee`,
      headers: { cookie: agentCookie },
    });
    assert.match(csv.body, /Identité vérifiée/);
    assert.match(csv.body, new RegExp(`${reference}[^\\n]*FranceConnect`));
    const key = new URL(res.url).searchParams.get('cle')!;
    const exported = await browser.follow(`${origin}/suivi/${reference}/donnees.json?cle=${encodeURIComponent(key)}`);
    assert.match(exported.body, /"identityVerifiedBy":\s*"FranceConnect"/);
    assert.match(exported.body, /"identityVerifiedAt":\s*"\d{4}-/);
    assert.doesNotMatch(agentPage.body, /_identity/);
    assert.doesNotMatch(visibleText(agentPage.body), /[{}]/);

    // Logout goes through the provider's end_session_endpoint.
    const home = await browser.follow(`${origin}/`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const out = await browser.request(`${origin}/deconnexion`, {
      method: 'POST',
      form: new URLSearchParams({ _csrf: csrf }),
    });
    assert.equal(out.status, 303, home.body.slice(0, 200));
    const endSession = new URL(out.location!);
    assert.equal(endSession.origin, fc.issuer);
    assert.ok(endSession.searchParams.get('id_token_hint'));
    assert.ok(endSession.searchParams.get('state'));
    assert.equal(endSession.searchParams.get('post_logout_redirect_uri'), `${origin}/deconnexion/retour`);
    const confirm = await browser.follow(endSession.href);
    assert.match(confirm.body, /Se déconnecter de FranceConnect/);
    const done = await browser.submit(confirm, { logout: 'yes' }, 'op.logoutForm');
    assert.equal(done.status, 200, done.body);
    assert.match(done.body, /Vous êtes déconnecté/);
    assert.equal(await sessionCount(), before, 'the local session is closed');
  });

  test('an earlier account with the same verified email is linked; its earlier requests only with their codes', async () => {
    const email = fc.identities[1]!.email;
    const r = await rowsOf<{ id: string }>(
      `insert into citizens (tenant_id, email, email_verified_at, password_hash) values ($1, $2, now(), 'x') returning id`,
      [ctx.tenantId, email],
    );
    // A request filed earlier without an account, with the same address.
    const visitor = new Browser();
    const formPage = await visitor.follow(`${origin}/demarches/signaler-probleme-voirie/demande`);
    const filed = await visitor.submit(formPage, {
      applicant_given_name: 'Jean-Pierre',
      applicant_family_name: 'Moreau',
      applicant_email: email,
      categorie: 'chaussee',
      lieu__street: '3 place du Marché',
      lieu__postal_code: '00000',
      lieu__city: 'Villebelle',
      description: 'Un lampadaire penche dangereusement sur le trottoir.',
    });
    assert.match(filed.url, /\/confirmation/, filed.body.slice(0, 2000));
    await ctx.services.mail.flush();
    const browser = new Browser();
    const start = await browser.follow(`${origin}/connexion/franceconnect`);
    const res = await browser.submit(start, { identite: fc.identities[1]!.sub, action: 'continuer' });
    assert.ok(
      res.visited.some((u) => u.endsWith('/mon-espace')),
      res.visited.join(' → '),
    );
    const linked = await rowsOf<{ franceconnect_sub: string; family_name: string }>(
      `select franceconnect_sub, family_name from citizens where id = $1`,
      [r.rows[0]!.id],
    );
    assert.equal(linked.rows[0]!.franceconnect_sub, fc.identities[1]!.sub);
    assert.equal(linked.rows[0]!.family_name, 'MOREAU');
    const linkedCount = async () =>
      (await rowsOf<{ n: number }>(`select count(*)::int as n from requests where citizen_id = $1`, [r.rows[0]!.id]))
        .rows[0]!.n;
    // An address typed on a form proves nothing: the request is not attached on an email match.
    assert.equal(await linkedCount(), 0, 'not attached by email');
    // With its reference and tracking code, from the confirmation page's address, it is.
    const [, reference, code] = /\/demandes\/([A-Z0-9-]+)\/confirmation\?cle=([^&]+)/.exec(filed.url)!;
    const linkPage = await browser.follow(`${origin}/mon-espace/demandes/rattacher`);
    assert.equal(linkPage.status, 200);
    const attached = await browser.submit(
      linkPage,
      { reference: reference!, cle: decodeURIComponent(code!) },
      'rattacher',
    );
    assert.equal(attached.status, 200, attached.visited.join(' → '));
    assert.ok(attached.body.includes(`La demande ${reference} est dans votre espace.`));
    assert.equal(await linkedCount(), 1, 'attached with its code');
  });

  /** Runs a login whose callback is altered by `spoil`; expects a refusal page and no new session. */
  async function expectRefused(label: string, setup: () => void, status = 400) {
    const browser = new Browser();
    const before = await sessionCount();
    setup();
    try {
      const start = await browser.follow(`${origin}/connexion/franceconnect`);
      const res = await browser.submit(start, { identite: camille().sub, action: 'continuer' });
      assert.equal(res.status, status, `${label}: ${res.visited.join(' → ')}`);
      assert.match(res.body, /La connexion avec FranceConnect n’a pas abouti/, label);
      assert.match(res.body, /vous n’êtes pas connecté/, label);
      assert.equal(browser.cookie(origin, 'guichet_citoyen'), undefined, `${label}: no session cookie`);
      assert.equal(await sessionCount(), before, `${label}: no session opened`);
    } finally {
      fc.misbehave(null);
    }
  }

  test('control: a token re-signed unchanged by the test provider is accepted (so refusals below mean something)', async () => {
    const browser = new Browser();
    fc.misbehave({ idTokenClaims: (c) => c });
    try {
      const start = await browser.follow(`${origin}/connexion/franceconnect`);
      const res = await browser.submit(start, { identite: camille().sub, action: 'continuer' });
      assert.ok(
        res.visited.some((u) => u.endsWith('/mon-espace')),
        res.visited.join(' → '),
      );
      assert.ok(browser.cookie(origin, 'guichet_citoyen'));
    } finally {
      fc.misbehave(null);
    }
  });

  test('a wrong nonce in the ID token is refused', async () => {
    await expectRefused('wrong nonce', () => fc.misbehave({ idTokenClaims: (c) => ({ ...c, nonce: 'x'.repeat(43) }) }));
  });

  test('an acr below eidas1 is refused', async () => {
    await expectRefused('wrong acr', () => fc.misbehave({ idTokenClaims: (c) => ({ ...c, acr: 'eidas0' }) }));
  });

  test('an expired ID token is refused', async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    await expectRefused('expired', () =>
      fc.misbehave({ idTokenClaims: (c) => ({ ...c, iat: past - 60, exp: past, auth_time: past - 60 }) }),
    );
  });

  test('a tampered ID token signature is refused', async () => {
    await expectRefused('tampered signature', () => fc.misbehave({ tamperSignature: true }));
  });

  test('a wrong state is refused before anything is exchanged', async () => {
    const browser = new Browser();
    const before = await sessionCount();
    const start = await browser.follow(`${origin}/connexion/franceconnect`);
    // Stop at the provider's redirect to Guichet, then change the state.
    const form = new URLSearchParams({ identite: camille().sub, action: 'continuer' });
    const action = /<form method="post" action="([^"]+)"/.exec(start.body)![1]!;
    let res = await browser.request(new URL(action, start.url).href, { method: 'POST', form });
    while (res.location && !res.location.startsWith(origin))
      res = await browser.request(new URL(res.location, res.url).href);
    const callback = new URL(res.location!);
    callback.searchParams.set('state', 'A'.repeat(43));
    const refused = await browser.request(callback.href);
    assert.equal(refused.status, 400);
    assert.match(refused.body, /La connexion avec FranceConnect n’a pas abouti/);
    assert.equal(await sessionCount(), before);
  });

  test('a replayed authorization code is refused', async () => {
    const browser = new Browser();
    const start = await browser.follow(`${origin}/connexion/franceconnect`);
    const flowCookie = browser.cookie(origin, 'guichet_fc_flow')!;
    const form = new URLSearchParams({ identite: camille().sub, action: 'continuer' });
    const action = /<form method="post" action="([^"]+)"/.exec(start.body)![1]!;
    let res = await browser.request(new URL(action, start.url).href, { method: 'POST', form });
    while (res.location && !res.location.startsWith(origin))
      res = await browser.request(new URL(res.location, res.url).href);
    const callback = res.location!;
    const first = await browser.request(callback);
    assert.equal(first.status, 303, 'the first use logs in');
    const before = await sessionCount();
    // An attacker who captured the callback URL and the flow cookie replays them.
    const attacker = new Browser();
    attacker.setCookie(origin, 'guichet_fc_flow', flowCookie);
    const replay = await attacker.request(callback);
    assert.equal(replay.status, 400);
    assert.match(replay.body, /La connexion avec FranceConnect n’a pas abouti/);
    assert.equal(attacker.cookie(origin, 'guichet_citoyen'), undefined);
    assert.equal(await sessionCount(), before);
  });

  test('an unreachable provider: the button leads to Guichet’s own page (503) with the other ways in', async () => {
    const saved = { ...ctx.config.franceconnect };
    ctx.config.franceconnect.issuer = `http://127.0.0.1:${await freePort()}`;
    try {
      const before = await sessionCount();
      const retour = '/demarches/inscription-listes-electorales/demande';
      const browser = new Browser();
      const click = await browser.request(`${origin}/connexion/franceconnect?retour=${encodeURIComponent(retour)}`);
      assert.equal(click.status, 303);
      assert.equal(click.location, `/connexion/franceconnect/indisponible?retour=${encodeURIComponent(retour)}`);
      const res = await browser.follow(`${origin}/connexion/franceconnect?retour=${encodeURIComponent(retour)}`);
      assert.equal(res.status, 503);
      assert.match(res.body, /FranceConnect est indisponible pour le moment/);
      assert.match(res.body, new RegExp(`href="[^"]*${retour}">Remplir le formulaire sans FranceConnect`));
      assert.match(res.body, /adresse électronique et un mot de passe/);
      assert.match(res.body, /Appeler la mairie|Venir à l’accueil/);
      assert.equal(await sessionCount(), before);

      // An API client gets the stable code, not a page.
      const api = await fetch(`${origin}/connexion/franceconnect`, {
        headers: { accept: 'application/json' },
        redirect: 'manual',
      });
      assert.equal(api.status, 503);
      assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'franceconnect_unavailable');
    } finally {
      ctx.config.franceconnect = saved;
    }
  });

  test('a slow provider: the health check gives up after its timeout, the citizen gets Guichet’s page', async () => {
    // Accepts connections, never answers.
    const sockets = new Set<Socket>();
    const slow = createNetServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const saved = { ...ctx.config.franceconnect };
    ctx.config.franceconnect.issuer = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
    ctx.config.franceconnect.healthTimeoutMs = 300;
    try {
      const started = performance.now();
      const res = await new Browser().follow(`${origin}/connexion/franceconnect`);
      const waited = performance.now() - started;
      assert.equal(res.status, 503);
      assert.match(res.body, /FranceConnect est indisponible pour le moment/);
      assert.ok(waited < 2000, `answered in ${Math.round(waited)} ms`);
    } finally {
      ctx.config.franceconnect = saved;
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    }
  });

  test('the electoral list: birth date, birthplace and country locked, a claim not given stays editable, a tampered value is ignored and logged', async () => {
    const browser = new Browser();
    const form = await loginAtProvider(browser, '/demarches/inscription-listes-electorales/demande');
    assert.equal(new URL(form.url).pathname, '/demarches/inscription-listes-electorales/demande');
    const locked = (name: string) =>
      new RegExp(
        `<p class="label" id="${name}">[^<]*</p>\\s*<p class="locked-value">([^<]*)<span class="badge-verified">`,
      )
        .exec(form.body)?.[1]
        ?.trim();
    assert.equal(locked('date_naissance'), '14 juillet 1988');
    assert.equal(locked('lieu_naissance'), 'Nantes (44)');
    assert.equal(locked('pays_naissance'), 'France');
    assert.doesNotMatch(form.body, /name="date_naissance"/);
    // Camille has no nom d'usage: the claim is empty, the field is editable.
    assert.match(form.body, /<input[^>]*name="nom_usage"/);

    logLines.length = 0;
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const res = await submitMultipart(
      browser,
      form,
      {
        date_naissance: '2000-01-01',
        lieu_naissance: 'Ailleurs',
        nationalite: 'francaise',
        motif_inscription: 'arrivee',
        adresse__street: '3 place de la Mairie',
        adresse__postal_code: '00000',
        adresse__city: 'Villebelle',
        attestation_honneur: 'oui',
      },
      { piece_identite: pdf, justificatif_domicile: pdf },
    );
    assert.equal(res.status, 200, res.visited.join(' → ') + res.body.slice(0, 2000));
    assert.match(res.url, /\/confirmation\?cle=/);
    assert.match(res.body, /Identité vérifiée par FranceConnect le/);
    const reference = /\/demandes\/([A-Z0-9-]+)\/confirmation/.exec(res.url)![1]!;
    const row = await rowsOf<{ data: Record<string, unknown> & { _identity: { fields: string[] } } }>(
      `select data from requests where reference = $1`,
      [reference],
    );
    const data = row.rows[0]!.data;
    assert.equal(data.date_naissance, '1988-07-14', 'the verified birth date, not the one sent');
    assert.equal(data.lieu_naissance, 'Nantes (44)');
    assert.deepEqual([...data._identity.fields].sort(), [
      'applicant_email',
      'applicant_family_name',
      'applicant_given_name',
      'date_naissance',
      'lieu_naissance',
      'pays_naissance',
    ]);
    const warning = logLines.find((l) => l.includes('values sent for locked fields ignored'));
    assert.ok(warning, 'logged');
    assert.match(warning, /date_naissance/);
    assert.match(warning, /lieu_naissance/);
    assert.doesNotMatch(warning, /2000-01-01|Ailleurs|1988|Nantes|Camille/, 'no personal data in the log');

    // The tracking page and the receipt say it too.
    const key = new URL(res.url).searchParams.get('cle')!;
    const tracking = await browser.follow(`${origin}/suivi/${reference}?cle=${encodeURIComponent(key)}`);
    assert.match(tracking.body, /Identité vérifiée par FranceConnect le/);
    assert.match(tracking.body, /Nantes \(44\) <span class="badge-verified">Vérifié par FranceConnect<\/span>/);
  });

  test('a claim missing from what the provider gives: its field stays editable', async () => {
    const port = await freePort();
    const partial = await startTestFranceConnect({
      port,
      rpOrigins: [origin],
      identities: [{ ...camille(), sub: 'b'.repeat(64), birthdate: undefined, birthplace: undefined } as never],
    });
    const saved = { ...ctx.config.franceconnect };
    ctx.config.franceconnect.issuer = partial.issuer;
    try {
      const browser = new Browser();
      const start = await browser.follow(
        `${origin}/connexion/franceconnect?retour=${encodeURIComponent('/demarches/inscription-listes-electorales/demande')}`,
      );
      const form = await browser.submit(start, { identite: 'b'.repeat(64), action: 'continuer' });
      assert.equal(
        new URL(form.url).pathname,
        '/demarches/inscription-listes-electorales/demande',
        form.visited.join(' → '),
      );
      assert.match(form.body, /<input[^>]*name="date_naissance"/, 'birth date editable');
      assert.match(form.body, /<input[^>]*name="lieu_naissance"/, 'birthplace editable');
      assert.doesNotMatch(form.body, /name="applicant_given_name"/, 'the name is still locked');
    } finally {
      ctx.config.franceconnect = saved;
      await partial.close();
    }
  });

  test('a person born in a commune since merged: its name then and now', async () => {
    const browser = new Browser();
    const start = await browser.follow(
      `${origin}/connexion/franceconnect?retour=${encodeURIComponent('/demarches/inscription-listes-electorales/demande')}`,
    );
    const lucien = fc.identities.find((i) => i.birthplace === '49149')!;
    const form = await browser.submit(start, { identite: lucien.sub, action: 'continuer' });
    assert.match(form.body, /Gennes \(49\), aujourd’hui Gennes-Val-de-Loire/);
  });

  test('the form page offers the FranceConnect button to visitors', async () => {
    const res = await new Browser().follow(`${origin}/demarches/signaler-probleme-voirie/demande`);
    assert.equal(res.status, 200);
    assert.match(res.body, /S’identifier avec/);
    assert.match(res.body, /Gagnez du temps : vos nom et prénom seront remplis et vérifiés/);
    assert.match(res.body, /href="https:\/\/franceconnect.gouv.fr\/"/);
  });

  // Last: the error marks the provider down for a few seconds (its health state is shared).
  test('the provider answers an error on the return: Guichet’s page, no session, no provider page', async () => {
    const browser = new Browser();
    const before = await sessionCount();
    const start = await browser.follow(`${origin}/connexion/franceconnect`);
    const state = new URL(start.visited.find((u) => u.includes('/auth?'))!).searchParams.get('state')!;
    const back = await browser.request(
      `${origin}/connexion/franceconnect/retour?error=server_error&error_description=down&state=${state}`,
    );
    assert.equal(back.status, 303);
    assert.match(back.location!, /\/connexion\/franceconnect\/indisponible$/);
    const page = await browser.follow(new URL(back.location!, origin).href);
    assert.equal(page.status, 503);
    assert.match(page.body, /FranceConnect est indisponible pour le moment/);
    assert.equal(await sessionCount(), before);
  });

  test('the token endpoint fails on the return (502): Guichet’s page, and the next click stays at Guichet', async () => {
    // A relying party of its own (the key includes the timeout): a fresh health state.
    ctx.config.franceconnect.healthTimeoutMs = 1999;
    try {
      const browser = new Browser();
      const before = await sessionCount();
      const start = await browser.follow(`${origin}/connexion/franceconnect`);
      assert.equal(start.status, 200, 'the provider is up at the click');
      fc.misbehave({ tokenStatus: 502 });
      const page = await browser.submit(start, { identite: camille().sub, action: 'continuer' });
      assert.equal(page.status, 503, page.visited.join(' → '));
      assert.ok(page.visited.some((u) => u.endsWith('/connexion/franceconnect/indisponible')));
      assert.match(page.body, /FranceConnect est indisponible pour le moment/);
      assert.equal(await sessionCount(), before);
      // Marked down at once: the next click does not send the browser to the provider, although
      // its discovery document still answers.
      fc.misbehave(null);
      const click = await browser.request(`${origin}/connexion/franceconnect`);
      assert.equal(click.status, 303);
      assert.match(click.location!, /\/connexion\/franceconnect\/indisponible$/);
    } finally {
      fc.misbehave(null);
      ctx.config.franceconnect.healthTimeoutMs = 2000;
    }
  });
});
