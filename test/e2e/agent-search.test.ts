/**
 * The agents' search in Chromium against a real server process with the demo data, every page
 * checked with axe-core: the box at the top of the inbox, results with highlighted excerpts, no
 * result, and a query refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startE2eSession, type E2eSession } from '../support/e2e-session.ts';

describe('agent search in a browser', { timeout: 240_000 }, () => {
  let s: E2eSession;

  before(async () => {
    s = await startE2eSession();
  });
  after(async () => s?.close());

  test('a voirie agent searches from the inbox', async () => {
    const { page } = s;
    const agent = s.accounts.find((a) => a.role === 'agent' && a.services.includes('voirie'));
    assert.ok(agent, `no voirie agent in the server output:\n${s.server.stdout()}`);
    await s.goto('/agent/connexion');
    await page.fill('#email', agent.email);
    await page.fill('#password', agent.password);
    await Promise.all([
      page.waitForURL(/\/agent\/demandes/),
      page.getByRole('button', { name: 'Se connecter' }).click(),
    ]);
    await s.assertAccessible('inbox with its search box');

    // The applicant of the first item of the inbox, searched by family name with a typo.
    const applicant = (await page.locator('td[data-label="Demandeur"]').first().innerText()).trim();
    const family = applicant.split(' ').at(-1)!;
    const typo = family.slice(0, -2) + family.slice(-1);
    const box = page.getByRole('search').getByLabel('Rechercher une demande, un message ou un usager');
    await box.fill(typo);
    await Promise.all([
      page.waitForURL(/\/agent\/recherche\?q=/),
      page.getByRole('search').getByRole('button', { name: 'Rechercher' }).click(),
    ]);
    assert.match(await page.locator('main').innerText(), new RegExp(applicant));
    await s.assertAccessible(`results for « ${typo} »`);

    // Words of a message or answer: results with highlighted excerpts.
    await box.fill(family);
    await Promise.all([
      page.waitForURL(/\/agent\/recherche\?q=/),
      page.getByRole('search').getByRole('button', { name: 'Rechercher' }).click(),
    ]);
    assert.ok((await page.locator('.search-result').count()) > 0, 'results are listed');
    await s.assertAccessible(`results for « ${family} »`);

    await s.goto('/agent/recherche?q=zzqxwv');
    assert.match(await page.locator('main').innerText(), /Aucun résultat pour « zzqxwv »/);
    await s.assertAccessible('no result');

    const res = await page.goto(`${s.origin}/agent/recherche?q=a`);
    assert.equal(res?.status(), 400);
    await page.locator('.error-summary').waitFor();
    await s.assertAccessible('query too short');
  });

  test('the same agent notes a phone call, answers without changing the status, and sees the views', async () => {
    const { page } = s;
    await s.goto('/agent/demandes');
    await Promise.all([
      page.waitForURL(/\/agent\/contacts\/nouveau/),
      page.getByRole('link', { name: 'Noter un appel ou une visite' }).click(),
    ]);
    await s.assertAccessible('noting a call');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.locator('.error-summary').waitFor();
    await s.assertAccessible('noting a call, with errors');
    await page.getByLabel('Appel téléphonique').check();
    await page.getByLabel('Nom et prénom de la personne').fill('Odile Marchand');
    await page.getByLabel('Téléphone (facultatif)').fill('06 98 76 54 32');
    await page.getByLabel('Objet de sa demande').fill('Nid-de-poule devant le 12 rue des Écoles');
    await page.getByLabel('Demande à traiter').check();
    await Promise.all([page.waitForURL(/\?fait=contact/), page.getByRole('button', { name: 'Enregistrer' }).click()]);
    assert.match(await page.locator('main').innerText(), /Le contact est noté/);
    await s.assertAccessible('the call noted, as an item');

    await page.getByLabel('Votre réponse').fill('Bonjour, une équipe passera cette semaine.');
    await Promise.all([
      page.waitForURL(/\?fait=reponse/),
      page.getByRole('button', { name: 'Envoyer la réponse' }).click(),
    ]);
    const main = await page.locator('main').innerText();
    assert.match(main, /Le statut n’a pas changé/);
    assert.match(main, /Bonjour, une équipe passera cette semaine\./);
    await page.locator('summary', { hasText: 'Transférer à un autre service' }).click();
    await s.assertAccessible('a request page, transfer opened');

    await s.goto('/agent/demandes?vue=mes');
    assert.match(await page.locator('main').innerText(), /Mes demandes \(\d+\)/);
    await s.assertAccessible('my items');
    await page.setViewportSize({ width: 375, height: 800 });
    await s.assertAccessible('my items on a phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test('the same agent filters the inbox, tags the ticked items at once, and saves the view', async () => {
    const { page } = s;
    await s.goto('/agent/demandes?vue=mes');
    await page.locator('summary', { hasText: 'Pour la sélection' }).click();
    await page.locator('summary', { hasText: 'Enregistrer cette vue' }).click();
    await s.assertAccessible('the inbox, filters, selection and saving opened');
    await page.locator('tbody input[name="selection"]').first().check();
    await page.getByLabel('Action', { exact: true }).selectOption('etiqueter');
    await page.getByLabel('Étiquette (pour « Ajouter »)').fill('Rappel lundi');
    await Promise.all([
      page.waitForURL(/fait=selection/),
      page.getByRole('button', { name: 'Appliquer à la sélection' }).click(),
    ]);
    assert.match(await page.locator('main').innerText(), /1 demande modifiée/);
    assert.match(await page.locator('main').innerText(), /Rappel lundi/);
    await s.assertAccessible('the inbox after a bulk action');
    await page.setViewportSize({ width: 375, height: 800 });
    await s.assertAccessible('the inbox after a bulk action, on a phone');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.locator('summary', { hasText: 'Enregistrer cette vue' }).click();
    await page.getByLabel('Nom de la vue').fill('Mes rappels');
    await Promise.all([
      page.waitForURL(/vue=mes/),
      page.getByRole('button', { name: 'Enregistrer', exact: true }).click(),
    ]);
    assert.match(await page.locator('main').innerText(), /Mes rappels \(\d+\)/);
    await s.goto('/agent/vues');
    await s.assertAccessible('my saved views');
  });
});
