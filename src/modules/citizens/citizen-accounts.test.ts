import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { createHash } from 'node:crypto';
import { cookiesFrom, csrfFrom, insertDocument } from '../../../test/support/factories.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { hashPassword } from '../agents/password.ts';
import { createTenant } from '../tenants/create-tenant.ts';
import { NOT_FOUND_MESSAGE } from '../requests/find-tracked-request.ts';
import { REGISTRATION_COOKIE } from './registration-browser.ts';
import { CITIZEN_SESSION_IDLE_MS } from './sessions.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'lavande moulin piano 27';

/** A browser: its cookies, and an address of its own (login and registration are rate-limited per address). */
class Browser {
  cookies: Record<string, string> = {};
  constructor(
    private readonly ctx: TestContext,
    readonly ip: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  private cookieHeader(): string {
    return Object.entries(this.cookies)
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
  }

  private keep(res: LightMyRequestResponse): void {
    for (const [k, v] of Object.entries(cookiesFrom(res.headers['set-cookie']))) {
      if (v === '') delete this.cookies[k];
      else this.cookies[k] = v;
    }
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    const res = await this.ctx.app.inject({
      method: 'GET',
      url,
      remoteAddress: this.ip,
      headers: { ...this.headers, cookie: this.cookieHeader(), 'user-agent': 'Mozilla/5.0 (X11; Linux) Firefox/120.0' },
    });
    this.keep(res);
    return res;
  }

  /** Loads the form page, then posts it with its CSRF token, as a person would. */
  async submit(formUrl: string, action: string, fields: Record<string, string | string[]>) {
    const page = await this.get(formUrl);
    assert.equal(page.statusCode, 200, `GET ${formUrl} answered ${page.statusCode}`);
    return this.post(action, fields, csrfFrom(page.body));
  }

  async post(url: string, fields: Record<string, string | string[]>, csrf: string) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ _csrf: csrf, ...fields })) for (const x of [v].flat()) params.append(k, x);
    const res = await this.ctx.app.inject({
      method: 'POST',
      url,
      remoteAddress: this.ip,
      headers: {
        ...this.headers,
        cookie: this.cookieHeader(),
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': 'Mozilla/5.0 (X11; Linux) Firefox/120.0',
      },
      payload: params.toString(),
    });
    this.keep(res);
    return res;
  }
}

/** The page without what changes at every load (CSRF token), to compare two answers. */
function stable(body: string): string {
  return body.replace(/name="_csrf" value="[^"]+"/g, '').replace(/nonce="[^"]+"/g, '');
}

describe(`citizen accounts and space (${TEST_DB})`, () => {
  let ctx: TestContext;
  let ipCounter = 0;
  const clock = { offset: 0, now: () => new Date(Date.now() + clock.offset) };
  const browser = (headers: Record<string, string> = {}) => {
    ipCounter += 1;
    return new Browser(ctx, `10.77.${Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}`, headers);
  };

  async function mailsTo(address: string): Promise<{ subject: string; text_body: string }[]> {
    await ctx.services.mail.flush();
    const r = await ctx.database.ownerQuery(
      `select subject, text_body from mail_outbox where to_address = $1 order by created_at, id`,
      [address],
    );
    return r.rows as { subject: string; text_body: string }[];
  }

  async function lastLink(address: string, path: string): Promise<string> {
    const mails = await mailsTo(address);
    const text = mails.at(-1)?.text_body ?? '';
    const m = new RegExp(`https?://[^\\s]*(${path}\\?jeton=[\\w-]+)`).exec(text);
    assert.ok(m, `no ${path} link in the last mail to ${address}: ${text}`);
    return `${BASE}${m[1]}`;
  }

  async function createCitizen(email: string, options: { verified?: boolean; givenName?: string } = {}) {
    const r = await ctx.database.ownerQuery(
      `insert into citizens (tenant_id, email, email_verified_at, password_hash, given_name)
       values ($1, $2, $3, $4, $5) returning id`,
      [
        ctx.tenantId,
        email,
        options.verified === false ? null : new Date(),
        await hashPassword(PASSWORD),
        options.givenName ?? null,
      ],
    );
    return String(r.rows[0]!.id);
  }

  async function login(b: Browser, email: string, password = PASSWORD) {
    return b.submit(`${BASE}/connexion`, `${BASE}/connexion`, { email, password });
  }

  async function register(b: Browser, email: string, password = PASSWORD) {
    const res = await b.submit(`${BASE}/inscription`, `${BASE}/inscription`, {
      email,
      password,
      confirmation: password,
    });
    assert.equal(res.statusCode, 303);
    return res;
  }

  /** A request filed through the online form without an account: its reference and tracking code. */
  async function fileAnonymously(email: string, description = 'Un nid-de-poule profond devant le numéro 8.') {
    const b = browser();
    const form = `${BASE}/demarches/signaler-probleme-voirie/demande`;
    const res = await b.submit(form, form, {
      applicant_given_name: 'Léa',
      applicant_family_name: 'Martin',
      applicant_email: email,
      categorie: 'chaussee',
      lieu__street: '8 rue des Lilas',
      lieu__postal_code: '00000',
      lieu__city: 'Villebelle',
      description,
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 2000));
    const m = /\/demandes\/([A-Z0-9-]+)\/confirmation\?cle=([^&]+)/.exec(String(res.headers.location));
    assert.ok(m, String(res.headers.location));
    const r = await ctx.database.ownerQuery(`select id from requests where reference = $1`, [m[1]]);
    return { id: String(r.rows[0]!.id), reference: m[1]!, code: decodeURIComponent(m[2]!) };
  }

  async function citizenOf(requestId: string): Promise<string | null> {
    const r = await ctx.database.ownerQuery(`select citizen_id from requests where id = $1`, [requestId]);
    return (r.rows[0]!.citizen_id as string | null) ?? null;
  }

  async function verifiedAt(email: string): Promise<unknown> {
    const r = await ctx.database.ownerQuery(`select email_verified_at from citizens where email = $1`, [email]);
    return r.rows[0]!.email_verified_at;
  }

  const attach = (b: Browser, fields: { reference: string; cle: string }) =>
    b.submit(`${BASE}/mon-espace/demandes/rattacher`, `${BASE}/mon-espace/demandes/rattacher`, fields);

  before(async () => {
    ctx = await createTestContext({ clock, env: { LOGIN_RATE_LIMIT: '10' } });
  });
  after(async () => ctx.close());

  test('register, confirm by mail, sign in, use the space, sign out', async () => {
    const b = browser();
    const email = 'nouvelle.usagere@example.org';
    const reg = await b.submit(`${BASE}/inscription`, `${BASE}/inscription`, {
      email: 'Nouvelle.Usagere@example.org',
      password: PASSWORD,
      confirmation: PASSWORD,
    });
    assert.equal(reg.statusCode, 303);
    assert.equal(reg.headers.location, `${BASE}/inscription/courriel-envoye`);
    const sent = await b.get(String(reg.headers.location));
    assert.match(sent.body, /<h1>Vérifiez votre messagerie<\/h1>/);

    const stored = await ctx.database.ownerQuery(
      `select password_hash, email_verified_at from citizens where email = $1`,
      [email],
    );
    const hash = String(stored.rows[0]!.password_hash);
    assert.match(hash, /^\$argon2id\$v=19\$/);
    for (const param of ['m=19456', 't=2', 'p=1']) assert.ok(hash.includes(param), param);
    assert.equal(stored.rows[0]!.email_verified_at, null);

    // Not confirmed yet: the right password is told so, and can ask for a new link.
    const early = await login(b, email);
    assert.equal(early.statusCode, 403);
    assert.match(early.body, /pas encore confirmée/);
    assert.match(early.body, /inscription\/renvoyer/);
    assert.equal(cookiesFrom(early.headers['set-cookie']).guichet_citoyen, undefined);

    const link = await lastLink(email, '/inscription/confirmer');
    const tokens = await ctx.database.ownerQuery(
      `select t.id, t.browser_hash from citizen_tokens t join citizens c on c.id = t.citizen_id
       where t.purpose = 'verify_email' and c.email = $1`,
      [email],
    );
    assert.ok(!tokens.rows.some((r) => link.includes(String(r.id))), 'only the hash of the token is stored');
    // The link is bound to this browser: its cookie is HttpOnly and only its hash is stored.
    const bound = b.cookies[REGISTRATION_COOKIE];
    assert.ok(bound);
    assert.equal(tokens.rows[0]!.browser_hash, createHash('sha256').update(bound).digest('hex'));
    const regCookie = [reg.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith(`${REGISTRATION_COOKIE}=`));
    assert.match(regCookie ?? '', /HttpOnly/i);
    assert.match(regCookie ?? '', /SameSite=Lax/i);
    const confirmed = await b.get(link);
    assert.equal(confirmed.statusCode, 303);
    assert.equal(confirmed.headers.location, `${BASE}/connexion?confirme=1`);
    // Single use: a second opening changes nothing and says the address is already confirmed.
    const again = await b.get(link);
    assert.match(again.body, /déjà confirmée/);

    const res = await login(b, email);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `${BASE}/mon-espace`);
    const setCookie = [res.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('guichet_citoyen='));
    assert.ok(setCookie);
    assert.match(setCookie, /HttpOnly/i);
    assert.match(setCookie, /SameSite=Lax/i);
    assert.match(setCookie, /Path=\//);
    assert.doesNotMatch(setCookie, /Secure/i, 'not Secure outside production');

    const home = await b.get(`${BASE}/mon-espace`);
    assert.equal(home.statusCode, 200);
    assert.match(home.body, /<h1>Mon espace<\/h1>/);
    assert.equal(home.headers['cache-control'], 'no-store');
    assert.match(home.body, /href="\/t\/villebelle\/mon-espace\/donnees"/);
    for (const path of ['demandes', 'messages', 'preferences', 'sessions']) {
      const page = await b.get(`${BASE}/mon-espace/${path}`);
      assert.equal(page.statusCode, 200, path);
      assert.equal((page.body.match(/<h1>/g) ?? []).length, 1, `one h1 on ${path}`);
    }
    // The header of any citizen page offers the space instead of the login.
    const portal = await b.get(`${BASE}/demarches`);
    assert.match(portal.body, /href="\/t\/villebelle\/mon-espace">Mon espace<\/a>/);
    // Also on a démarche page, which is kept rendered for visitors who are not signed in.
    await ctx.app.inject({ method: 'GET', url: `${BASE}/demarches/carte-identite` });
    const demarche = await b.get(`${BASE}/demarches/carte-identite`);
    assert.match(demarche.body, /href="\/t\/villebelle\/mon-espace">Mon espace<\/a>/);
    assert.doesNotMatch(demarche.body, /Se connecter/);

    const prefs = await b.submit(`${BASE}/mon-espace/preferences`, `${BASE}/mon-espace/preferences`, {
      channel: 'sms',
      language: 'fr',
      needs: ['gros_caracteres', 'aide_remplir'],
      needsText: 'Je lis mal les petits caractères.',
    });
    assert.equal(prefs.statusCode, 303);
    const saved = await ctx.database.ownerQuery(`select preferences from citizens where email = $1`, [email]);
    assert.deepEqual(saved.rows[0]!.preferences, {
      channel: 'sms',
      language: 'fr',
      needs: ['gros_caracteres', 'aide_remplir'],
      needsText: 'Je lis mal les petits caractères.',
    });
    const prefsPage = await b.get(`${BASE}/mon-espace/preferences`);
    assert.match(prefsPage.body, /id="channel-sms"[^>]*checked/);
    const badPrefs = await b.submit(`${BASE}/mon-espace/preferences`, `${BASE}/mon-espace/preferences`, {
      channel: 'pigeon',
      language: 'fr',
      needsText: 'gardé',
    });
    assert.equal(badPrefs.statusCode, 400);
    assert.match(badPrefs.body, /error-summary/);
    assert.match(badPrefs.body, />gardé<\/textarea>/);

    const out = await b.submit(`${BASE}/mon-espace`, `${BASE}/deconnexion`, {});
    assert.equal(out.statusCode, 303);
    assert.equal(b.cookies.guichet_citoyen, undefined);
    const sessions = await ctx.database.ownerQuery(
      `select count(*)::int as n from citizen_sessions s join citizens c on c.id = s.citizen_id where c.email = $1`,
      [email],
    );
    assert.equal(sessions.rows[0]!.n, 0);
    const anon = await b.get(`${BASE}/mon-espace/demandes`);
    assert.equal(anon.statusCode, 303);
    assert.equal(anon.headers.location, `${BASE}/connexion?retour=${encodeURIComponent('/mon-espace/demandes')}`);
  });

  test('registration answers the same for a new and an existing address', async () => {
    const existing = 'deja.inscrit@example.org';
    await createCitizen(existing);
    const answers = [];
    for (const email of [existing, 'jamais.vu@example.org']) {
      const b = browser();
      const res = await b.submit(`${BASE}/inscription`, `${BASE}/inscription`, {
        email,
        password: PASSWORD,
        confirmation: PASSWORD,
      });
      const next = await b.get(String(res.headers.location));
      answers.push({ status: res.statusCode, location: res.headers.location, page: stable(next.body) });
    }
    assert.deepEqual(answers[0], answers[1]);
    const toExisting = await mailsTo(existing);
    assert.equal(toExisting.length, 1);
    assert.match(toExisting[0]!.subject, /Tentative de création de compte/);
    assert.match(toExisting[0]!.text_body, /mot-de-passe-oublie/);
    const toNew = await mailsTo('jamais.vu@example.org');
    assert.match(toNew[0]!.text_body, /inscription\/confirmer\?jeton=/);
    const count = await ctx.database.ownerQuery(`select count(*)::int as n from citizens where email = $1`, [existing]);
    assert.equal(count.rows[0]!.n, 1);
  });

  test('weak passwords, mismatches and unusual addresses are refused with the typed address kept', async () => {
    const b = browser();
    const res = await b.submit(`${BASE}/inscription`, `${BASE}/inscription`, {
      email: 'court@example.org',
      password: 'court',
      confirmation: 'autre',
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /error-summary/);
    assert.match(res.body, /au moins 12 caractères/);
    assert.match(res.body, /pas identiques/);
    assert.match(res.body, /value="court@example.org"/);
    const common = await b.submit(`${BASE}/inscription`, `${BASE}/inscription`, {
      email: 'commun@example.org',
      password: 'azertyuiop123',
      confirmation: 'azertyuiop123',
    });
    assert.equal(common.statusCode, 400);
    assert.match(common.body, /trop courant/);
    // A Cyrillic "а" in an otherwise Latin address: two accounts could look identical.
    for (const email of ['p\u0430ul@example.org', 'paul\u200b@example.org', 'paul@exämple.org']) {
      const homoglyph = await b.submit(`${BASE}/inscription`, `${BASE}/inscription`, {
        email,
        password: PASSWORD,
        confirmation: PASSWORD,
      });
      assert.equal(homoglyph.statusCode, 400, email);
      assert.match(homoglyph.body, /caractères spéciaux ou accentués/);
    }
    const none = await ctx.database.ownerQuery(`select count(*)::int as n from citizens where email like 'p%ul%'`);
    assert.equal(none.rows[0]!.n, 0);
  });

  test('login fails the same way for an unknown address and a wrong password', async () => {
    await createCitizen('connu@example.org');
    const unknown = await login(browser(), 'inconnu@example.org', PASSWORD);
    const wrong = await login(browser(), 'connu@example.org', 'mauvais mot de passe 1');
    assert.equal(unknown.statusCode, 401);
    assert.equal(wrong.statusCode, 401);
    assert.match(unknown.body, /Adresse électronique ou mot de passe incorrect\./);
    assert.equal(
      stable(unknown.body).replace('inconnu@example.org', 'X'),
      stable(wrong.body).replace('connu@example.org', 'X'),
    );
    // Injection payloads in every field: a refusal, no session, escaped when shown back.
    for (const payload of ["' or 1=1 --", '<script>alert(1)</script>', 'a'.repeat(5000)]) {
      const res = await login(browser(), payload, payload);
      assert.equal(res.statusCode, 401);
      assert.equal(cookiesFrom(res.headers['set-cookie']).guichet_citoyen, undefined);
      assert.doesNotMatch(res.body, /<script>alert/);
    }
  });

  test('session id rotates at login and a planted cookie is worth nothing', async () => {
    await createCitizen('rotation@example.org');
    const b = browser();
    await login(b, 'rotation@example.org');
    const first = b.cookies.guichet_citoyen!;
    // Signed in, the login page sends to the space: the form is posted again from the space's page.
    const space = await b.get(`${BASE}/mon-espace`);
    await b.post(`${BASE}/connexion`, { email: 'rotation@example.org', password: PASSWORD }, csrfFrom(space.body));
    const second = b.cookies.guichet_citoyen!;
    assert.notEqual(first, second);
    const other = browser();
    other.cookies.guichet_citoyen = first;
    const res = await other.get(`${BASE}/mon-espace`);
    assert.equal(res.statusCode, 303, 'the session before the new login is closed');
  });

  test('password reset: same answer for every address, single-use link, other sessions closed', async () => {
    const email = 'oubli@example.org';
    await createCitizen(email);
    const phone = browser();
    await login(phone, email);
    assert.equal((await phone.get(`${BASE}/mon-espace`)).statusCode, 200);

    const answers = [];
    for (const address of [email, 'personne@example.org']) {
      const b = browser();
      const res = await b.submit(`${BASE}/mot-de-passe-oublie`, `${BASE}/mot-de-passe-oublie`, { email: address });
      const next = await b.get(String(res.headers.location));
      answers.push({ status: res.statusCode, location: res.headers.location, page: stable(next.body) });
    }
    assert.deepEqual(answers[0], answers[1]);
    assert.equal((await mailsTo('personne@example.org')).length, 0);

    const link = await lastLink(email, '/mot-de-passe/nouveau');
    const b = browser();
    const weak = await b.submit(link, `${BASE}/mot-de-passe/nouveau`, {
      jeton: link.split('jeton=')[1]!,
      password: 'court',
      confirmation: 'court',
    });
    assert.equal(weak.statusCode, 400, 'a refused password does not use the link');
    const newPassword = 'nouvelle phrase secrète 2026';
    const done = await b.submit(link, `${BASE}/mot-de-passe/nouveau`, {
      jeton: link.split('jeton=')[1]!,
      password: newPassword,
      confirmation: newPassword,
    });
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, `${BASE}/connexion?mot-de-passe=1`);
    assert.equal((await phone.get(`${BASE}/mon-espace`)).statusCode, 303, 'the other device is signed out');
    const reused = await b.get(link);
    assert.equal(reused.statusCode, 400);
    assert.match(reused.body, /Ce lien ne fonctionne plus/);
    assert.equal((await login(browser(), email, PASSWORD)).statusCode, 401);
    assert.equal((await login(browser(), email, newPassword)).statusCode, 303);
  });

  test('links expire: verification after 24 h, reset after 1 h', async () => {
    const b = browser();
    await b.submit(`${BASE}/inscription`, `${BASE}/inscription`, {
      email: 'lent@example.org',
      password: PASSWORD,
      confirmation: PASSWORD,
    });
    const verify = await lastLink('lent@example.org', '/inscription/confirmer');
    await createCitizen('lent-reset@example.org');
    await b.submit(`${BASE}/mot-de-passe-oublie`, `${BASE}/mot-de-passe-oublie`, { email: 'lent-reset@example.org' });
    const reset = await lastLink('lent-reset@example.org', '/mot-de-passe/nouveau');
    clock.offset = 61 * 60 * 1000;
    try {
      assert.equal((await b.get(reset)).statusCode, 400);
      clock.offset = 24 * 60 * 60 * 1000 + 1000;
      const late = await b.get(verify);
      assert.equal(late.statusCode, 400);
      const row = await ctx.database.ownerQuery(
        `select email_verified_at from citizens where email = 'lent@example.org'`,
      );
      assert.equal(row.rows[0]!.email_verified_at, null);
    } finally {
      clock.offset = 0;
    }
  });

  test('an idle session is refused', async () => {
    await createCitizen('inactif@example.org');
    const b = browser();
    await login(b, 'inactif@example.org');
    assert.equal((await b.get(`${BASE}/mon-espace`)).statusCode, 200);
    clock.offset = CITIZEN_SESSION_IDLE_MS + 1000;
    try {
      assert.equal((await b.get(`${BASE}/mon-espace`)).statusCode, 303);
    } finally {
      clock.offset = 0;
    }
  });

  test('a session is revoked from the sessions page', async () => {
    await createCitizen('deux.appareils@example.org');
    const laptop = browser();
    const phone = browser();
    await login(laptop, 'deux.appareils@example.org');
    await login(phone, 'deux.appareils@example.org');
    const page = await laptop.get(`${BASE}/mon-espace/sessions`);
    assert.match(page.body, /Firefox sur Linux/);
    assert.match(page.body, /Cet appareil/);
    assert.match(page.body, new RegExp(phone.ip.replace(/\./g, '\\.')));
    const ids = [...page.body.matchAll(/name="session" value="([0-9a-f]{64})"/g)].map((m) => m[1]!);
    assert.equal(ids.length, 2);
    const before = await phone.get(`${BASE}/mon-espace`);
    assert.equal(before.statusCode, 200);
    // The phone's session is the one not marked "Cet appareil" on the laptop's page.
    const marked = (id: string) => {
      const idx = page.body.indexOf(`value="${id}"`);
      return page.body.slice(page.body.lastIndexOf('<li>', idx), idx).includes('Cet appareil');
    };
    assert.equal(ids.filter(marked).length, 1);
    const otherId = ids.find((id) => !marked(id))!;
    const res = await laptop.post(`${BASE}/mon-espace/sessions/revoquer`, { session: otherId }, csrfFrom(page.body));
    assert.equal(res.statusCode, 303);
    assert.equal((await phone.get(`${BASE}/mon-espace`)).statusCode, 303, 'the revoked session is refused');
    assert.equal((await laptop.get(`${BASE}/mon-espace`)).statusCode, 200);
  });

  test("pre-registering someone's address collects neither the account nor their requests", async () => {
    const victim = 'victime@example.org';
    const filed = await fileAnonymously(victim, 'Ma boîte aux lettres a été arrachée.');
    await insertDocument(ctx.database, ctx.tenantId, filed.id, {
      filename: 'photo-boite.png',
      mimeType: 'image/png',
      content: Buffer.from('not really a png'),
    });
    // The attacker registers the victim's address with a password of their own.
    const attacker = browser();
    const attackerPassword = 'pirate cerise volcan 88';
    await register(attacker, victim, attackerPassword);
    // The victim receives the genuine mail and clicks the link in her own browser.
    const link = await lastLink(victim, '/inscription/confirmer');
    const victimBrowser = browser();
    const opened = await victimBrowser.get(link);
    assert.equal(opened.statusCode, 200);
    assert.match(opened.body, /<h1>Confirmer votre adresse électronique<\/h1>/);
    assert.match(opened.body, /Vous n'avez pas créé ce compte/);
    assert.equal(await verifiedAt(victim), null, 'a click from another browser confirms nothing');
    // She does not know the attacker's password.
    const guess = await victimBrowser.post(
      `${BASE}/inscription/confirmer`,
      { jeton: link.split('jeton=')[1]!, password: PASSWORD },
      csrfFrom(opened.body),
    );
    assert.equal(guess.statusCode, 401);
    assert.match(guess.body, /error-summary/);
    assert.match(guess.body, /aria-invalid="true"/);
    assert.equal(await verifiedAt(victim), null);
    // The attacker cannot sign in, and nothing of the victim's is attached to the account.
    const attempt = await login(attacker, victim, attackerPassword);
    assert.equal(attempt.statusCode, 403);
    assert.equal(attacker.cookies.guichet_citoyen, undefined);
    assert.equal(await citizenOf(filed.id), null);
    assert.equal((await attacker.get(`${BASE}/mon-espace/demandes`)).statusCode, 303);

    // The owner of the mailbox takes the account back with a password reset.
    const owner = 'boite aux lettres 2026';
    await victimBrowser.submit(`${BASE}/mot-de-passe-oublie`, `${BASE}/mot-de-passe-oublie`, { email: victim });
    const reset = await lastLink(victim, '/mot-de-passe/nouveau');
    const done = await victimBrowser.submit(reset, `${BASE}/mot-de-passe/nouveau`, {
      jeton: reset.split('jeton=')[1]!,
      password: owner,
      confirmation: owner,
    });
    assert.equal(done.statusCode, 303);
    assert.notEqual(await verifiedAt(victim), null);
    assert.equal((await login(browser(), victim, attackerPassword)).statusCode, 401, "the attacker's password is gone");
    // The reset voided the confirmation links, even in the browser that registered.
    const pending = await ctx.database.ownerQuery(
      `select count(*)::int as n from citizen_tokens t join citizens c on c.id = t.citizen_id
       where c.email = $1 and t.used_at is null`,
      [victim],
    );
    assert.equal(pending.rows[0]!.n, 0);
    const late = await attacker.get(link);
    assert.equal(late.statusCode, 200);
    assert.match(late.body, /déjà confirmée/);
    // Signed in, the victim's space is empty until she attaches her request with its code.
    await login(victimBrowser, victim, owner);
    const list = await victimBrowser.get(`${BASE}/mon-espace/demandes`);
    assert.doesNotMatch(list.body, new RegExp(filed.reference));
    assert.equal(await citizenOf(filed.id), null);
  });

  test('a confirmation link opened in another browser confirms with the password', async () => {
    const email = 'deux.navigateurs@example.org';
    await register(browser(), email);
    const link = await lastLink(email, '/inscription/confirmer');
    const phone = browser();
    const page = await phone.get(link);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<label for="password">Mot de passe du compte<\/label>/);
    const wrong = await phone.post(
      `${BASE}/inscription/confirmer`,
      { jeton: link.split('jeton=')[1]!, password: 'pas le bon mot de passe' },
      csrfFrom(page.body),
    );
    assert.equal(wrong.statusCode, 401);
    assert.match(wrong.body, /Ce mot de passe n’est pas celui du compte\./);
    assert.match(wrong.body, /<title>Erreur – /);
    assert.equal(await verifiedAt(email), null);
    // Without its CSRF token the form is refused.
    const forged = await phone.post(
      `${BASE}/inscription/confirmer`,
      { jeton: link.split('jeton=')[1]!, password: PASSWORD },
      'x',
    );
    assert.equal(forged.statusCode, 403);
    assert.equal(await verifiedAt(email), null);
    const right = await phone.post(
      `${BASE}/inscription/confirmer`,
      { jeton: link.split('jeton=')[1]!, password: PASSWORD },
      csrfFrom(wrong.body),
    );
    assert.equal(right.statusCode, 303);
    assert.equal(right.headers.location, `${BASE}/connexion?confirme=1`);
    assert.notEqual(await verifiedAt(email), null);
    const again = await phone.get(link);
    assert.match(again.body, /déjà confirmée/);
    // A made-up token gets the invalid-link page, with or without a password.
    const bogus = await phone.post(
      `${BASE}/inscription/confirmer`,
      { jeton: 'x'.repeat(43), password: PASSWORD },
      csrfFrom(page.body),
    );
    assert.equal(bogus.statusCode, 400);
    assert.match(bogus.body, /Ce lien ne fonctionne plus/);
  });

  test('a verified account does not collect the requests filed with its address', async () => {
    const email = 'meme.adresse@example.org';
    const filed = await fileAnonymously(email);
    await createCitizen(email);
    const b = browser();
    assert.equal((await login(b, email)).statusCode, 303);
    const list = await b.get(`${BASE}/mon-espace/demandes`);
    assert.doesNotMatch(list.body, new RegExp(filed.reference));
    assert.match(list.body, /Rattacher une demande à mon espace/);
    assert.equal(await citizenOf(filed.id), null);
    assert.equal((await b.get(`${BASE}/mon-espace/demandes/${filed.reference}`)).statusCode, 404);
  });

  test('a request filed without an account is attached with its reference and tracking code', async () => {
    const filed = await fileAnonymously('sans.compte@example.org');
    await ctx.database.ownerQuery(
      `insert into request_events (tenant_id, request_id, kind, status_from, status_to, body, author_kind, visible_to_citizen)
       values ($1, $2, 'status_changed', 'recue', 'en_cours', 'Nous passons voir demain.', 'agent', true),
              ($1, $2, 'internal_note', null, null, 'Note interne secrète', 'agent', false)`,
      [ctx.tenantId, filed.id],
    );
    // Another address than the one on the request: the code is the proof, not the address.
    const citizenId = await createCitizen('rattache@example.org');
    const b = browser();
    await login(b, 'rattache@example.org');
    const form = await b.get(`${BASE}/mon-espace/demandes/rattacher`);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /<label for="reference">Numéro de la demande<\/label>/);
    assert.match(form.body, /<label for="cle">Code de suivi<\/label>/);

    const empty = await attach(b, { reference: '', cle: '' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /error-summary/);
    assert.match(empty.body, /Indiquez le numéro de la demande\./);

    // A wrong code and an unknown reference: the same answer, with what was typed kept.
    const wrongCode = await attach(b, { reference: filed.reference, cle: 'ABCD-EFGH-JKLM' });
    const unknown = await attach(b, { reference: 'VB-2026-ZZZZZ', cle: 'ABCD-EFGH-JKLM' });
    assert.equal(wrongCode.statusCode, 404);
    assert.equal(unknown.statusCode, 404);
    assert.ok(
      wrongCode.body.includes(NOT_FOUND_MESSAGE.replace(/'/g, '&#39;')) || wrongCode.body.includes(NOT_FOUND_MESSAGE),
    );
    assert.match(wrongCode.body, new RegExp(`value="${filed.reference}"`));
    assert.equal(
      stable(wrongCode.body).replace(filed.reference, 'X'),
      stable(unknown.body).replace('VB-2026-ZZZZZ', 'X'),
    );
    assert.equal(await citizenOf(filed.id), null);

    // Typed loosely (lower case, spaces), as a person copies it from a mail.
    const done = await attach(b, { reference: ` ${filed.reference.toLowerCase()} `, cle: filed.code });
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, `${BASE}/mon-espace/demandes?rattachee=${filed.reference}`);
    assert.equal(await citizenOf(filed.id), citizenId);
    const list = await b.get(String(done.headers.location));
    assert.match(list.body, new RegExp(`La demande ${filed.reference} est dans votre espace\\.`));
    assert.match(list.body, new RegExp(`href="${BASE}/mon-espace/demandes/${filed.reference}"`));
    const detail = await b.get(`${BASE}/mon-espace/demandes/${filed.reference}`);
    assert.equal(detail.statusCode, 200);
    assert.match(detail.body, /Nous passons voir demain\./);
    assert.doesNotMatch(detail.body, /Note interne secrète/);
    const messages = await b.get(`${BASE}/mon-espace/messages`);
    assert.match(messages.body, /Nous passons voir demain\./);
    assert.doesNotMatch(messages.body, /Note interne secrète/);
    const log = await ctx.database.ownerQuery(
      `select actor_kind, actor_id, citizen_id, request_reference from personal_data_access_log
       where action = 'link_request' and request_id = $1`,
      [filed.id],
    );
    assert.deepEqual(log.rows, [
      { actor_kind: 'citizen', actor_id: citizenId, citizen_id: citizenId, request_reference: filed.reference },
    ]);
    // Again by the same citizen: nothing changes; by someone else with the code: refused.
    assert.equal((await attach(b, { reference: filed.reference, cle: filed.code })).statusCode, 303);
    await createCitizen('autre.compte@example.org');
    const other = browser();
    await login(other, 'autre.compte@example.org');
    const taken = await attach(other, { reference: filed.reference, cle: filed.code });
    assert.equal(taken.statusCode, 409);
    assert.match(taken.body, /déjà rattachée à un autre compte/);
    assert.equal(await citizenOf(filed.id), citizenId);
    // Signed out, the page sends to the login.
    const anon = await browser().get(`${BASE}/mon-espace/demandes/rattacher`);
    assert.equal(anon.statusCode, 303);
  });

  test('forms answer 400 with the summary and what was typed; refusals write nothing', async () => {
    // Login: empty fields are asked for, no session opens.
    const empty = await login(browser(), '  ', '');
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /<title>Erreur – /);
    assert.match(empty.body, /href="#email">Indiquez votre adresse électronique\./);
    assert.match(empty.body, /href="#password">Indiquez votre mot de passe\./);
    assert.equal(cookiesFrom(empty.headers['set-cookie']).guichet_citoyen, undefined);

    // Registration refused by the password policy: no account, no registration cookie, no mail.
    const b = browser();
    const weak = await b.submit(`${BASE}/inscription`, `${BASE}/inscription`, {
      email: 'Refus.Politique@Example.org',
      password: 'refuspolitique',
      confirmation: 'refuspolitique',
    });
    assert.equal(weak.statusCode, 400);
    assert.match(weak.body, /votre adresse électronique ou votre nom/);
    assert.match(weak.body, /value="Refus.Politique@Example.org"/);
    assert.doesNotMatch(weak.body, /value="refuspolitique"/);
    assert.equal(b.cookies[REGISTRATION_COOKIE], undefined);
    const accounts = await ctx.database.ownerQuery(
      `select count(*)::int as n from citizens where email = 'refus.politique@example.org'`,
    );
    assert.equal(accounts.rows[0]!.n, 0);
    assert.equal((await mailsTo('refus.politique@example.org')).length, 0);

    // A reset link with a refused password: the link still works afterwards.
    await createCitizen('reset.refus@example.org');
    await b.submit(`${BASE}/mot-de-passe-oublie`, `${BASE}/mot-de-passe-oublie`, { email: 'reset.refus@example.org' });
    const link = await lastLink('reset.refus@example.org', '/mot-de-passe/nouveau');
    const mismatch = await b.submit(link, `${BASE}/mot-de-passe/nouveau`, {
      jeton: link.split('jeton=')[1]!,
      password: PASSWORD,
      confirmation: `${PASSWORD} !`,
    });
    assert.equal(mismatch.statusCode, 400);
    assert.match(mismatch.body, /href="#confirmation">Les deux mots de passe ne sont pas identiques\./);
    const used = await ctx.database.ownerQuery(
      `select count(*)::int as n from citizen_tokens t join citizens c on c.id = t.citizen_id
       where c.email = 'reset.refus@example.org' and t.purpose = 'reset_password' and t.used_at is null`,
    );
    assert.equal(used.rows[0]!.n, 1);

    // Preferences: the summary leads to the first radio of the group; nothing is saved.
    await createCitizen('prefs.refus@example.org');
    const c = browser();
    await login(c, 'prefs.refus@example.org');
    const prefs = await c.submit(`${BASE}/mon-espace/preferences`, `${BASE}/mon-espace/preferences`, {
      channel: 'pigeon',
      language: 'fr',
      needs: ['gros_caracteres', 'telepathie'],
      needsText: 'x'.repeat(1001),
    });
    assert.equal(prefs.statusCode, 400);
    assert.match(prefs.body, /href="#channel-email">Choisissez comment être contacté\./);
    assert.match(prefs.body, /href="#need-gros_caracteres">Un des besoins cochés est inconnu\./);
    assert.match(prefs.body, /id="need-gros_caracteres"[^>]*checked/);
    assert.match(prefs.body, /aria-invalid="true"\s*>x{1001}<\/textarea>/);
    const stored = await ctx.database.ownerQuery(
      `select preferences from citizens where email = 'prefs.refus@example.org'`,
    );
    assert.deepEqual(stored.rows[0]!.preferences, {});

    // Revoking a connection that cannot exist: a French 400 page.
    const revoke = await c.submit(`${BASE}/mon-espace/sessions`, `${BASE}/mon-espace/sessions/revoquer`, {
      session: 'pas-une-session',
    });
    assert.equal(revoke.statusCode, 400);
    assert.match(revoke.body, /Cette connexion n’existe pas ou est déjà fermée\./);
  });

  test('names are shown escaped', async () => {
    await createCitizen('html@example.org', { givenName: '<img src=x onerror=alert(1)>' });
    const b = browser();
    await login(b, 'html@example.org');
    const home = await b.get(`${BASE}/mon-espace`);
    assert.match(home.body, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.doesNotMatch(home.body, /<img src=x/);
  });

  test("a session cookie of one tenant is not accepted on another tenant's host", async () => {
    await createTenant(ctx.database.ownerQuery, {
      name: 'Autreville',
      slug: 'autreville',
      hosts: ['autreville.localhost'],
    });
    await createCitizen('voyageur@example.org');
    const a = browser();
    await login(a, 'voyageur@example.org');
    const b = browser({ host: 'autreville.localhost' });
    b.cookies.guichet_citoyen = a.cookies.guichet_citoyen!;
    const res = await b.get('/mon-espace');
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `/connexion?retour=${encodeURIComponent('/mon-espace')}`);
    // Malformed and oversized cookies get the same refusal.
    for (const bad of ['x', 'a'.repeat(4000), '%00%00', "' or 1=1"]) {
      const c = browser();
      c.cookies.guichet_citoyen = bad;
      assert.equal((await c.get(`${BASE}/mon-espace`)).statusCode, 303);
    }
  });

  test('after login the citizen goes back to the page asked for, never to another site', async () => {
    await createCitizen('retour@example.org');
    for (const [retour, expected] of [
      ['/mon-espace/messages', `${BASE}/mon-espace/messages`],
      ['//evil.example/x', `${BASE}/mon-espace`],
      ['https://evil.example', `${BASE}/mon-espace`],
      ['/agent/demandes', `${BASE}/mon-espace`],
    ] as const) {
      const b = browser();
      const res = await b.submit(`${BASE}/connexion?retour=${encodeURIComponent(retour)}`, `${BASE}/connexion`, {
        email: 'retour@example.org',
        password: PASSWORD,
        retour,
      });
      assert.equal(res.headers.location, expected, retour);
    }
  });

  test('login is rate-limited per address with a 429 page and Retry-After', async () => {
    const b = browser();
    const page = await b.get(`${BASE}/connexion`);
    const csrf = csrfFrom(page.body);
    let last: LightMyRequestResponse | undefined;
    for (let i = 0; i < 11; i++) {
      last = await b.post(`${BASE}/connexion`, { email: 'x@example.org', password: 'y' }, csrf);
    }
    assert.equal(last!.statusCode, 429);
    assert.ok(Number(last!.headers['retry-after']) > 0);
    assert.match(last!.body, /Trop de tentatives/);
    // Another address is not affected.
    assert.equal((await login(browser(), 'x@example.org', 'y')).statusCode, 401);
  });
});
