/**
 * A consultation in Chromium against the real server with the demo data (issue 12, part 4),
 * every page checked with axe-core: a citizen answers the demo commune's « Horaires d'ouverture de
 * la mairie » with JavaScript turned off, including its conditional question (on the page with its
 * « Si vous avez répondu … »), after a first try that forgets a required answer; an administrator
 * reads the results and downloads the CSV, one row per answer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as OTPAuth from 'otpauth';
import type { CDPSession, Page } from 'playwright-core';
import { axeViolations, formatViolations } from '../support/browser.ts';
import { startE2eSession, type E2eSession } from '../support/e2e-session.ts';

const TITLE = 'Horaires d’ouverture de la mairie';
const COMMENT = 'Une ouverture le jeudi soir, pour les parents qui travaillent.';

describe('consultation in a browser', { timeout: 300_000 }, () => {
  let s: E2eSession;

  before(async () => {
    s = await startE2eSession();
  });
  after(async () => s?.close());

  /**
   * axe-core on a tab whose scripts are off: scripts are turned on just for the check (nothing of
   * the page runs again: it is already loaded), then off again for the next page.
   */
  async function assertAccessibleWithoutScripts(page: Page, cdp: CDPSession, label: string) {
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: false });
    const violations = await axeViolations(page);
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
    assert.equal(violations.length, 0, formatViolations(`${label} (${page.url()})`, violations));
    assert.deepEqual(s.browserErrors.splice(0), [], `browser errors up to ${label}`);
  }

  test('a citizen answers the demo consultation without JavaScript; an administrator reads the results and the CSV', async () => {
    const citizen = await s.watchedPage();
    const cdp = await citizen.context().newCDPSession(citizen);
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });

    await citizen.goto(`${s.origin}/consultations`);
    await assertAccessibleWithoutScripts(citizen, cdp, 'open consultations');
    await Promise.all([
      citizen.waitForURL(/\/consultations\/[0-9a-f-]{36}$/),
      citizen.getByRole('link', { name: TITLE }).click(),
    ]);
    const form = await citizen.locator('main').innerText();
    // The conditional question is on the page, with its condition in words.
    assert.match(form, /À quels moments \?/);
    assert.match(form, /Si vous avez répondu « Oui » à la question 1/);
    await assertAccessibleWithoutScripts(citizen, cdp, 'the consultation form');

    // First try: the required first question left out; the rest comes back as typed.
    const moments = citizen.getByRole('group', { name: /À quels moments/ });
    await moments.getByLabel('Le samedi matin').check();
    await citizen.getByLabel('Avez-vous une remarque ?').fill(COMMENT);
    await Promise.all([
      citizen.waitForLoadState('load'),
      citizen.getByRole('button', { name: 'Envoyer mes réponses' }).click(),
    ]);
    assert.match(await citizen.locator('.error-summary').innerText(), /Aimeriez-vous que la mairie ouvre/);
    assert.equal(await citizen.getByLabel('Avez-vous une remarque ?').inputValue(), COMMENT);
    assert.equal(await moments.getByLabel('Le samedi matin').isChecked(), true);
    await assertAccessibleWithoutScripts(citizen, cdp, 'the form with its error summary');

    await citizen
      .getByRole('group', { name: /Aimeriez-vous que la mairie ouvre/ })
      .getByLabel('Oui')
      .check();
    await moments.getByLabel('Le mardi soir jusqu’à 19 h').check();
    await citizen
      .getByRole('group', { name: /Trouvez-vous facilement un moment/ })
      .getByLabel('2', { exact: true })
      .check();
    await Promise.all([
      citizen.waitForURL(/\/merci$/),
      citizen.getByRole('button', { name: 'Envoyer mes réponses' }).click(),
    ]);
    assert.match(await citizen.locator('h1').innerText(), /Merci/);
    await assertAccessibleWithoutScripts(citizen, cdp, 'thank-you page');
    await citizen.close();

    // The administrator: the results, with the demo's seven answers and this one.
    const admin = s.accounts.find((a) => a.role === 'admin');
    assert.ok(admin, `demo accounts missing:\n${s.server.stdout()}`);
    const { page } = s;
    await s.goto('/agent/connexion');
    await page.fill('#email', admin.email);
    await page.fill('#password', admin.password);
    // An administrator's account asks for a second factor at its first login: enrol one.
    await Promise.all([
      page.waitForURL(/\/agent\/double-authentification$/),
      page.getByRole('button', { name: 'Se connecter' }).click(),
    ]);
    const secret = (await page.locator('#totp-secret').innerText()).replace(/\s/g, '');
    await page
      .getByLabel(/Code à 6 chiffres/)
      .fill(new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate());
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Activer' }).click()]);
    await Promise.all([page.waitForLoadState('load'), page.getByRole('link', { name: /J'ai noté mes codes/ }).click()]);
    await s.goto('/agent/admin/consultations');
    await s.assertAccessible('consultations (administrators)');
    await Promise.all([
      page.waitForURL(/\/agent\/admin\/consultations\/[0-9a-f-]{36}$/),
      page.getByRole('link', { name: TITLE }).click(),
    ]);
    await s.assertAccessible('the demo consultation');
    await Promise.all([
      page.waitForURL(/\/resultats$/),
      page.getByRole('link', { name: /Voir les résultats/ }).click(),
    ]);
    const results = await page.locator('main').innerText();
    assert.match(results, /8\s+réponses,/);
    assert.match(results, /Le samedi matin/);
    assert.ok((await page.locator('svg[role="img"]').count()) >= 3, 'a chart for each choice question and the scale');
    await s.assertAccessible('results');

    const href = await page.getByRole('link', { name: /Télécharger les réponses \(CSV/ }).getAttribute('href');
    assert.ok(href);
    const csv = await page.request.get(new URL(href, page.url()).toString());
    assert.equal(csv.status(), 200);
    assert.match(csv.headers()['content-type'] ?? '', /^text\/csv/);
    const lines = (await csv.text()).trim().split(/\r?\n/);
    assert.equal(lines.length, 1 + 8, 'a header and one row per answer');
    const mine = lines.find((l) => l.includes(COMMENT));
    assert.ok(mine, 'the answer sent from the browser is in the CSV');
    assert.match(mine, /Le mardi soir jusqu’à 19 h/);
    assert.match(mine, /Le samedi matin/);
  });
});
