/**
 * The workspace's journey in Chromium against a real server process with the demo data, every
 * page checked with axe-core: an agent notes a phone call from a new citizen, files a démarche
 * for them with their consent, the demo's routing rule sends it to another service, a colleague
 * takes it and answers from a template without changing its status, the citizen's reply comes
 * back by email over real SMTP and threads onto the item, and the colleague resolves it.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import { startE2eSession, type E2eSession } from '../support/e2e-session.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('the workspace journey in a browser', { timeout: 300_000 }, () => {
  let s: E2eSession;
  let inboundPort = 0;

  before(async () => {
    inboundPort = await freePort();
    s = await startE2eSession({ env: { INBOUND_SMTP_PORT: String(inboundPort), INBOUND_DOMAIN: 'guichet.localhost' } });
  });
  after(async () => s?.close());

  async function logIn(email: string, password: string) {
    const { page } = s;
    await page.context().clearCookies();
    await s.goto('/agent/connexion');
    await page.fill('#email', email);
    await page.fill('#password', password);
    await Promise.all([
      page.waitForURL(/\/agent\/demandes/),
      page.getByRole('button', { name: 'Se connecter' }).click(),
    ]);
  }

  test('a call → a démarche filed for the caller → routed → taken → answered → the reply threads → resolved', async () => {
    const { page } = s;
    const sophie = s.accounts.find((a) => a.email.startsWith('espace-public@'));
    const thomas = s.accounts.find((a) => a.email.startsWith('proprete@'));
    assert.ok(sophie && thomas, `demo team missing in the server output:\n${s.server.stdout()}`);

    // 1. Sophie takes a call from someone the town hall does not know yet.
    await logIn(sophie.email, sophie.password);
    // At 1280 px the inbox's filters stay folded while none is on, so the list starts high.
    const filtersOpen = () => page.locator('details.filter-panel').evaluate((d) => (d as HTMLDetailsElement).open);
    assert.equal(await filtersOpen(), false);
    await s.goto('/agent/demandes?canal=telephone');
    assert.equal(await filtersOpen(), true, 'open while a filter is on');
    await s.goto('/agent/demandes');
    await Promise.all([
      page.waitForURL(/\/agent\/contacts\/nouveau/),
      page.getByRole('link', { name: 'Noter un appel ou une visite' }).click(),
    ]);
    await page.getByLabel('Appel téléphonique').check();
    await page.getByLabel('Chercher une fiche usager').fill('Mireille Fontaine');
    await page.getByRole('button', { name: 'Chercher' }).click();
    await page.getByText('Aucune fiche trouvée').waitFor();
    await s.assertAccessible('the call: no record found');
    await page.getByLabel('Nom et prénom de la personne').fill('Mireille Fontaine');
    await page.getByLabel('Téléphone (facultatif)').fill('06 44 55 66 77');
    await page.getByLabel('Adresse électronique (facultatif)').fill('mireille.fontaine@example.org');
    await page.getByLabel('Demande à traiter').check();
    await page.getByLabel('Objet de sa demande').fill('Dépôt sauvage rue des Lilas');
    // Enter in a field saves: the form's default button is « Enregistrer », not « Chercher ».
    await Promise.all([page.waitForURL(/\?fait=contact/), page.getByLabel('Objet de sa demande').press('Enter')]);
    await s.assertAccessible('the call noted');

    // 2. She files the démarche for her, with her consent.
    await Promise.all([
      page.waitForURL(/\/agent\/deposer\?/),
      page.getByRole('link', { name: 'Déposer une démarche pour cette personne' }).click(),
    ]);
    await s.assertAccessible('choosing the démarche to file');
    await Promise.all([
      page.waitForURL(/\/agent\/demarches\/signaler-probleme-voirie\/deposer/),
      page.getByRole('link', { name: /Signaler un problème/ }).click(),
    ]);
    assert.equal(await page.inputValue('[name="applicant_email"]'), 'mireille.fontaine@example.org');
    await page.getByRole('button', { name: 'Déposer la demande' }).click();
    await page.locator('.error-summary').waitFor();
    assert.match(await page.locator('.error-summary').innerText(), /Demandez son accord/);
    await s.assertAccessible('filing for her: errors');
    await page.fill('[name="applicant_given_name"]', 'Mireille');
    await page.fill('[name="applicant_family_name"]', 'Fontaine');
    await page.locator('[name="categorie"]').selectOption('depot_sauvage');
    await page.fill('[name="lieu__street"]', '14 rue des Lilas');
    await page.fill('[name="lieu__postal_code"]', '00000');
    await page.fill('[name="lieu__city"]', 'Villebelle');
    await page.getByLabel('Décrivez le problème').fill('Un dépôt sauvage de gravats et de meubles bloque le trottoir.');
    await page.getByLabel('Appel téléphonique').check();
    await page.getByLabel(/La personne est d’accord/).check();
    await Promise.all([
      page.waitForURL(/\/deposee\?cle=/),
      page.getByRole('button', { name: 'Déposer la demande' }).click(),
    ]);
    const reference = (await page.locator('.reference').innerText()).trim();
    assert.match(reference, /^VB-\d{4}-/);
    await s.assertAccessible('filed: what to tell her');

    // 3. The demo's rule « Dépôts sauvages » sent it to the waste service.
    await s.goto(`/agent/demandes/${reference}`);
    const filed = await page.locator('main').innerText();
    assert.match(filed, /Orientation automatique/);
    assert.match(filed, /Dépôts sauvages et encombrants/);
    assert.match(filed, /par téléphone, par Sophie Leroy pour l’usager/);

    // 4. Thomas, her colleague, takes it and answers from a template; the status stays.
    await logIn(thomas.email, thomas.password);
    await s.goto(`/agent/demandes/${reference}`);
    await Promise.all([page.waitForURL(/fait=agent/), page.getByRole('button', { name: 'Prendre en charge' }).click()]);
    await page.getByLabel('Partir d’un modèle').selectOption({ label: 'Demande bien reçue' });
    await Promise.all([page.waitForURL(/modele=/), page.getByRole('button', { name: 'Utiliser ce modèle' }).click()]);
    assert.match(await page.getByLabel('Votre réponse').inputValue(), new RegExp(reference));
    await s.assertAccessible('a reply from a template');
    await Promise.all([
      page.waitForURL(/fait=reponse/),
      page.getByRole('button', { name: 'Envoyer la réponse' }).click(),
    ]);
    assert.match(await page.locator('main').innerText(), /Le statut n’a pas changé/);

    // 5. The reply reaches her mailbox; she answers it from her mail client.
    const mail = await s.smtp.waitFor(
      (m) =>
        (m.to && 'value' in m.to ? m.to.value : []).some((a) => a.address === 'mireille.fontaine@example.org') &&
        (m.subject ?? '').includes(reference) &&
        (m.text ?? '').includes('Nous avons bien reçu votre demande'),
      20_000,
    );
    const replyTo = mail.replyTo?.value[0]?.address ?? 'villebelle@guichet.localhost';
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: inboundPort, secure: false });
    await transport.sendMail({
      from: 'Mireille Fontaine <mireille.fontaine@example.org>',
      to: replyTo,
      subject: `Re: ${mail.subject}`,
      inReplyTo: mail.messageId,
      references: [mail.messageId!],
      text: 'Merci. Le dépôt est toujours là ce matin, devant le numéro 14.\n\nLe 3 déc., la mairie a écrit :\n> Nous avons bien reçu votre demande',
    });
    transport.close();
    let threaded = '';
    for (let i = 0; i < 40 && !threaded.includes('toujours là ce matin'); i++) {
      await s.goto(`/agent/demandes/${reference}`);
      threaded = await page.locator('main').innerText();
      if (!threaded.includes('toujours là ce matin')) await page.waitForTimeout(250);
    }
    assert.match(threaded, /Le dépôt est toujours là ce matin/, 'the reply is on the item, not a new one');
    await s.assertAccessible('the citizen’s reply on the item');

    // 6. Resolved.
    await page.getByLabel('Nouveau statut').selectOption({ label: 'Traitée' });
    await Promise.all([
      page.waitForURL(/fait=statut/),
      page.getByRole('button', { name: 'Changer le statut' }).click(),
    ]);
    assert.match(await page.locator('.facts').first().innerText(), /Traitée/);
    await s.assertAccessible('resolved');
    await page.setViewportSize({ width: 375, height: 800 });
    await s.assertAccessible('the resolved item on a phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
