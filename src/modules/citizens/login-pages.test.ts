import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cookiesFrom, csrfFrom } from '../../../test/support/factories.ts';
import { checkEmail } from '../../platform/security/email.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';

const BASE = '/t/villebelle';

/** The FranceConnect form of a page: its action and the retour it carries (null when none). */
function franceConnectForm(body: string): { action: string; retour: string | null } | null {
  const m =
    /<form method="get" action="([^"]+)">\s*(?:<input type="hidden" name="retour" value="([^"]*)" \/>)?\s*<button type="submit" class="franceconnect-button">/.exec(
      body,
    );
  return m ? { action: m[1]!, retour: m[2] ?? null } : null;
}

describe(`citizen login and registration pages (${TEST_DB})`, () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(async () => ctx.close());

  test('the login page offers FranceConnect with the page asked for, then "ou", then the password form', async () => {
    const res = await ctx.app.inject({ url: `${BASE}/connexion?retour=${encodeURIComponent('/mon-espace/messages')}` });
    assert.equal(res.statusCode, 200);
    const form = franceConnectForm(res.body);
    assert.deepEqual(form, { action: `${BASE}/connexion/franceconnect`, retour: '/mon-espace/messages' });
    const button = res.body.indexOf('franceconnect-button');
    const separator = res.body.indexOf('<p class="separator"><span>ou</span></p>');
    const passwordForm = res.body.indexOf(`<form method="post" action="${BASE}/connexion"`);
    assert.ok(button > 0 && separator > button && passwordForm > separator, 'FranceConnect, "ou", then the form');
  });

  test('an unsafe retour is not passed on to FranceConnect', async () => {
    const res = await ctx.app.inject({ url: `${BASE}/connexion?retour=${encodeURIComponent('//evil.example/x')}` });
    assert.equal(franceConnectForm(res.body)?.retour, '/mon-espace');
  });

  test('the registration page offers FranceConnect too, leading to the space', async () => {
    const res = await ctx.app.inject({ url: `${BASE}/inscription` });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(franceConnectForm(res.body), { action: `${BASE}/connexion/franceconnect`, retour: '/mon-espace' });
    assert.ok(res.body.indexOf('class="separator"') < res.body.indexOf(`action="${BASE}/inscription"`));
  });

  /** Loads a form page and posts it, as a person would. */
  async function submit(path: string, fields: Record<string, string>, ip: string) {
    const page = await ctx.app.inject({ url: `${BASE}${path}`, remoteAddress: ip });
    const cookie = Object.entries(cookiesFrom(page.headers['set-cookie']))
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
    return ctx.app.inject({
      method: 'POST',
      url: `${BASE}${path}`,
      remoteAddress: ip,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfFrom(page.body), ...fields }).toString(),
    });
  }

  test('citizens and agents share one address policy: fullwidth is normalised, look-alikes refused', async () => {
    const password = 'lavande moulin piano 27';
    const ok = await submit(
      '/inscription',
      { email: '\uff43\uff41\uff4d\uff49\uff4c\uff4c\uff45@example.org', password, confirmation: password },
      '10.89.0.1',
    );
    assert.equal(ok.statusCode, 303);
    await ctx.services.mail.flush();
    const stored = await ctx.database.ownerQuery(`select email from citizens where email like 'camille@%'`);
    assert.deepEqual(
      stored.rows.map((r) => r.email),
      ['camille@example.org'],
    );
    const refusal = checkEmail('p\u0430ul@example.org');
    assert.equal(refusal.ok, false);
    let ip = 1;
    for (const email of [
      'p\u0430ul@example.org',
      'paul\u200b@example.org',
      'paul@ex\u00e4mple.org',
      'andr\u00e9@example.org',
    ]) {
      ip += 1;
      const res = await submit('/inscription', { email, password, confirmation: password }, `10.89.0.${ip}`);
      assert.equal(res.statusCode, 400, email);
      // The very message the agent side gives (src/platform/security/email.ts).
      assert.ok(res.body.includes((refusal as { message: string }).message.replace(/'/g, '&#39;')), email);
      assert.ok(res.body.includes('caractères spéciaux ou accentués'), email);
    }
  });
});
