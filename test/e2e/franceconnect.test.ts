/**
 * FranceConnect in Chromium against a real server process started as `npm start` does (the demo
 * seeded), pointed at the demo FranceConnect provider run by the test itself (the same provider
 * `npm start` runs, with the same fictitious people), so that the test can stop it: form page →
 * FranceConnect button → provider (choose an identity, consent) → back on the form with the
 * identity locked → submit → logout at the provider; the electoral list with birth date and
 * place locked, then the confirmation, tracking page, receipt and space saying the identity was
 * verified; then the provider stopped and the click leading to Guichet's own page. axe-core checks
 * every page visited, Guichet's and the provider's. Screenshots go to $SCREENSHOT_DIR when set.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { axeViolations, formatViolations, launchBrowser, type TestBrowser } from '../support/browser.ts';
import { startTestFranceConnect, type TestFranceConnect } from '../support/oidc-provider.ts';
import { pdfPages } from '../support/pages.ts';
import { freePort, killServer, startServer, type ServerProcess } from '../support/server-process.ts';

describe('FranceConnect in a browser', { timeout: 240_000 }, () => {
  let server: ServerProcess;
  let browser: TestBrowser;
  let page: Page;
  let origin: string;
  let fcOrigin: string;
  let fc: TestFranceConnect;

  before(async () => {
    const fcPort = await freePort();
    fcOrigin = `http://127.0.0.1:${fcPort}`;
    server = await startServer({
      env: {
        GUICHET_DEMO: 'true',
        FRANCECONNECT_ISSUER: fcOrigin,
        FRANCECONNECT_CLIENT_ID: 'guichet-test',
        FRANCECONNECT_CLIENT_SECRET: 'test-client-secret-0123456789abcdef',
        SESSION_SECRET: 'e2e-franceconnect-secret-e2e-franceconnect',
        TRACKING_RATE_LIMIT: '1000',
      },
      timeoutMs: 120_000,
    });
    origin = server.origin;
    // Guichet discovers the provider at the first click: it can start after the server.
    fc = await startTestFranceConnect({ port: fcPort, rpOrigins: [origin] });
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });

  after(async () => {
    await fc?.close();
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

  async function screenshots(name: string): Promise<void> {
    const dir = process.env.SCREENSHOT_DIR;
    if (!dir) return;
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: `${dir}/${name}-${width}.png`, fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  test('the electoral list: birth date and place locked, sent, « vérifiée par FranceConnect » on the confirmation, tracking page, receipt and space', async () => {
    await page.goto(`${origin}/demarches/inscription-listes-electorales/demande`, { waitUntil: 'load' });
    await Promise.all([
      page.waitForURL((u) => u.href.startsWith(`${fcOrigin}/interaction/`), { waitUntil: 'load' }),
      page.getByRole('button', { name: /S’identifier avec\s*FranceConnect/ }).click(),
    ]);
    await page.getByLabel('Camille Louise MARTIN').check();
    await Promise.all([
      page.waitForURL(`${origin}/demarches/inscription-listes-electorales/demande`, { waitUntil: 'load' }),
      page.getByRole('button', { name: 'Continuer sur le service' }).click(),
    ]);
    await assertAccessible('electoral list with the identity locked');
    const locked = async (id: string) => (await page.locator(`#${id} + .locked-value`).innerText()).trim();
    assert.match(await locked('date_naissance'), /^14 juillet 1988\s+Vérifié par FranceConnect$/);
    assert.match(await locked('lieu_naissance'), /^Nantes \(44\)\s+Vérifié par FranceConnect$/);
    assert.match(await locked('pays_naissance'), /^France\s+Vérifié par FranceConnect$/);
    assert.match(await locked('applicant_family_name'), /^MARTIN/);
    assert.equal(await page.locator('input[name="date_naissance"]').count(), 0, 'not an input');
    assert.equal(await page.locator('input[name="nom_usage"]').count(), 1, 'no nom d’usage: editable');
    await screenshots('fc-locked-form');

    const pdf = { name: 'piece.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') };
    await page.getByLabel('Française').check();
    await page.getByLabel('J’habite à Villebelle depuis peu').check();
    await page.fill('#adresse__street', '3 place de la Mairie');
    await page.fill('#adresse__postal_code', '00000');
    await page.fill('#adresse__city', 'Villebelle');
    await page.setInputFiles('#piece_identite', pdf);
    await page.setInputFiles('#justificatif_domicile', { ...pdf, name: 'domicile.pdf' });
    await page.getByLabel('J’atteste sur l’honneur que ces informations sont exactes.').check();
    await Promise.all([
      page.waitForURL(/\/demandes\/VB-\d{4}-[A-Z0-9]{5}\/confirmation\?cle=/, { waitUntil: 'load' }),
      page.getByRole('button', { name: 'Envoyer ma demande' }).click(),
    ]);
    await assertAccessible('confirmation (verified identity)');
    const verified = /Identité vérifiée par FranceConnect le \d{1,2}(er)? \S+ \d{4}/;
    assert.match(await page.locator('main').innerText(), verified);
    const reference = /\/demandes\/(VB-\d{4}-[A-Z0-9]{5})\//.exec(page.url())![1]!;

    const receiptHref = await page.getByRole('link', { name: 'Télécharger le récépissé (PDF)' }).getAttribute('href');
    await page.getByRole('link', { name: 'Suivre votre demande' }).click();
    await page.waitForLoadState('load');
    await assertAccessible('tracking page (verified identity)');
    const tracking = await page.locator('main').innerText();
    assert.match(tracking, verified);
    assert.match(tracking, /Nantes \(44\)\s+Vérifié par FranceConnect/);

    const receipt = await page.request.get(new URL(receiptHref!, origin).href);
    assert.equal(receipt.status(), 200);
    const text = (await pdfPages(new Uint8Array(await receipt.body()), ' ')).join(' ').replace(/\s+/g, ' ');
    assert.match(text, verified);
    assert.match(text, /Commune de naissance Nantes \(44\) Vérifié par FranceConnect/);

    await page.goto(`${origin}/mon-espace/demandes`, { waitUntil: 'load' });
    await assertAccessible('my requests (verified identity)');
    const row = await page.getByRole('row', { name: new RegExp(reference) }).innerText();
    assert.match(row, verified);
  });

  test('the provider stopped: the click leads to Guichet’s own page, never a browser error page', async () => {
    await browser.context.clearCookies();
    await page.goto(`${origin}/demarches/inscription-listes-electorales/demande`, { waitUntil: 'load' });
    await fc.close();
    // The health state lives a few seconds: past it, the click checks again.
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/connexion/franceconnect/indisponible')),
      page.getByRole('button', { name: /S’identifier avec\s*FranceConnect/ }).click(),
    ]);
    await page.waitForLoadState('load');
    assert.equal(response.status(), 503);
    assert.ok(page.url().startsWith(`${origin}/connexion/franceconnect/indisponible`), page.url());
    await page.getByRole('heading', { level: 1, name: 'FranceConnect est indisponible pour le moment' }).waitFor();
    await assertAccessible('FranceConnect unavailable');
    await page.getByRole('link', { name: 'Remplir le formulaire sans FranceConnect' }).waitFor();
    await screenshots('fc-unavailable');
  });
});
