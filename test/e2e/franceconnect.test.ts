/**
 * FranceConnect in Chromium against a real server process started as `npm start` does, with the
 * demo FranceConnect provider it runs: form page → FranceConnect button → provider (choose an
 * identity, consent) → back on the form with the identity locked → submit → logout at the
 * provider. axe-core checks every page visited, Guichet's and the provider's.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { axeViolations, formatViolations, launchBrowser, type TestBrowser } from '../support/browser.ts';
import { freePort, killServer, startServer, type ServerProcess } from '../support/server-process.ts';

describe('FranceConnect in a browser', { timeout: 240_000 }, () => {
  let server: ServerProcess;
  let browser: TestBrowser;
  let page: Page;
  let origin: string;
  let fcOrigin: string;

  before(async () => {
    const fcPort = await freePort();
    fcOrigin = `http://127.0.0.1:${fcPort}`;
    server = await startServer({
      env: {
        GUICHET_DEMO: 'true',
        DEMO_FRANCECONNECT_PORT: String(fcPort),
        SESSION_SECRET: 'e2e-franceconnect-secret-e2e-franceconnect',
        TRACKING_RATE_LIMIT: '1000',
      },
      timeoutMs: 120_000,
    });
    origin = server.origin;
    assert.match(server.stdout(), /Demo FranceConnect provider/, server.stdout() + server.stderr());
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });

  after(async () => {
    await browser?.close();
    if (server) {
      await killServer(server, 'SIGTERM');
      rmSync(server.dataDir, { recursive: true, force: true });
    }
  });

  async function assertAccessible(label: string): Promise<void> {
    const violations = await axeViolations(page);
    assert.equal(violations.length, 0, formatViolations(`${label} (${page.url()})`, violations));
  }

  test('form page → FranceConnect → identity locked → request sent → in my space → my data downloaded → logout at the provider', async () => {
    await page.goto(`${origin}/demarches/signaler-probleme-voirie/demande`, { waitUntil: 'load' });
    await assertAccessible('form page with the FranceConnect button');
    await assert.doesNotReject(
      page.getByText('Gagnez du temps : vos nom et prénom seront remplis et vérifiés').waitFor(),
    );
    assert.equal(
      await page.getByRole('link', { name: /Qu’est-ce que FranceConnect/ }).getAttribute('href'),
      'https://franceconnect.gouv.fr/',
    );

    await Promise.all([
      page.waitForURL((u) => u.href.startsWith(`${fcOrigin}/interaction/`), { waitUntil: 'load' }),
      page.getByRole('button', { name: /S’identifier avec\s*FranceConnect/ }).click(),
    ]);
    await page.getByRole('heading', { level: 1, name: /Connexion avec FranceConnect/ }).waitFor();
    await assertAccessible('provider: choose an identity');

    await page.getByLabel('Camille Louise MARTIN').check();
    await Promise.all([
      page.waitForURL(`${origin}/demarches/signaler-probleme-voirie/demande`, { waitUntil: 'load' }),
      page.getByRole('button', { name: 'Continuer sur le service' }).click(),
    ]);
    await assertAccessible('form page with the identity locked');
    const main = await page.locator('main').innerText();
    assert.match(main, /Camille Louise/);
    assert.match(main, /Vérifié par FranceConnect/);
    assert.equal(await page.locator('#applicant_given_name').evaluate((e) => e.tagName), 'P', 'not an input');

    await page.selectOption('#categorie', 'chaussee');
    await page.fill('#lieu__street', '12 rue des Lilas');
    await page.fill('#lieu__postal_code', '00000');
    await page.fill('#lieu__city', 'Villebelle');
    await page.fill('#description', 'Un trou profond au milieu de la chaussée, devant le numéro 12.');
    await Promise.all([
      page.waitForURL(/\/demandes\/VB-\d{4}-[A-Z0-9]{5}\/confirmation\?cle=/, { waitUntil: 'load' }),
      page.getByRole('button', { name: 'Envoyer ma demande' }).click(),
    ]);
    await page.getByRole('heading', { level: 1, name: 'Votre demande est bien envoyée' }).waitFor();
    await assertAccessible('confirmation page');
    const reference = /\/demandes\/(VB-\d{4}-[A-Z0-9]{5})\//.exec(page.url())![1]!;

    // The request is in the citizen's space, and their data can be downloaded with it.
    await page.goto(`${origin}/mon-espace/demandes`, { waitUntil: 'load' });
    await assertAccessible('my requests');
    assert.match(await page.locator('main').innerText(), new RegExp(reference));
    await page.goto(`${origin}/mon-espace/donnees`, { waitUntil: 'load' });
    await assertAccessible('my data');
    for (const [name, type] of [
      ['Télécharger mes données en JSON', /application\/json/],
      ['Télécharger mes données en PDF', /application\/pdf/],
    ] as const) {
      const href = await page.getByRole('link', { name }).getAttribute('href');
      const exported = await page.request.get(new URL(href!, origin).href);
      assert.equal(exported.status(), 200, name);
      assert.match(exported.headers()['content-type'] ?? '', type);
      const body = await exported.body();
      if (type.source.includes('json')) {
        const text = body.toString('utf8');
        assert.match(text, new RegExp(reference));
        assert.match(text, /Camille/);
      } else {
        assert.equal(body.subarray(0, 5).toString('latin1'), '%PDF-');
      }
    }

    // Logout from the citizen space: through the provider's end_session_endpoint, then back.
    await page.goto(`${origin}/mon-espace`, { waitUntil: 'load' });
    await assertAccessible('citizen space');
    await Promise.all([
      page.waitForURL((u) => u.href.startsWith(`${fcOrigin}/session/end`), { waitUntil: 'load' }),
      page
        .getByRole('button', { name: /Se déconnecter/ })
        .first()
        .click(),
    ]);
    await assertAccessible('provider: logout');
    await Promise.all([
      page.waitForURL((u) => u.href.startsWith(`${origin}/deconnexion/retour`), { waitUntil: 'load' }),
      page.getByRole('button', { name: 'Me déconnecter' }).click(),
    ]);
    await page.getByRole('heading', { level: 1, name: 'Vous êtes déconnecté' }).waitFor();
    await assertAccessible('logged out');
    const cookies = await browser.context.cookies(origin);
    assert.ok(!cookies.some((c) => c.name === 'guichet_citoyen'), 'the session cookie is gone');
  });
});
