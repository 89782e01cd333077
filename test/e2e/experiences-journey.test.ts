/**
 * Experiences and complaints in Chromium against a real server process with the demo data, every
 * page checked with axe-core (issue 12, parts 2 and 3): a citizen shares an experience with
 * personal data in it; an agent of the service moderates it (seeing it masked), publishes it and
 * answers publicly; the public page shows the masked text and the signed answer. Then the agent
 * turns a request into a complaint, escalates it to the direction and records the decision.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startE2eSession, type E2eSession } from '../support/e2e-session.ts';

const SECRETS = ['Mme LEFEBVRE', '06 12 34 56 78', '12 rue des Lilas', 'Sophie Durand', 'sophie.durand@example.org'];

describe('experiences and complaints in a browser', { timeout: 300_000 }, () => {
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

  test('a citizen shares an experience; an agent moderates and answers it; the public page shows it masked', async () => {
    const { page } = s;
    const agent = s.accounts.find((a) => a.role === 'agent' && a.services === 'etat-civil');
    assert.ok(agent, `demo accounts missing:\n${s.server.stdout()}`);

    await s.goto('/experiences');
    await s.assertAccessible('published experiences');
    await Promise.all([
      page.waitForURL(/\/experiences\/partager$/),
      page.getByRole('link', { name: 'Partager votre expérience' }).click(),
    ]);
    await s.assertAccessible('share form');
    // Sent without the consent box: the form comes back with its summary and what was typed.
    await page.getByLabel('Négative').check();
    await page.getByLabel('Titre').fill('Attente interminable au guichet');
    await page
      .getByLabel('Votre expérience', { exact: true })
      .fill(
        'Mme LEFEBVRE m’a demandé de revenir trois fois. J’habite au 12 rue des Lilas et personne ne m’a rappelée au 06 12 34 56 78.',
      );
    await page.getByLabel('Service concerné').selectOption({ label: 'État civil' });
    await page.getByLabel('Votre nom').fill('Sophie Durand');
    await page.getByLabel('Votre adresse électronique').fill('sophie.durand@example.org');
    await Promise.all([
      page.waitForLoadState('load'),
      page.getByRole('button', { name: 'Envoyer mon expérience' }).click(),
    ]);
    assert.match(await page.locator('.error-summary').innerText(), /Cochez la case/);
    assert.equal(await page.getByLabel('Titre').inputValue(), 'Attente interminable au guichet');
    await s.assertAccessible('share form with its error summary');
    await page.getByLabel(/J’accepte que mon expérience soit publiée/).check();
    await Promise.all([
      page.waitForURL(/\/experiences\/merci$/),
      page.getByRole('button', { name: 'Envoyer mon expérience' }).click(),
    ]);
    await s.assertAccessible('thanks page');
    await s.goto('/experiences');
    assert.doesNotMatch(await page.locator('main').innerText(), /Attente interminable/, 'not public before moderation');

    await logIn(agent.email, agent.password);
    await Promise.all([
      page.waitForURL(/\/agent\/experiences/),
      page.getByRole('link', { name: 'Expériences', exact: true }).click(),
    ]);
    await s.assertAccessible('experiences to moderate');
    await Promise.all([
      page.waitForURL(/\/agent\/experiences\/[0-9a-f-]{36}$/),
      page.getByRole('link', { name: 'Attente interminable au guichet' }).click(),
    ]);
    await s.assertAccessible('an experience to moderate');
    const proposal = await page.getByLabel('Texte publié').inputValue();
    for (const secret of SECRETS) assert.ok(!proposal.includes(secret), `« ${secret} » in the proposal: ${proposal}`);
    assert.match(proposal, /Mme \[nom\]/);
    assert.match(proposal, /\[téléphone\]/);
    await Promise.all([
      page.waitForURL(/\?fait=publiee/),
      page.getByRole('button', { name: 'Publier', exact: true }).click(),
    ]);
    await s.assertAccessible('the experience, published');
    await page
      .getByLabel('Réponse du service')
      .fill('Nous avons ajouté un créneau d’accueil sans rendez-vous le samedi.');
    await page.getByLabel('Signature').fill('Claire, service État civil');
    await Promise.all([
      page.waitForURL(/\?fait=reponse/),
      page.getByRole('button', { name: 'Publier la réponse' }).click(),
    ]);
    await s.assertAccessible('the experience, answered');

    await s.goto('/experiences');
    const published = await page.locator('main').innerText();
    assert.match(published, /Attente interminable au guichet/);
    assert.match(published, /Mme \[nom\]/);
    assert.match(published, /Nous avons ajouté un créneau d’accueil sans rendez-vous le samedi/);
    assert.match(published, /Claire, service État civil/);
    for (const secret of SECRETS) assert.ok(!published.includes(secret), `« ${secret} » is public`);
    await s.assertAccessible('published experiences with the answer');
    await s.goto('/vous-avez-dit-nous-avons-fait');
    await s.assertAccessible('« Vous avez dit, nous avons fait »');
  });

  test('an agent files a complaint from a request, escalates it, records the decision', async () => {
    const { page } = s;
    await s.goto('/agent/demandes');
    await Promise.all([
      page.waitForURL(/\/agent\/demandes\/[A-Z]+-\d{4}-/),
      page.locator('table .reference a').first().click(),
    ]);
    const reference = decodeURIComponent(
      page
        .url()
        .replace(/.*\/agent\/demandes\//, '')
        .replace(/[?#].*$/, ''),
    );
    await Promise.all([
      page.waitForURL(/\/agent\/reclamations\/nouvelle\?demande=/),
      page.getByRole('link', { name: 'Traiter comme réclamation' }).first().click(),
    ]);
    await s.assertAccessible('new complaint, from a request');
    assert.match(await page.locator('main').innerText(), new RegExp(`Réclamation sur la demande ${reference}`));
    await page.getByLabel('Objet').fill('Trois relances sans réponse');
    await page.getByLabel('Ce que la personne reproche').fill('La personne a relancé trois fois sans réponse.');
    await Promise.all([
      page.waitForURL(/\/agent\/reclamations\/[0-9a-f-]{36}\?fait=/),
      page.getByRole('button', { name: 'Enregistrer la réclamation' }).click(),
    ]);
    await s.assertAccessible('the complaint');
    const main = () => page.locator('main').innerText();
    assert.match(await main(), new RegExp(reference));

    await page.getByLabel('Motif').fill('La personne conteste le délai annoncé par le service.');
    await Promise.all([
      page.waitForURL(/\?fait=escalade/),
      page.getByRole('button', { name: 'Transmettre à la direction' }).click(),
    ]);
    assert.match(await main(), /Direction/);
    await s.assertAccessible('the complaint, at the direction');

    await page.getByLabel('Cause principale').selectOption({ label: 'Délai de traitement' });
    await page.getByLabel('Fondée', { exact: true }).check();
    await page
      .getByLabel('Réponse à la personne')
      .fill('Votre dossier est traité en priorité. Nous vous prions de nous excuser.');
    await Promise.all([
      page.waitForURL(/\?fait=decision/),
      page.getByRole('button', { name: 'Enregistrer la décision et répondre' }).click(),
    ]);
    const decided = await main();
    assert.match(decided, /Délai de traitement/);
    assert.match(decided, /Fondée/);
    await s.assertAccessible('the complaint, decided');

    await s.goto(`/agent/demandes/${encodeURIComponent(reference)}`);
    assert.match(await page.locator('.complaint-panel').innerText(), /REC-\d{4}-/);
    await s.assertAccessible('the request with its complaint');
    await s.goto('/agent/reclamations?vue=toutes');
    await s.assertAccessible('the complaints list');
  });
});
