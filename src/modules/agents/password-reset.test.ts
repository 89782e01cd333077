import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mailHtmlText, mailPlainText } from '../../../test/support/pages.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { cookiesFrom, insertAgent, loginAgent } from '../../../test/support/factories.ts';
import { openForm, postForm } from '../../../test/support/http.ts';

const BASE = '/t/villebelle';
const OLD = 'lavande-moulin-piano-27';
const NEW = 'girafe-escalier-prune-84';

describe(`agent password reset (${TEST_DB})`, () => {
  let ctx: TestContext;
  let address = 0;

  /** Each POST from its own client address: the reset forms spend the login budget. */
  function remote() {
    address += 1;
    return `10.77.0.${address}`;
  }

  async function askReset(email: string) {
    const form = await openForm(ctx.app, `${BASE}/agent/mot-de-passe-oublie`);
    const res = await ctx.app.inject({
      method: 'POST',
      url: `${BASE}/agent/mot-de-passe-oublie`,
      remoteAddress: remote(),
      headers: { cookie: form.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: form.csrf, email }).toString(),
    });
    await ctx.services.mail.flush();
    return res;
  }

  async function mailsTo(email: string) {
    const r = await ctx.database.ownerQuery(
      `select subject, text_body, html_body from mail_outbox where to_address = $1 order by created_at, id`,
      [email],
    );
    // Every mail has both parts, saying the same.
    for (const m of r.rows) assert.equal(mailHtmlText(String(m.html_body)), mailPlainText(String(m.text_body)));
    return r.rows as { subject: string; text_body: string }[];
  }

  async function lastToken(email: string): Promise<string> {
    const mails = await mailsTo(email);
    const token = /\/agent\/mot-de-passe\/nouveau\?jeton=([\w-]{43})/.exec(mails.at(-1)?.text_body ?? '')?.[1];
    if (!token) throw new Error(`no reset link mailed to ${email}`);
    return token;
  }

  async function choose(token: string, password: string, confirmation = password) {
    // The link's page spends the login budget too: page and post from one fresh address.
    const from = remote();
    const page = await ctx.app.inject({
      url: `${BASE}/agent/mot-de-passe/nouveau?jeton=${token}`,
      remoteAddress: from,
    });
    assert.equal(page.statusCode, 200);
    const form = {
      cookie: String([page.headers['set-cookie']].flat()[0] ?? '').split(';')[0]!,
      csrf: /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!,
    };
    return ctx.app.inject({
      method: 'POST',
      url: `${BASE}/agent/mot-de-passe/nouveau`,
      remoteAddress: from,
      headers: { cookie: form.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: form.csrf, jeton: token, password, confirmation }).toString(),
    });
  }

  async function passwordLogin(email: string, password: string) {
    const form = await openForm(ctx.app, `${BASE}/agent/connexion`);
    return postForm(ctx.app, `${BASE}/agent/connexion`, form, { email, password }, [], {});
  }

  async function sessionCount(email: string): Promise<number> {
    const r = await ctx.database.ownerQuery(
      `select count(*)::int as n from agent_sessions s join agents a on a.id = s.agent_id where a.email = $1`,
      [email],
    );
    return Number(r.rows[0]!.n);
  }

  before(async () => {
    ctx = await createTestContext();
    for (const [email, active] of [
      ['reset.un@villebelle.example', true],
      ['reset.deux@villebelle.example', true],
      ['reset.trois@villebelle.example', true],
      ['reset.inactif@villebelle.example', false],
    ] as const) {
      await insertAgent(ctx.database, ctx.tenantId, { email, password: OLD, serviceSlugs: ['etat-civil'], active });
    }
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'reset.admin@villebelle.example',
      password: OLD,
      role: 'admin',
    });
  });
  after(async () => {
    await ctx?.close();
  });

  test('the login page links to the reset form, and both POST routes are rate-limited like the login', async () => {
    const page = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/connexion` });
    assert.match(page.body, /href="\/t\/villebelle\/agent\/mot-de-passe-oublie">Mot de passe oublié \?<\/a>/);
  });

  test('known, unknown and deactivated addresses get the same answer; only the active account gets mail', async () => {
    const answers = [];
    for (const email of [
      'reset.un@villebelle.example',
      'personne@villebelle.example',
      'reset.inactif@villebelle.example',
    ]) {
      const res = await askReset(email);
      answers.push({ status: res.statusCode, location: res.headers.location, body: res.body });
    }
    assert.equal(answers[0]!.status, 303);
    assert.equal(answers[0]!.location, `${BASE}/agent/mot-de-passe-oublie?envoye=1`);
    assert.deepEqual(answers[1], answers[0]);
    assert.deepEqual(answers[2], answers[0]);
    const page = await ctx.app.inject({ method: 'GET', url: String(answers[0]!.location) });
    assert.match(page.body, /Si un compte agent actif correspond à cette adresse/);
    assert.equal((await mailsTo('reset.un@villebelle.example')).length, 1);
    assert.equal((await mailsTo('personne@villebelle.example')).length, 0);
    assert.equal((await mailsTo('reset.inactif@villebelle.example')).length, 0);
    // Only the hash of the link is stored, valid one hour.
    const token = await lastToken('reset.un@villebelle.example');
    const stored = await ctx.database.ownerQuery(
      `select token_hash, extract(epoch from expires_at - created_at)::int as seconds from agent_invitations
        where purpose = 'password_reset' and used_at is null`,
    );
    assert.equal(stored.rows.length, 1);
    assert.notEqual(stored.rows[0]!.token_hash, token);
    assert.ok(Math.abs(Number(stored.rows[0]!.seconds) - 3600) <= 5);
  });

  test('an empty address is refused with an error summary', async () => {
    const res = await askReset('');
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Indiquez l’adresse électronique de votre compte agent/);
    assert.match(res.body, /<title>Erreur – Mot de passe oublié – /);
  });

  test('the password policy applies, then the link works once and closes every session', async () => {
    const email = 'reset.un@villebelle.example';
    await loginAgent(ctx.app, email, OLD);
    await loginAgent(ctx.app, email, OLD);
    assert.equal(await sessionCount(email), 2);
    const token = await lastToken(email);

    const short = await choose(token, 'court');
    assert.equal(short.statusCode, 400);
    assert.match(short.body, /class="error-summary"/);
    assert.match(short.body, /id="password-error"/);
    const common = await choose(token, 'motdepasse123');
    assert.equal(common.statusCode, 400);
    const mismatch = await choose(token, NEW, `${NEW}x`);
    assert.equal(mismatch.statusCode, 400);
    assert.match(mismatch.body, /Les deux mots de passe ne sont pas identiques/);
    assert.equal(await sessionCount(email), 2, 'refusals change nothing');

    const done = await choose(token, NEW);
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, `${BASE}/agent/connexion?mot-de-passe=1`);
    assert.equal(await sessionCount(email), 0);

    // Single use: the page and the form refuse the spent link.
    const again = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/mot-de-passe/nouveau?jeton=${token}` });
    assert.equal(again.statusCode, 404);
    assert.match(again.body, /a déjà servi ou a expiré/);
    assert.equal((await passwordLogin(email, OLD)).statusCode, 401);
    assert.equal((await passwordLogin(email, NEW)).statusCode, 303);
  });

  test('an expired link is refused', async () => {
    const email = 'reset.deux@villebelle.example';
    await askReset(email);
    const token = await lastToken(email);
    await ctx.database.ownerQuery(
      `update agent_invitations set expires_at = now() - interval '1 second', created_at = now() - interval '61 minutes'
        where purpose = 'password_reset' and used_at is null
          and agent_id = (select id from agents where email = $1)`,
      [email],
    );
    const page = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/mot-de-passe/nouveau?jeton=${token}` });
    assert.equal(page.statusCode, 404);
    const form = await openForm(ctx.app, `${BASE}/agent/mot-de-passe-oublie`);
    const post = await postForm(ctx.app, `${BASE}/agent/mot-de-passe/nouveau`, form, {
      jeton: token,
      password: NEW,
      confirmation: NEW,
    });
    assert.equal(post.statusCode, 404);
    assert.equal((await passwordLogin(email, NEW)).statusCode, 401);
  });

  test('an agent deactivated after asking cannot use the link', async () => {
    const email = 'reset.trois@villebelle.example';
    await askReset(email);
    const token = await lastToken(email);
    await ctx.database.ownerQuery(`update agents set active = false where email = $1`, [email]);
    const page = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/mot-de-passe/nouveau?jeton=${token}` });
    assert.equal(page.statusCode, 404);
    const form = await openForm(ctx.app, `${BASE}/agent/mot-de-passe-oublie`);
    const post = await postForm(ctx.app, `${BASE}/agent/mot-de-passe/nouveau`, form, {
      jeton: token,
      password: NEW,
      confirmation: NEW,
    });
    assert.equal(post.statusCode, 404);
    await ctx.database.ownerQuery(`update agents set active = true where email = $1`, [email]);
    assert.equal((await passwordLogin(email, NEW)).statusCode, 401, 'the password did not change');
  });

  test('a new link replaces the previous one', async () => {
    const email = 'reset.trois@villebelle.example';
    const first = await lastToken(email);
    await askReset(email);
    const second = await lastToken(email);
    assert.notEqual(first, second);
    const old = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/mot-de-passe/nouveau?jeton=${first}` });
    assert.equal(old.statusCode, 404);
    const fresh = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/mot-de-passe/nouveau?jeton=${second}` });
    assert.equal(fresh.statusCode, 200);
    assert.match(fresh.body, /<h1>Choisir un nouveau mot de passe<\/h1>/);
  });

  test('a reset keeps the second factor: the next login still asks for the code', async () => {
    const email = 'reset.admin@villebelle.example';
    // loginAgent enrols the administrator in TOTP (mandatory for administrators).
    await loginAgent(ctx.app, email, OLD);
    await askReset(email);
    assert.equal((await choose(await lastToken(email), NEW)).statusCode, 303);
    const totp = await ctx.database.ownerQuery(`select totp_enabled_at from agents where email = $1`, [email]);
    assert.ok(totp.rows[0]!.totp_enabled_at);
    const login = await passwordLogin(email, NEW);
    assert.equal(login.statusCode, 303);
    assert.equal(login.headers.location, `${BASE}/agent/connexion/code?retour=%2Fagent%2Fdemandes`);
    const cookie = `${(await openForm(ctx.app, `${BASE}/agent/connexion`)).cookie}; guichet_agent=${cookiesFrom(login.headers['set-cookie']).guichet_agent}`;
    const list = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/demandes`, headers: { cookie } });
    assert.equal(list.statusCode, 303);
    assert.match(String(list.headers.location), /\/agent\/connexion\/code/);
  });

  test('an administrator sends the reset link from the agents page; not for a deactivated agent', async () => {
    const cookie = await loginAgent(ctx.app, 'reset.admin@villebelle.example', NEW);
    const page = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/admin/agents`, headers: { cookie } });
    const ids = await ctx.database.ownerQuery(
      `select email, id from agents where email in ('reset.deux@villebelle.example', 'reset.inactif@villebelle.example')`,
    );
    const id = (email: string) => String(ids.rows.find((r) => r.email === email)!.id);
    assert.match(
      page.body,
      new RegExp(`/agent/admin/agents/${id('reset.deux@villebelle.example')}/reinitialiser-mot-de-passe`),
    );
    assert.doesNotMatch(
      page.body,
      new RegExp(`/agent/admin/agents/${id('reset.inactif@villebelle.example')}/reinitialiser-mot-de-passe`),
    );
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const before = (await mailsTo('reset.deux@villebelle.example')).length;
    const sent = await postForm(
      ctx.app,
      `${BASE}/agent/admin/agents/${id('reset.deux@villebelle.example')}/reinitialiser-mot-de-passe`,
      { cookie, csrf },
      {},
    );
    assert.equal(sent.statusCode, 303);
    assert.equal(sent.headers.location, `${BASE}/agent/admin/agents?fait=mot-de-passe`);
    await ctx.services.mail.flush();
    const mails = await mailsTo('reset.deux@villebelle.example');
    assert.equal(mails.length, before + 1);
    assert.match(mails.at(-1)!.text_body, /Un administrateur de Villebelle vous invite/);
    const token = await lastToken('reset.deux@villebelle.example');
    assert.equal((await choose(token, NEW)).statusCode, 303);

    const refused = await postForm(
      ctx.app,
      `${BASE}/agent/admin/agents/${id('reset.inactif@villebelle.example')}/reinitialiser-mot-de-passe`,
      { cookie, csrf },
      {},
    );
    assert.equal(refused.statusCode, 403);
    assert.equal((await mailsTo('reset.inactif@villebelle.example')).length, 0);
  });
});
