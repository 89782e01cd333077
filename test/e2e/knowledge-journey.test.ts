/**
 * The knowledge base in Chromium against a real server process with the demo data, every page
 * checked with axe-core: an agent writes a new page, previews it without JavaScript's help, saves
 * it and sends it to relecture; a supervisor of its service publishes it; citizens read it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startE2eSession, type E2eSession } from '../support/e2e-session.ts';

describe('knowledge base in a browser', { timeout: 300_000 }, () => {
  let s: E2eSession;

  before(async () => {
    s = await startE2eSession();
  });
  after(async () => s?.close());

  async function logIn(email: string, password: string) {
    await s.goto('/agent/connexion');
    await s.page.fill('#email', email);
    await s.page.fill('#password', password);
    await Promise.all([
      s.page.waitForURL(/\/agent\/demandes/),
      s.page.getByRole('button', { name: 'Se connecter' }).click(),
    ]);
  }

  test('an agent writes a draft, previews it, sends it to relecture; a supervisor publishes it; citizens read it', async () => {
    const { page } = s;
    const writer = s.accounts.find((a) => a.role === 'agent' && a.services === 'etat-civil');
    const lead = s.accounts.find((a) => a.role === 'supervisor' && a.services.includes('etat-civil'));
    assert.ok(writer && lead, `demo accounts missing:\n${s.server.stdout()}`);

    await logIn(writer.email, writer.password);
    await Promise.all([
      page.waitForURL(/\/agent\/connaissances$/),
      page.getByRole('link', { name: 'Base de connaissances' }).click(),
    ]);
    await s.assertAccessible('knowledge base list');
    await Promise.all([
      page.waitForURL(/\/agent\/connaissances\/nouvelle/),
      page.getByRole('link', { name: 'Écrire une nouvelle page' }).click(),
    ]);
    await s.assertAccessible('new page editor');
    await page.getByLabel('Titre', { exact: true }).fill('Livret de famille perdu');
    await page.getByLabel('Résumé').fill('Vous avez perdu votre livret de famille ? La mairie en fait un second.');
    await page
      .getByLabel('Texte', { exact: true })
      .fill(
        '## En bref\n\nVous avez perdu votre livret de famille ? La mairie en fait un second. C’est gratuit.\n\n' +
          '## Comment faire\n\n1. Remplissez le formulaire à l’accueil.\n2. Il est prêt sous 15 jours.',
      );
    await page.getByLabel('Note de version').fill('Nouvelle page');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Prévisualiser' }).click()]);
    const preview = page.locator('.article-preview');
    assert.match(await preview.innerText(), /Il est prêt sous 15 jours/);
    assert.equal(await page.locator('.readability-hint').count(), 1);
    await s.assertAccessible('editor with the preview');
    await Promise.all([
      page.waitForURL(/\/agent\/connaissances\/[0-9a-f-]{36}\?fait=enregistre/),
      page.getByRole('button', { name: 'Enregistrer le brouillon' }).click(),
    ]);
    const articleUrl = page.url().replace(/\?.*$/, '');
    await s.assertAccessible('the draft');
    await Promise.all([
      page.waitForURL(/\?fait=relecture/),
      page.getByRole('button', { name: 'Envoyer en relecture' }).click(),
    ]);
    assert.match(await page.locator('main').innerText(), /En relecture/);
    assert.equal(await page.getByRole('button', { name: /Publier/ }).count(), 0, 'an agent does not publish');
    const notYet = await page.request.get(`${s.origin}/demarches/livret-de-famille-perdu`);
    assert.equal(notYet.status(), 404);

    await page.getByRole('button', { name: /Se déconnecter/ }).click();
    await logIn(lead.email, lead.password);
    await page.goto(articleUrl);
    await s.assertAccessible('the page in relecture, seen by a supervisor');
    await Promise.all([
      page.waitForURL(/\?fait=publie/),
      page.getByRole('button', { name: 'Publier la version 1' }).click(),
    ]);
    await s.assertAccessible('the published page');
    await Promise.all([
      page.waitForURL(/\/historique/),
      page.getByRole('link', { name: 'Historique des versions' }).click(),
    ]);
    await s.assertAccessible('history');

    await s.goto('/demarches/livret-de-famille-perdu');
    assert.match(await page.locator('main').innerText(), /Il est prêt sous 15 jours/);
    await s.assertAccessible('the public page');
  });
});
