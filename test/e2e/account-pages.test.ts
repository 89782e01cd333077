/**
 * The citizen account pages and the agent identity and administration pages in Chromium against
 * a real server process, each checked with axe-core (WCAG 2.1 A and AA rules): login and
 * registration (also with errors), registration confirmed through the mail's link, the citizen
 * space, then the demo admin's first login with the second-factor enrolment and the administration
 * pages (the commune's settings also with an error).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as OTPAuth from 'otpauth';
import { axeViolations } from '../support/browser.ts';
import { mailText, startE2eSession, type E2eSession } from '../support/e2e-session.ts';

const CITIZEN_EMAIL = 'dominique.petit@example.org';
const CITIZEN_PASSWORD = 'lavande moulin piano 27';

describe('account pages in a browser', { timeout: 240_000 }, () => {
  let s: E2eSession;

  before(async () => {
    s = await startE2eSession();
  });
  after(async () => s?.close());

  async function heading(name: string | RegExp): Promise<void> {
    await s.page.getByRole('heading', { level: 1, name }).waitFor();
  }

  test('axe-core reports violations here too (so a clean result means something)', async () => {
    await s.page.setContent(
      '<!doctype html><html lang="fr"><head><title>t</title></head><body><img src="x.png"></body></html>',
    );
    const violations = await axeViolations(s.page);
    assert.ok(violations.some((v) => v.id === 'image-alt'));
  });

  test('login, registration and forgotten password pages, also with errors', async () => {
    const { page } = s;
    await s.goto('/connexion');
    await s.assertAccessible('citizen login');
    await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
    await page.locator('.error-summary').waitFor();
    await s.assertAccessible('citizen login with an error');

    await s.goto('/inscription');
    await s.assertAccessible('registration');
    await page.getByLabel('Adresse électronique').fill('p\u0430ul@example.org');
    await page.getByRole('button', { name: 'Créer mon compte' }).click();
    await page.locator('.error-summary').waitFor();
    assert.equal(await page.getByLabel('Adresse électronique').inputValue(), 'p\u0430ul@example.org');
    await s.assertAccessible('registration with errors');

    await s.goto('/mot-de-passe-oublie');
    await s.assertAccessible('forgotten password');
  });

  test('a citizen registers, confirms from the mail, signs in and visits the space', async () => {
    const { page } = s;
    await s.goto('/inscription');
    await page.getByLabel('Adresse électronique').fill(CITIZEN_EMAIL);
    await page.getByLabel('Mot de passe', { exact: true }).fill(CITIZEN_PASSWORD);
    await page.getByLabel('Confirmez le mot de passe').fill(CITIZEN_PASSWORD);
    await page.getByRole('button', { name: 'Créer mon compte' }).click();
    await heading('Vérifiez votre messagerie');
    await s.assertAccessible('check your mail');

    const mail = await s.smtp.waitFor((m) => JSON.stringify(m.to ?? '').includes(CITIZEN_EMAIL), 30_000);
    const link = /https?:\/\/[^\s"<]*\/inscription\/confirmer\?jeton=[\w-]+/.exec(mailText(mail));
    assert.ok(link, `no confirmation link in the mail:\n${mailText(mail)}`);
    // Opened as from another browser (without the registration cookie), the link asks for the password.
    const cookies = await page.context().cookies();
    await page.context().clearCookies();
    await page.context().addCookies(cookies.filter((c) => c.name !== 'guichet_inscription'));
    const opened = await page.goto(link[0].replace(/^https?:\/\/[^/]+/, s.origin), { waitUntil: 'load' });
    assert.equal(opened?.status(), 200);
    await heading('Confirmer votre adresse électronique');
    await s.assertAccessible('confirmation asking for the password');
    await page.getByLabel('Mot de passe du compte').fill('pas le bon mot de passe');
    await page.getByRole('button', { name: 'Confirmer mon adresse' }).click();
    await page.locator('.error-summary').waitFor();
    await s.assertAccessible('confirmation with a wrong password');
    await page.getByLabel('Mot de passe du compte').fill(CITIZEN_PASSWORD);
    await Promise.all([
      page.waitForURL(/\/connexion\?confirme=1$/),
      page.getByRole('button', { name: 'Confirmer mon adresse' }).click(),
    ]);
    await s.assertAccessible('login after confirmation');

    await page.getByLabel('Adresse électronique').fill(CITIZEN_EMAIL);
    await page.getByLabel('Mot de passe', { exact: true }).fill(CITIZEN_PASSWORD);
    await Promise.all([
      page.waitForURL(/\/mon-espace$/),
      page.getByRole('button', { name: 'Se connecter', exact: true }).click(),
    ]);
    for (const path of [
      '/mon-espace',
      '/mon-espace/demandes',
      '/mon-espace/demandes/rattacher',
      '/mon-espace/messages',
      '/mon-espace/preferences',
      '/mon-espace/sessions',
      '/mon-espace/donnees',
    ]) {
      await s.goto(path);
      await s.assertAccessible(path);
    }
    await s.goto('/mon-espace/demandes/rattacher');
    await page.getByLabel('Numéro de la demande').fill('VB-2026-ZZZZZ');
    await page.getByLabel('Code de suivi').fill('ABCD-EFGH');
    await page.getByRole('button', { name: 'Rattacher la demande' }).click();
    await page.locator('.error-summary').waitFor();
    assert.equal(await page.getByLabel('Numéro de la demande').inputValue(), 'VB-2026-ZZZZZ');
    await s.assertAccessible('attaching a request, with an error');
  });

  test('the demo admin enrols a second factor and visits the administration pages', async () => {
    const { page } = s;
    const admin = s.accounts.find((a) => a.role === 'admin');
    assert.ok(admin, `no admin account in the server output:\n${s.server.stdout()}`);
    await s.goto('/agent/connexion');
    await s.assertAccessible('agent login');
    await page.getByLabel('Adresse électronique').fill(admin.email);
    await page.getByLabel('Mot de passe').fill(admin.password);
    await Promise.all([
      page.waitForURL(/\/agent\/double-authentification$/),
      page.getByRole('button', { name: 'Se connecter' }).click(),
    ]);
    await heading('Activer la double authentification');
    await s.assertAccessible('second-factor enrolment');

    await page.getByRole('button', { name: 'Activer' }).click();
    await page.locator('.error-summary').waitFor();
    await s.assertAccessible('second-factor enrolment with an error');

    const secret = (await page.locator('#totp-secret').innerText()).replace(/\s/g, '');
    const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate();
    await page.getByLabel(/Code à 6 chiffres/).fill(code);
    await page.getByRole('button', { name: 'Activer' }).click();
    await heading('Vos codes de secours');
    assert.ok((await page.locator('.recovery-codes li').count()) > 0, 'recovery codes are shown');
    await s.assertAccessible('recovery codes');
    await page.getByRole('link', { name: /J'ai noté mes codes/ }).click();
    await page.waitForLoadState('load');

    for (const path of [
      '/agent/admin/agents',
      '/agent/admin/demarches',
      '/agent/admin/commune',
      '/agent/admin/messagerie',
      '/agent/admin/protection-des-donnees',
      '/agent/rgpd/registre',
      '/agent/rgpd/effacements',
    ]) {
      await s.goto(path);
      await s.assertAccessible(path);
    }

    // The commune's settings, sent back with a colour too pale to read on white.
    await s.goto('/agent/admin/commune');
    await page.getByLabel(/Couleur principale/).fill('#777777');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.locator('.error-summary').waitFor();
    assert.equal(await page.getByLabel(/Couleur principale/).inputValue(), '#777777');
    await s.assertAccessible('commune settings with an error');

    // The mailbox form sent without a server: the error summary, what was typed kept.
    await s.goto('/agent/admin/messagerie');
    await page.getByLabel('Identifiant').fill('mairie@villebelle.example');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.locator('.error-summary').waitFor();
    assert.equal(await page.getByLabel('Identifiant').inputValue(), 'mairie@villebelle.example');
    await s.assertAccessible('mailbox settings with an error');
  });
});
