import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mailHtmlText, mailPlainText } from '../../../test/support/pages.ts';
import { after, before, describe, test } from 'node:test';
import * as OTPAuth from 'otpauth';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { cookiesFrom, csrfFrom, insertAgent, loginAgent } from '../../../test/support/factories.ts';
import { decryptTotpSecret, secretOwner } from './totp.ts';

/** Whether a page shows this value, as typed or HTML-escaped. */
function echoes(body: string, value: string): boolean {
  const escaped = value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
  return body.includes(value) || body.includes(escaped);
}

const BASE = '/t/villebelle';
const PASSWORD = 'lavande-moulin-piano-27';
const FORM = 'application/x-www-form-urlencoded';

describe(`agent identity: invitations, deactivation, second factor (${TEST_DB})`, () => {
  let ctx: TestContext;
  let address = 0;
  let adminCookie = '';
  let adminId = '';

  function nextAddress(): string {
    address += 1;
    return `10.7.${Math.floor(address / 250)}.${(address % 250) + 1}`;
  }

  /** GETs a page with the cookie, then POSTs its form with the page's CSRF token. */
  async function submit(cookie: string, pageUrl: string, postUrl: string, fields: Record<string, string | string[]>) {
    const page = await ctx.app.inject({ method: 'GET', url: pageUrl, headers: { cookie } });
    const params = new URLSearchParams({ _csrf: csrfFrom(page.body) });
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) params.append(k, one);
    return ctx.app.inject({
      method: 'POST',
      url: postUrl,
      remoteAddress: nextAddress(),
      headers: { cookie, 'content-type': FORM },
      payload: params.toString(),
    });
  }

  /** The password step alone: returns the response and the cookie header it gives. */
  async function passwordStep(email: string, password: string) {
    const form = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/connexion` });
    const csrf = cookiesFrom(form.headers['set-cookie']).guichet_csrf!;
    const res = await ctx.app.inject({
      method: 'POST',
      url: `${BASE}/agent/connexion`,
      remoteAddress: nextAddress(),
      headers: { cookie: `guichet_csrf=${csrf}`, 'content-type': FORM },
      payload: new URLSearchParams({ _csrf: csrfFrom(form.body), email, password }).toString(),
    });
    const session = cookiesFrom(res.headers['set-cookie']).guichet_agent;
    return { res, cookie: `guichet_csrf=${csrf}; guichet_agent=${session ?? ''}` };
  }

  function withSession(cookie: string, setCookie: string | string[] | undefined): string {
    const session = cookiesFrom(setCookie).guichet_agent;
    return session ? cookie.replace(/guichet_agent=[^;]*/, `guichet_agent=${session}`) : cookie;
  }

  async function secretOf(email: string): Promise<string> {
    const row = (
      await ctx.database.ownerQuery(`select id, totp_secret_encrypted from agents where email = $1`, [email])
    ).rows[0]!;
    return decryptTotpSecret(
      ctx.config.sessionSecret,
      secretOwner(ctx.tenantId, String(row.id)),
      String(row.totp_secret_encrypted),
    );
  }

  function codeAt(secret: string, step: number): string {
    return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp: step * 30_000 });
  }
  const stepNow = () => Math.floor(Date.now() / 30_000);

  before(async () => {
    ctx = await createTestContext();
    adminId = await insertAgent(ctx.database, ctx.tenantId, {
      email: 'direction@villebelle.example',
      name: 'Dominique Direction',
      password: PASSWORD,
      role: 'admin',
    });
    adminCookie = await loginAgent(ctx.app, 'direction@villebelle.example', PASSWORD);
  });
  after(async () => ctx.close());

  test('an administrator without TOTP is sent to enrolment and can go nowhere else', async () => {
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'nouvelle-admin@villebelle.example',
      name: 'Nouvelle Admin',
      password: PASSWORD,
      role: 'admin',
    });
    const { res, cookie } = await passwordStep('nouvelle-admin@villebelle.example', PASSWORD);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `${BASE}/agent/double-authentification`);
    for (const path of ['/agent/demandes', '/agent/admin/agents', '/agent/connexion/code']) {
      const page = await ctx.app.inject({ method: 'GET', url: `${BASE}${path}`, headers: { cookie } });
      assert.equal(page.statusCode, 303, path);
      assert.equal(page.headers.location, `${BASE}/agent/double-authentification`, path);
    }
    const enrol = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/double-authentification`,
      headers: { cookie },
    });
    assert.equal(enrol.statusCode, 200);
    assert.equal(enrol.body.match(/<h1>/g)?.length, 1);
    assert.match(enrol.body, /<svg[^>]*role="img"/);
    const uri = /id="totp-uri">([^<]+)</.exec(enrol.body)![1]!.replace(/&amp;/g, '&');
    const parsed = OTPAuth.URI.parse(uri) as OTPAuth.TOTP;
    assert.equal(parsed.algorithm, 'SHA1');
    assert.equal(parsed.digits, 6);
    assert.equal(parsed.period, 30);
    // The secret is stored encrypted: the base32 text is nowhere in the row.
    const stored = (
      await ctx.database.ownerQuery(`select totp_secret_encrypted from agents where email = $1`, [
        'nouvelle-admin@villebelle.example',
      ])
    ).rows[0]!.totp_secret_encrypted as string;
    assert.ok(!stored.includes(parsed.secret.base32));
    assert.match(stored, /^v1\./);

    // A wrong code is refused and the page comes back with the error.
    const wrong = await submit(
      cookie,
      `${BASE}/agent/double-authentification`,
      `${BASE}/agent/double-authentification`,
      {
        code: '000000',
      },
    );
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /Ce code est incorrect/);
    assert.match(wrong.body, /<title>Erreur – Activer la double authentification – /);

    const ok = await submit(cookie, `${BASE}/agent/double-authentification`, `${BASE}/agent/double-authentification`, {
      code: parsed.generate(),
    });
    assert.equal(ok.statusCode, 200);
    const codes = [...ok.body.matchAll(/<li><code>([a-z0-9]{5}-[a-z0-9]{5})<\/code><\/li>/g)].map((m) => m[1]!);
    assert.equal(codes.length, 10);
    const hashes = await ctx.database.ownerQuery(
      `select code_hash from agent_recovery_codes c join agents a on a.id = c.agent_id where a.email = $1`,
      ['nouvelle-admin@villebelle.example'],
    );
    assert.equal(hashes.rows.length, 10);
    assert.ok(hashes.rows.every((r) => !codes.includes(String(r.code_hash))));
    // The session was upgraded under a new id: the half-open one is gone.
    const full = withSession(cookie, ok.headers['set-cookie']);
    assert.notEqual(full, cookie);
    const list = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/demandes`, headers: { cookie: full } });
    assert.equal(list.statusCode, 200);
    const old = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/demandes`, headers: { cookie } });
    assert.equal(old.statusCode, 303);
  });

  test('TOTP login: half-authenticated session reaches nothing; wrong and replayed codes refused', async () => {
    const email = 'nouvelle-admin@villebelle.example';
    const secret = await secretOf(email);
    const { res, cookie } = await passwordStep(email, PASSWORD);
    assert.equal(res.statusCode, 303);
    assert.match(String(res.headers.location), /\/agent\/connexion\/code\?retour=/);
    for (const path of ['/agent/demandes', '/agent/admin/agents', '/agent/demandes/VB-2026-ABCDEF']) {
      const page = await ctx.app.inject({ method: 'GET', url: `${BASE}${path}`, headers: { cookie } });
      assert.equal(page.statusCode, 303, path);
      assert.equal(page.headers.location, `${BASE}/agent/connexion/code`, path);
    }
    const wrong = await submit(cookie, `${BASE}/agent/connexion/code`, `${BASE}/agent/connexion/code`, {
      code: '123456',
    });
    assert.equal(wrong.statusCode, 401);
    assert.match(wrong.body, /Ce code est incorrect/);
    assert.match(wrong.body, /<title>Erreur – Code de vérification – /);
    assert.equal(cookiesFrom(wrong.headers['set-cookie']).guichet_agent, undefined);

    // The step after the enrolment's code: accepted once, then refused as a replay.
    const lastStep = Number(
      (await ctx.database.ownerQuery(`select totp_last_step from agents where email = $1`, [email])).rows[0]!
        .totp_last_step,
    );
    const step = Math.max(stepNow(), lastStep + 1);
    assert.ok(step <= stepNow() + 1);
    const good = await submit(cookie, `${BASE}/agent/connexion/code`, `${BASE}/agent/connexion/code`, {
      code: codeAt(secret, step),
      retour: '/agent/demandes?statut=recue',
    });
    assert.equal(good.statusCode, 303);
    assert.equal(good.headers.location, `${BASE}/agent/demandes?statut=recue`);
    const full = withSession(cookie, good.headers['set-cookie']);
    const list = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/demandes`, headers: { cookie: full } });
    assert.equal(list.statusCode, 200);

    const again = await passwordStep(email, PASSWORD);
    const replay = await submit(again.cookie, `${BASE}/agent/connexion/code`, `${BASE}/agent/connexion/code`, {
      code: codeAt(secret, step),
    });
    assert.equal(replay.statusCode, 401);
    assert.match(replay.body, /déjà servi/);
  });

  test('a recovery code opens the session once, and only once', async () => {
    const email = 'secours@villebelle.example';
    await insertAgent(ctx.database, ctx.tenantId, { email, password: PASSWORD, role: 'admin' });
    const first = await passwordStep(email, PASSWORD);
    const enrolPage = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/double-authentification`,
      headers: { cookie: first.cookie },
    });
    assert.equal(enrolPage.statusCode, 200);
    const secret = await secretOf(email);
    const done = await submit(
      first.cookie,
      `${BASE}/agent/double-authentification`,
      `${BASE}/agent/double-authentification`,
      { code: codeAt(secret, stepNow()) },
    );
    const codes = [...done.body.matchAll(/<li><code>([a-z0-9]{5}-[a-z0-9]{5})<\/code><\/li>/g)].map((m) => m[1]!);
    assert.equal(codes.length, 10);

    const login = await passwordStep(email, PASSWORD);
    const used = await submit(login.cookie, `${BASE}/agent/connexion/code`, `${BASE}/agent/connexion/code`, {
      code: codes[3]!.toUpperCase(),
    });
    assert.equal(used.statusCode, 303);
    assert.equal(used.headers.location, `${BASE}/agent/demandes`);
    const hash = createHash('sha256').update(codes[3]!.replace('-', '')).digest('hex');
    const row = await ctx.database.ownerQuery(`select used_at from agent_recovery_codes where code_hash = $1`, [hash]);
    assert.ok(row.rows[0]!.used_at);

    const second = await passwordStep(email, PASSWORD);
    const reused = await submit(second.cookie, `${BASE}/agent/connexion/code`, `${BASE}/agent/connexion/code`, {
      code: codes[3]!,
    });
    assert.equal(reused.statusCode, 401);
  });

  test('five wrong codes close the half-open session', async () => {
    const { cookie } = await passwordStep('nouvelle-admin@villebelle.example', PASSWORD);
    for (let i = 0; i < 5; i++) {
      const res = await submit(cookie, `${BASE}/agent/connexion/code`, `${BASE}/agent/connexion/code`, {
        code: String(100000 + i),
      });
      assert.equal(res.statusCode, 401);
    }
    const after = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/connexion/code`, headers: { cookie } });
    assert.equal(after.statusCode, 303);
    assert.match(String(after.headers.location), /\/agent\/connexion\?retour=/);
  });

  test('the agents page is for administrators only', async () => {
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'simple@villebelle.example',
      password: PASSWORD,
      serviceSlugs: ['etat-civil'],
    });
    const cookie = await loginAgent(ctx.app, 'simple@villebelle.example', PASSWORD);
    const res = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/admin/agents`, headers: { cookie } });
    assert.equal(res.statusCode, 403);
    const anonymous = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/admin/agents` });
    assert.equal(anonymous.statusCode, 303);
    const page = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/admin/agents`,
      headers: { cookie: adminCookie },
    });
    assert.equal(page.statusCode, 200);
    assert.equal(page.body.match(/<h1>/g)?.length, 1);
    assert.match(page.body, /simple@villebelle\.example/);
    assert.match(page.body, /Double authentification<\/dt>\s*<dd>Activée/);
  });

  test('invitation: mail with a single-use link, password set with the policy, then login', async () => {
    const etatCivil = String(
      (
        await ctx.database.ownerQuery(`select id from services where tenant_id = $1 and slug = 'etat-civil'`, [
          ctx.tenantId,
        ])
      ).rows[0]!.id,
    );
    // Errors come back on the form with what was typed.
    const bad = await submit(adminCookie, `${BASE}/agent/admin/agents`, `${BASE}/agent/admin/agents/inviter`, {
      email: 'pas-une-adresse',
      name: 'Inès Invitée',
      role: 'agent',
      services: [etatCivil],
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /class="error-summary"/);
    assert.match(bad.body, /<title>Erreur – Agents – /);
    assert.match(bad.body, /value="Inès Invitée"/);

    // Every field is checked at once, errors in the order of the page; the role list is not forgeable.
    const several = await submit(adminCookie, `${BASE}/agent/admin/agents`, `${BASE}/agent/admin/agents/inviter`, {
      email: '',
      name: '  ',
      role: 'superadmin',
    });
    assert.equal(several.statusCode, 400);
    assert.match(several.body, /Il y a 3 erreurs dans le formulaire/);
    const order = ['prenom.nom@mairie.fr', 'Indiquez le nom de la personne', 'Choisissez un rôle'].map((m) =>
      several.body.indexOf(m),
    );
    assert.ok(
      order.every((i, n) => i > 0 && (n === 0 || i > order[n - 1]!)),
      String(order),
    );
    // What only the database knows comes back from the use case the same way.
    const taken = await submit(adminCookie, `${BASE}/agent/admin/agents`, `${BASE}/agent/admin/agents/inviter`, {
      email: 'Direction@villebelle.example',
      name: 'Doublon',
      role: 'admin',
    });
    assert.equal(taken.statusCode, 400);
    assert.match(taken.body, /Un agent a déjà un compte avec cette adresse\./);
    assert.match(taken.body, /value="Doublon"/);

    const res = await submit(adminCookie, `${BASE}/agent/admin/agents`, `${BASE}/agent/admin/agents/inviter`, {
      email: 'ines.invitee@villebelle.example',
      name: 'Inès Invitée',
      role: 'agent',
      services: [etatCivil],
    });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `${BASE}/agent/admin/agents?fait=invitation`);
    await ctx.services.mail.flush();
    const mail = (
      await ctx.database.ownerQuery(`select subject, text_body, html_body from mail_outbox where to_address = $1`, [
        'ines.invitee@villebelle.example',
      ])
    ).rows[0]!;
    assert.match(String(mail.subject), /Votre compte agent/);
    assert.equal(mailHtmlText(String(mail.html_body)), mailPlainText(String(mail.text_body)));
    const link = /https?:\/\/\S+\/agent\/invitation\?jeton=([\w-]+)/.exec(String(mail.text_body))!;
    const token = link[1]!;
    const stored = await ctx.database.ownerQuery(
      `select token_hash, expires_at - created_at as life from agent_invitations`,
    );
    assert.ok(stored.rows.every((r) => r.token_hash !== token));
    assert.ok(stored.rows.some((r) => r.token_hash === createHash('sha256').update(token).digest('hex')));

    // Not yet a password: the login answers as for an unknown address.
    const early = await passwordStep('ines.invitee@villebelle.example', '');
    assert.equal(early.res.statusCode, 401);

    const pageUrl = `${BASE}/agent/invitation?jeton=${token}`;
    const page = await ctx.app.inject({ method: 'GET', url: pageUrl });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Bonjour Inès Invitée/);
    const cookie = `guichet_csrf=${cookiesFrom(page.headers['set-cookie']).guichet_csrf}`;
    const post = (password: string, confirmation = password) =>
      submit(cookie, pageUrl, `${BASE}/agent/invitation`, { jeton: token, password, confirmation });

    for (const [password, message] of [
      ['court', /au moins 12 caractères/],
      ['azertyuiop123', /trop courant/],
      ['ines.invitee-2026', /adresse électronique/],
      ['villebelle pour toujours', /nom de la commune/],
    ] as const) {
      const refused = await post(password);
      assert.equal(refused.statusCode, 400, password);
      assert.match(refused.body, message, password);
      assert.doesNotMatch(refused.body, new RegExp(`value="${password}"`));
    }
    const mismatch = await post('jonquille rouge du matin', 'jonquille rouge du soir');
    assert.equal(mismatch.statusCode, 400);
    assert.match(mismatch.body, /pas identiques/);
    assert.match(mismatch.body, /<title>Erreur – Choisir votre mot de passe – /);

    const accepted = await post('jonquille rouge du matin');
    assert.equal(accepted.statusCode, 303);
    assert.equal(accepted.headers.location, `${BASE}/agent/demandes`);
    const session = withSession(cookie + '; guichet_agent=x', accepted.headers['set-cookie']);
    const list = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/demandes`, headers: { cookie: session } });
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /Inès Invitée/);

    // Single use.
    const again = await ctx.app.inject({ method: 'GET', url: pageUrl });
    assert.equal(again.statusCode, 404);
    assert.match(again.body, /n’est plus valable/);
    const replay = await submit(cookie, `${BASE}/agent/connexion`, `${BASE}/agent/invitation`, {
      jeton: token,
      password: 'autre phrase de passe solide',
      confirmation: 'autre phrase de passe solide',
    });
    assert.equal(replay.statusCode, 404);

    const login = await passwordStep('ines.invitee@villebelle.example', 'jonquille rouge du matin');
    assert.equal(login.res.statusCode, 303);
    assert.equal(login.res.headers.location, `${BASE}/agent/demandes`);
  });

  test('an invitation link expires after 72 hours', async () => {
    const res = await submit(adminCookie, `${BASE}/agent/admin/agents`, `${BASE}/agent/admin/agents/inviter`, {
      email: 'tardif@villebelle.example',
      name: 'Théo Tardif',
      role: 'admin',
    });
    assert.equal(res.statusCode, 303);
    await ctx.services.mail.flush();
    const body = String(
      (
        await ctx.database.ownerQuery(
          `select text_body from mail_outbox where to_address = 'tardif@villebelle.example'`,
        )
      ).rows[0]!.text_body,
    );
    const token = /jeton=([\w-]+)/.exec(body)![1]!;
    const life = await ctx.database.ownerQuery(
      `select extract(epoch from expires_at - created_at)::int as s from agent_invitations where token_hash = $1`,
      [createHash('sha256').update(token).digest('hex')],
    );
    assert.equal(Number(life.rows[0]!.s), 72 * 3600);
    await ctx.database.ownerQuery(
      `update agent_invitations set expires_at = now() - interval '1 second' where token_hash = $1`,
      [createHash('sha256').update(token).digest('hex')],
    );
    const page = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/invitation?jeton=${token}` });
    assert.equal(page.statusCode, 404);
    assert.match(page.body, /expiré/);
  });

  test('malformed tokens and codes get a clear refusal and open nothing', async () => {
    for (const jeton of ['', 'x'.repeat(10_000), "' OR '1'='1", '<script>alert(1)</script>', 'A'.repeat(43)]) {
      const res = await ctx.app.inject({
        method: 'GET',
        url: `${BASE}/agent/invitation?jeton=${encodeURIComponent(jeton)}`,
      });
      assert.equal(res.statusCode, 404, jeton.slice(0, 20));
      assert.match(res.body, /n’est plus valable/);
      if (jeton.length > 3) assert.ok(!echoes(res.body, jeton), `token echoed: ${jeton.slice(0, 20)}`);
    }
    const { cookie } = await passwordStep('secours@villebelle.example', PASSWORD);
    for (const code of ['9'.repeat(5000), "1' OR '1'='1", '<b>123456</b>', '12345', '']) {
      const res = await submit(cookie, `${BASE}/agent/connexion/code`, `${BASE}/agent/connexion/code`, { code });
      assert.equal(res.statusCode, 401);
      assert.equal(cookiesFrom(res.headers['set-cookie']).guichet_agent, undefined);
      // The code form is shown again, empty: a typed code is never written back into the page.
      assert.match(res.body, /<input[^>]*name="code"/);
      assert.doesNotMatch(res.body, /name="code"[^>]*value="[^"]/);
      if (code.length > 3) assert.ok(!echoes(res.body, code), `code echoed: ${code.slice(0, 20)}`);
    }
    const notConfigured = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/connexion/proconnect/retour` });
    assert.equal(notConfigured.statusCode, 404);
    const login = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/connexion` });
    assert.doesNotMatch(login.body, /ProConnect/);
  });

  test('administrators find the agents page from the request list; other agents do not', async () => {
    const list = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/demandes`,
      headers: { cookie: adminCookie },
    });
    assert.match(list.body, /href="\/t\/villebelle\/agent\/admin\/agents"/);
    const cookie = await loginAgent(ctx.app, 'simple@villebelle.example', PASSWORD);
    const other = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/demandes`, headers: { cookie } });
    assert.equal(other.statusCode, 200);
    assert.doesNotMatch(other.body, /admin\/agents/);
  });

  test('the tenant can require TOTP from every agent', async () => {
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'option@villebelle.example',
      password: PASSWORD,
      serviceSlugs: ['etat-civil'],
    });
    const before = await passwordStep('option@villebelle.example', PASSWORD);
    assert.equal(before.res.headers.location, `${BASE}/agent/demandes`);
    const on = await submit(adminCookie, `${BASE}/agent/admin/agents`, `${BASE}/agent/admin/double-authentification`, {
      exiger: 'oui',
    });
    assert.equal(on.statusCode, 303);
    const after = await passwordStep('option@villebelle.example', PASSWORD);
    assert.equal(after.res.headers.location, `${BASE}/agent/double-authentification`);
    await submit(adminCookie, `${BASE}/agent/admin/agents`, `${BASE}/agent/admin/double-authentification`, {
      exiger: 'non',
    });
    const off = await passwordStep('option@villebelle.example', PASSWORD);
    assert.equal(off.res.headers.location, `${BASE}/agent/demandes`);
  });

  test('deactivation closes the sessions at once and blocks login; reactivation restores it', async () => {
    const id = await insertAgent(ctx.database, ctx.tenantId, {
      email: 'depart@villebelle.example',
      password: PASSWORD,
      serviceSlugs: ['etat-civil'],
    });
    const cookie = await loginAgent(ctx.app, 'depart@villebelle.example', PASSWORD);
    const res = await submit(
      adminCookie,
      `${BASE}/agent/admin/agents`,
      `${BASE}/agent/admin/agents/${id}/desactiver`,
      {},
    );
    assert.equal(res.statusCode, 303);
    const sessions = await ctx.database.ownerQuery(`select 1 from agent_sessions where agent_id = $1`, [id]);
    assert.equal(sessions.rows.length, 0);
    const page = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/demandes`, headers: { cookie } });
    assert.equal(page.statusCode, 303);
    const login = await passwordStep('depart@villebelle.example', PASSWORD);
    assert.equal(login.res.statusCode, 401);

    await submit(adminCookie, `${BASE}/agent/admin/agents`, `${BASE}/agent/admin/agents/${id}/reactiver`, {});
    const back = await passwordStep('depart@villebelle.example', PASSWORD);
    assert.equal(back.res.statusCode, 303);
  });

  test('an administrator resets the second factor of an agent who lost it', async () => {
    const email = 'secours@villebelle.example';
    const id = String((await ctx.database.ownerQuery(`select id from agents where email = $1`, [email])).rows[0]!.id);
    const res = await submit(
      adminCookie,
      `${BASE}/agent/admin/agents`,
      `${BASE}/agent/admin/agents/${id}/reinitialiser-2fa`,
      {},
    );
    assert.equal(res.statusCode, 303);
    const row = await ctx.database.ownerQuery(
      `select totp_enabled_at, totp_secret_encrypted, (select count(*)::int from agent_recovery_codes where agent_id = $1) as codes
       from agents where id = $1`,
      [id],
    );
    assert.equal(row.rows[0]!.totp_enabled_at, null);
    assert.equal(row.rows[0]!.totp_secret_encrypted, null);
    assert.equal(Number(row.rows[0]!.codes), 0);
    // An administrator again: the next login leads to a new enrolment.
    const login = await passwordStep(email, PASSWORD);
    assert.equal(login.res.headers.location, `${BASE}/agent/double-authentification`);
    const self = await submit(
      adminCookie,
      `${BASE}/agent/admin/agents`,
      `${BASE}/agent/admin/agents/${adminId}/reinitialiser-2fa`,
      {},
    );
    assert.equal(self.statusCode, 403);
  });

  test('an administrator cannot deactivate themselves', async () => {
    const res = await submit(
      adminCookie,
      `${BASE}/agent/admin/agents`,
      `${BASE}/agent/admin/agents/${adminId}/desactiver`,
      {},
    );
    assert.equal(res.statusCode, 403);
    const row = await ctx.database.ownerQuery(`select active from agents where id = $1`, [adminId]);
    assert.equal(row.rows[0]!.active, true);
  });

  test("an administrator changes an agent's services", async () => {
    const id = await insertAgent(ctx.database, ctx.tenantId, {
      email: 'mobile@villebelle.example',
      password: PASSWORD,
      serviceSlugs: ['etat-civil'],
    });
    const services = await ctx.database.ownerQuery(
      `select id, slug from services where tenant_id = $1 and slug in ('urbanisme', 'voirie-proprete') order by slug`,
      [ctx.tenantId],
    );
    const res = await submit(adminCookie, `${BASE}/agent/admin/agents`, `${BASE}/agent/admin/agents/${id}/services`, {
      services: [...services.rows.map((r) => String(r.id)), '00000000-0000-0000-0000-000000000000'],
    });
    assert.equal(res.statusCode, 303);
    const now = await ctx.database.ownerQuery(
      `select s.slug from agent_services x join services s on s.tenant_id = x.tenant_id and s.id = x.service_id
       where x.agent_id = $1 order by 1`,
      [id],
    );
    assert.deepEqual(
      now.rows.map((r) => r.slug),
      services.rows.map((r) => r.slug),
    );
  });
});

describe(`demo administrator (${TEST_DB})`, () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext({ seed: false });
  });
  after(async () => ctx.close());

  test('the seeded admin logs in with the printed password, then enrols TOTP at first login', async () => {
    const { createTenant } = await import('../tenants/create-tenant.ts');
    const { seedDemoAgents } = await import('./seed-demo-agents.ts');
    const tenant = await createTenant(ctx.database.ownerQuery, { name: 'Démoville', slug: 'demoville', hosts: [] });
    const credentials = await seedDemoAgents(ctx.services.db, tenant);
    const admin = credentials.find((c) => c.role === 'admin')!;
    // loginAgent follows what a person does: password, then the enrolment page's key, then a code.
    const cookie = await loginAgent(ctx.app, admin.email, admin.password, '/t/demoville');
    const page = await ctx.app.inject({ method: 'GET', url: '/t/demoville/agent/admin/agents', headers: { cookie } });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Double authentification<\/dt>\s*<dd>Activée/);
  });
});
