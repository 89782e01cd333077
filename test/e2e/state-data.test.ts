/**
 * The cantine form with the quotient familial from the demo API Particulier, in Chromium against
 * a real server process: the consent ticked, « Récupérer mon quotient familial », the form back
 * with the CAF's answer and what was typed, sent, then the tracking page that shows where the data
 * came from; and an unknown allocataire, where the form asks for the document. axe-core on every
 * page. Screenshots at 1280 and 375 pixels go to GUICHET_SCREENSHOTS_DIR when it is set.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startDemoApiParticulier, type DemoApiParticulier } from '../../src/demo/api-particulier-provider.ts';
import { startE2eSession, type E2eSession } from '../support/e2e-session.ts';

const FORM = '/demarches/cantine-periscolaire/demande';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

describe('the State’s data on the cantine form, in a browser', { timeout: 240_000 }, () => {
  let s: E2eSession;
  let provider: DemoApiParticulier;

  before(async () => {
    provider = await startDemoApiParticulier();
    s = await startE2eSession({
      env: {
        API_PARTICULIER_URL: provider.url,
        API_PARTICULIER_TOKEN: provider.token,
        GUICHET_DEMO_API_PARTICULIER: 'false',
        GUICHET_DEMO_FRANCECONNECT: 'false',
      },
    });
  });
  after(async () => {
    await s?.close();
    await provider?.close();
  });

  async function screenshots(name: string) {
    const dir = process.env.GUICHET_SCREENSHOTS_DIR;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    for (const width of [1280, 375]) {
      await s.page.setViewportSize({ width, height: 900 });
      await s.page.screenshot({ path: path.join(dir, `${name}-${width}.png`), fullPage: true });
    }
    await s.page.setViewportSize({ width: 1280, height: 900 });
  }

  async function fillCommon() {
    const { page } = s;
    await page.getByLabel('Nom et prénom de l’enfant').fill('Léo Martin');
    await page.getByLabel('École de l’enfant').fill('École Jules-Ferry');
    await page.getByRole('checkbox', { name: 'Cantine', exact: true }).check();
    await page.getByRole('radio', { name: 'Non' }).check();
    await page.getByLabel('Prénom', { exact: true }).fill('Camille');
    await page.getByLabel('Nom', { exact: true }).fill('Martin');
    await page.getByLabel('Adresse électronique').fill('camille.martin@example.org');
  }

  test('the quotient familial from API Particulier, then the request sent and tracked', async () => {
    const { page } = s;
    await s.goto(FORM);
    await s.assertAccessible('cantine form');
    await fillCommon();
    await page.getByLabel(/J’accepte que la mairie demande mon quotient familial/).check();
    await page.getByLabel('Numéro d’allocataire CAF').fill('1234567');
    await page.getByLabel('Code postal de votre adresse connue de la CAF').fill('00000');
    await page.getByRole('button', { name: 'Récupérer mon quotient familial' }).click();
    await page.getByText(/Données obtenues auprès de la CAF le/).waitFor();
    assert.match(await page.locator('.state-data-obtained').innerText(), /Quotient familial : 654 €/);
    assert.equal(await page.getByLabel('École de l’enfant').inputValue(), 'École Jules-Ferry');
    await s.assertAccessible('cantine form with the quotient familial');
    await screenshots('cantine-quotient-familial');

    await page.getByLabel(/Attestation d’assurance/).setInputFiles({
      name: 'assurance.pdf',
      mimeType: 'application/pdf',
      buffer: PDF,
    });
    await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
    await page.locator('h1').waitFor();
    assert.equal(await page.locator('.error-summary').count(), 0, await page.locator('main').innerText());
    await page.getByRole('heading', { level: 1, name: 'Votre demande est bien envoyée' }).waitFor();
    await s.assertAccessible('confirmation');
    await page.getByRole('link', { name: 'Suivre votre demande' }).click();
    await page
      .getByText(/Données obtenues auprès de la CAF le/)
      .first()
      .waitFor();
    await s.assertAccessible('tracking page with the State’s data');
    await screenshots('suivi-donnees-etat');
  });

  test('an unknown allocataire: the form asks for the document and says why', async () => {
    const { page } = s;
    await s.goto(FORM);
    await fillCommon();
    await page.getByLabel(/J’accepte que la mairie demande mon quotient familial/).check();
    await page.getByLabel('Numéro d’allocataire CAF').fill('1111111');
    await page.getByLabel('Code postal de votre adresse connue de la CAF').fill('00000');
    await page.getByRole('button', { name: 'Récupérer mon quotient familial' }).click();
    await page.locator('.error-summary').waitFor();
    assert.match(await page.locator('.error-summary').innerText(), /Joignez votre attestation de quotient familial/);
    assert.equal(await page.getByLabel('Nom et prénom de l’enfant').inputValue(), 'Léo Martin');
    await s.assertAccessible('cantine form asking for the document');
    await screenshots('cantine-document-demande');
  });
});
