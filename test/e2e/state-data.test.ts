/**
 * The cantine form with the quotient familial from the demo API Particulier, in Chromium against
 * a real server process: the civil status typed (a commune of birth several communes bear, chosen
 * in the list the form shows), the consent ticked, « Récupérer mon quotient familial », the form
 * back with the CAF's answer and what was typed, sent, then the tracking page that shows where the
 * data came from; and an unknown person, where the form asks for the document. axe-core on every
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

  /** Sophie Bernard, born in Saint-Denis (93): a family of the demo API Particulier. */
  async function fillCivilStatus(nomNaissance = 'Bernard') {
    const { page } = s;
    await page.getByLabel('Votre nom de naissance').fill(nomNaissance);
    await page.getByLabel('Vos prénoms').fill('Sophie');
    await page.getByLabel('Votre date de naissance').fill('1985-12-01');
    await page.getByRole('radio', { name: 'Féminin' }).check();
    await page.getByLabel('Votre commune de naissance').fill('Saint-Denis');
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
    await fillCivilStatus();
    await page.getByLabel(/J’accepte que la mairie demande mon quotient familial/).check();
    await page.getByRole('button', { name: 'Récupérer mon quotient familial' }).click();
    // Several communes are called Saint-Denis: the form asks which one.
    await page.getByRole('group', { name: /Dans quelle commune « Saint-Denis »/ }).waitFor();
    assert.match(await page.locator('.error-summary').innerText(), /Plusieurs communes s’appellent « Saint-Denis »/);
    await s.assertAccessible('cantine form asking which Saint-Denis');
    await screenshots('cantine-commune-homonyme');
    await page.getByRole('radio', { name: 'Saint-Denis (93)' }).check();
    await page.getByRole('button', { name: 'Récupérer mon quotient familial' }).click();
    await page.getByText(/Données obtenues auprès de la CAF le/).waitFor();
    assert.match(await page.locator('.state-data-obtained').innerText(), /Quotient familial : 890 €/);
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

  test('an unknown person: the form asks for the document and says why', async () => {
    const { page } = s;
    await s.goto(FORM);
    await fillCommon();
    await fillCivilStatus('Personne');
    await page.getByLabel('Votre commune de naissance').fill('Saint-Denis (974)');
    await page.getByLabel(/J’accepte que la mairie demande mon quotient familial/).check();
    await page.getByRole('button', { name: 'Récupérer mon quotient familial' }).click();
    await page.locator('.error-summary').waitFor();
    const summary = await page.locator('.error-summary').innerText();
    assert.match(summary, /ne connaissent pas de dossier avec ces informations/);
    assert.match(summary, /Joignez votre attestation de quotient familial/);
    assert.equal(await page.getByLabel('Nom et prénom de l’enfant').inputValue(), 'Léo Martin');
    await s.assertAccessible('cantine form asking for the document');
    await screenshots('cantine-document-demande');
  });
});
