/**
 * The assistant in Chromium against a real server process, axe-core on every page: the form and
 * its answer page (no script runs there: the page is the assistant), an empty question with its
 * error summary, « Parler à une personne » to the confirmation and the mail, the panel on the home
 * page (keyboard only: opened from the header link, Enter sends, Escape closes), and the
 * workspace's assistant. Screenshots at 1280 and 375 px of the answer page and the panel go to
 * ASSISTANT_SCREENSHOTS (a folder) when set.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { mailText, startE2eSession, type E2eSession } from '../support/e2e-session.ts';

const SHOTS = process.env.ASSISTANT_SCREENSHOTS;

describe('the assistant in a browser', { timeout: 300_000 }, () => {
  let s: E2eSession;

  before(async () => {
    s = await startE2eSession();
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => s?.close());

  async function shot(name: string): Promise<void> {
    if (!SHOTS) return;
    for (const width of [1280, 375]) {
      await s.page.setViewportSize({ width, height: width === 375 ? 740 : 900 });
      await s.page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: width === 1280 });
    }
    await s.page.setViewportSize({ width: 1280, height: 900 });
  }

  test('the form, the answer on the next page, an error, then « Parler à une personne »', async () => {
    const { page } = s;
    await s.goto('/assistant');
    await s.assertAccessible('assistant page');
    await page.getByRole('button', { name: 'Envoyer la question' }).click();
    // The browser's own check stops an empty question; a blank one reaches the server.
    await page.getByLabel('Votre question').fill('   ');
    await page.evaluate(() => document.querySelector('textarea')?.removeAttribute('required'));
    await page.getByRole('button', { name: 'Envoyer la question' }).click();
    await page.locator('.error-summary').waitFor();
    await s.assertAccessible('assistant page with an error');

    await page.getByLabel('Votre question').fill('Combien coûte un passeport pour un enfant ?');
    await page.getByRole('button', { name: 'Envoyer la question' }).click();
    await page.locator('#reponse').waitFor();
    assert.match(page.url(), /\/assistant\/c\/[A-Za-z0-9_-]{22}#reponse$/);
    assert.ok(
      await page
        .getByRole('link', { name: /passeport/i })
        .first()
        .isVisible(),
    );
    await s.assertAccessible('answer page');
    await shot('assistant-answer');

    await page.getByLabel('Une autre question ?').fill('Et quel est le délai ?');
    await page.getByRole('button', { name: 'Envoyer la question' }).click();
    await page.waitForFunction(() => document.querySelectorAll('.assistant-answer').length === 2);

    await page.getByRole('link', { name: 'Parler à une personne' }).click();
    await page.getByRole('heading', { level: 1, name: 'Parler à une personne' }).waitFor();
    await s.assertAccessible('hand-off form');
    await page.getByLabel('Votre nom').fill('Camille Martin');
    await page.getByLabel(/Adresse électronique/).fill('camille.martin@example.org');
    await page.getByRole('button', { name: 'Envoyer à la mairie' }).click();
    await page.locator('.error-summary').waitFor();
    await s.assertAccessible('hand-off form with an error');
    await page.getByLabel(/J’accepte que la mairie/).check();
    await page.getByRole('button', { name: 'Envoyer à la mairie' }).click();
    await page.getByRole('heading', { level: 1, name: /transmise/ }).waitFor();
    await s.assertAccessible('hand-off confirmation');
    const reference = (await page.locator('.reference').textContent())!.trim();
    const mail = await s.smtp.waitFor((m) => JSON.stringify(m.to ?? '').includes('camille.martin@example.org'), 30_000);
    assert.ok(mailText(mail).includes(reference), 'the mail gives the reference');
    assert.match(mailText(mail), /\/suivi\//);
  });

  test('the panel on the home page, with the keyboard only', async () => {
    const { page } = s;
    await s.goto('/');
    const opener = page.getByRole('link', { name: 'Poser une question' });
    await opener.focus();
    await page.keyboard.press('Enter');
    const panel = page.getByRole('dialog', { name: 'Poser une question' });
    await panel.waitFor();
    assert.equal(await opener.getAttribute('aria-expanded'), 'true');
    await page.keyboard.type('Comment renouveler ma carte d’identité ?');
    await page.keyboard.press('Enter');
    await panel.locator('.assistant-answer').waitFor();
    assert.ok(
      await panel
        .getByRole('link', { name: /carte d'identité|carte d’identité/i })
        .first()
        .isVisible(),
    );
    await s.assertAccessible('home page with the panel');
    await shot('assistant-panel');
    await page.keyboard.type('recette de la tarte tatin');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('.assistant-widget .assistant-answer').length === 2);
    assert.match((await panel.locator('.assistant-answer').last().textContent()) ?? '', /Je ne trouve pas/);
    await page.keyboard.press('Escape');
    assert.equal(await panel.isHidden(), true);
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Poser une question');
  });

  test('the workspace’s assistant', async () => {
    const { page } = s;
    const agent = s.accounts.find((a) => a.role === 'agent') ?? s.accounts[0]!;
    await s.goto('/agent/connexion');
    await page.getByLabel('Adresse électronique').fill(agent.email);
    await page.getByLabel('Mot de passe').fill(agent.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(/\/agent\//);
    await s.goto('/agent/assistant');
    await s.assertAccessible('agents’ assistant');
    await page.getByLabel('Votre question').fill('un usager agressif au guichet, que faire ?');
    await page.getByRole('button', { name: 'Envoyer la question' }).click();
    await page.locator('#reponse').waitFor();
    await s.assertAccessible('agents’ answer');
    await page
      .getByRole('link', { name: /usager agressif/ })
      .first()
      .click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    await s.assertAccessible('internal sheet');
  });
});
