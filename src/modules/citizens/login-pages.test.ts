import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
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
});
