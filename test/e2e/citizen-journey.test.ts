/**
 * The whole citizen journey in Chromium against a real server process: search, form with errors,
 * submission with a photo, PDF receipt, tracking page, emails, the agent's answer, and the
 * citizen seeing it. axe-core checks every page visited (WCAG 2.1 A and AA rules).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { axeViolations, formatViolations } from '../support/browser.ts';
import { mailText, startE2eSession, type E2eSession } from '../support/e2e-session.ts';
import type { TestSmtp } from '../support/smtp.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const CITIZEN_EMAIL = 'camille.martin@example.org';
const REFERENCE = /VB-\d{4}-[A-Z0-9]{5}/;
/** A real 1×1 PNG: the server checks the file's content, not only its name. */
const PNG_1x1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

interface Credentials {
  email: string;
  password: string;
}

/** The demo agent in charge of the voirie service, from the accounts main.ts prints at first start. */
function voirieAgent(stdout: string): Credentials {
  const accounts = [...stdout.matchAll(/^\s+(\S+@\S+) \/ (\S+)\s+\((\w+): (.*)\)\s*$/gm)].map((m) => ({
    email: m[1]!,
    password: m[2]!,
    services: m[4]!,
  }));
  const agent =
    accounts.find((a) => a.services.includes('voirie')) ?? accounts.find((a) => a.services.includes('tous'));
  assert.ok(agent, `no demo agent for the voirie service in the server output:\n${stdout}`);
  return agent;
}

describe('citizen journey in a browser', { timeout: 240_000 }, () => {
  let session: E2eSession;
  let smtp: TestSmtp;
  let page: Page;
  let origin: string;
  let agent: Credentials;

  // What the journey learns and later steps use.
  let reference = '';
  let trackingPath = '';

  before(async () => {
    session = await startE2eSession({ env: { TRACKING_RATE_LIMIT: '1000' } });
    smtp = session.smtp;
    origin = session.origin;
    agent = voirieAgent(session.server.stdout());
    page = session.page;
  });

  after(async () => session?.close());

  /** A new tab whose script and console errors are recorded (see test/support/e2e-session.ts). */
  const watchedPage = () => session.watchedPage();

  /** Asserts that axe-core finds nothing on the page as it is now, and that the browser reported no error. */
  async function assertAccessible(label: string): Promise<void> {
    assert.deepEqual(session.browserErrors.splice(0), [], `browser errors up to ${label}`);
    const violations = await axeViolations(page);
    assert.equal(violations.length, 0, formatViolations(`${label} (${page.url()})`, violations));
  }

  async function goto(pathname: string): Promise<void> {
    const res = await page.goto(`${origin}${pathname}`, { waitUntil: 'load' });
    assert.ok(res, `no response for ${pathname}`);
    assert.equal(res.status(), 200, `${pathname} answered ${res.status()}`);
  }

  test('axe-core runs and reports violations (so a clean result means something)', async () => {
    await page.setContent('<!doctype html><html><head><title>t</title></head><body><img src="x.png"></body></html>');
    const violations = await axeViolations(page);
    assert.ok(
      violations.some((v) => v.id === 'image-alt'),
      `expected image-alt and html-has-lang, got ${violations.map((v) => v.id).join(', ')}`,
    );
    assert.ok(violations.some((v) => v.id === 'html-has-lang'));
  });

  test('the home page search finds the démarche, typed and sent with the keyboard', async () => {
    await goto('/');
    await assertAccessible('home page');
    await page.getByLabel(/Rechercher une démarche/).fill('trou dans la route');
    await Promise.all([page.waitForURL(/\/recherche\?/), page.keyboard.press('Enter')]);
    await page.waitForLoadState('load');
    await assertAccessible('search results');
    const first = page.locator('main a[href$="/demarches/signaler-probleme-voirie"]').first();
    await assert.doesNotReject(first.waitFor({ state: 'visible' }), 'the voirie démarche is in the results');
    await Promise.all([page.waitForURL(/\/demarches\/signaler-probleme-voirie$/), first.click()]);
    await assertAccessible('démarche page');
    await Promise.all([
      page.waitForURL(/\/demarches\/signaler-probleme-voirie\/demande$/),
      page.getByRole('link', { name: 'Faire la demande en ligne' }).first().click(),
    ]);
    await assertAccessible('form page');
  });

  test('a partial form with a wrong email comes back with a usable error summary, keeping what was typed', async () => {
    await page.selectOption('#categorie', 'chaussee');
    await page.fill('#lieu__street', '12 rue des Lilas');
    await page.fill('#applicant_given_name', 'Camille');
    await page.fill('#applicant_family_name', 'Martin');
    await page.fill('#applicant_email', 'camille.martin-at-example.org');
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/demande')),
      page.getByRole('button', { name: 'Envoyer ma demande' }).click(),
    ]);
    await page.waitForLoadState('load');

    const summary = page.locator('.error-summary');
    await summary.waitFor({ state: 'visible' });
    const role = await summary.getAttribute('role');
    const focused = await page.evaluate(() => document.activeElement?.id ?? '');
    assert.ok(role === 'alert' || focused === 'error-summary', 'the summary is announced or focused');
    await assertAccessible('form with its error summary');

    const targets = await summary.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
    assert.ok(targets.length >= 3, `expected several errors, got ${targets.join(', ')}`);
    for (const href of targets) {
      assert.match(href, /^#[\w-]+$/);
      assert.equal(await page.locator(href).count(), 1, `the summary link ${href} points to a field`);
    }
    assert.ok(targets.includes('#applicant_email'), 'the wrong email is in the summary');
    assert.ok(targets.includes('#description'), 'the missing description is in the summary');

    await summary.locator('a[href="#applicant_email"]').click();
    const active = await page.evaluate(() => document.activeElement?.id ?? '');
    assert.equal(active, 'applicant_email', 'following the summary link focuses the field');

    assert.equal(await page.inputValue('#lieu__street'), '12 rue des Lilas');
    assert.equal(await page.inputValue('#applicant_given_name'), 'Camille');
    assert.equal(await page.inputValue('#applicant_email'), 'camille.martin-at-example.org');
    assert.equal(await page.inputValue('#categorie'), 'chaussee');
    assert.equal(await page.locator('#applicant_email').getAttribute('aria-invalid'), 'true');
  });

  test('the corrected form with a photo is sent: confirmation with the reference and the due date', async () => {
    await page.fill('#applicant_email', CITIZEN_EMAIL);
    await page.fill('#lieu__postal_code', '00000');
    await page.fill('#lieu__city', 'Villebelle');
    await page.fill('#description', 'Un trou profond au milieu de la chaussée, devant le numéro 12.');
    await page.setInputFiles('#photo', { name: 'trou.png', mimeType: 'image/png', buffer: PNG_1x1 });
    await Promise.all([
      page.waitForURL(/\/demandes\/VB-\d{4}-[A-Z0-9]{5}\/confirmation\?cle=/, { waitUntil: 'load' }),
      page.getByRole('button', { name: 'Envoyer ma demande' }).click(),
    ]);
    await page.getByRole('heading', { level: 1, name: 'Votre demande est bien envoyée' }).waitFor();
    await assertAccessible('confirmation page');

    const text = await page.locator('main').innerText();
    const ref = REFERENCE.exec(text);
    assert.ok(ref, `a reference on the confirmation page:\n${text}`);
    reference = ref[0];
    assert.match(text, /au plus tard le \d{1,2} \S+ \d{4}/, 'the due date is shown');
    const href = await page.getByRole('link', { name: 'Suivre votre demande' }).getAttribute('href');
    assert.ok(href && href.startsWith(`/suivi/${reference}?cle=`), `tracking link: ${href}`);
    trackingPath = href;
  });

  test('the PDF receipt carries the reference', async () => {
    assert.ok(reference, 'needs the submission');
    const href = await page.getByRole('link', { name: 'Télécharger le récépissé (PDF)' }).getAttribute('href');
    assert.ok(href, 'a receipt link');
    const res = await page.request.get(`${origin}${href}`);
    assert.equal(res.status(), 200);
    assert.match(res.headers()['content-type'] ?? '', /application\/pdf/);
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await pdfjs.getDocument({
      data: new Uint8Array(await res.body()),
      standardFontDataUrl: `${path.join(ROOT, 'node_modules', 'pdfjs-dist', 'standard_fonts')}/`,
    }).promise;
    let text = '';
    for (let i = 1; i <= doc.numPages; i++) {
      const content = await (await doc.getPage(i)).getTextContent();
      text += content.items.map((item) => ('str' in item ? item.str : '')).join(' ');
    }
    await doc.destroy();
    assert.ok(text.includes(reference), `the reference ${reference} in the PDF text:\n${text}`);
  });

  test('the tracking page shows the status "Reçue" and the timeline', async () => {
    assert.ok(trackingPath, 'needs the submission');
    await Promise.all([
      page.waitForURL((u) => u.pathname === `/suivi/${reference}`),
      page.getByRole('link', { name: 'Suivre votre demande' }).click(),
    ]);
    await page.getByRole('heading', { level: 1, name: `Demande ${reference}` }).waitFor();
    await assertAccessible('tracking page');
    assert.equal((await page.locator('.status').first().innerText()).trim(), 'Reçue');
    const timeline = page.locator('ol.timeline > li');
    assert.equal(await timeline.count(), 1);
    assert.match(await timeline.first().innerText(), /Demande envoyée/);
  });

  test('the confirmation email has the reference and a tracking link that opens the same page', async () => {
    assert.ok(reference, 'needs the submission');
    const mail = await smtp.waitFor(
      (m) => (m.subject ?? '').includes(reference) && /reçue/i.test(m.subject ?? ''),
      20_000,
    );
    assert.ok(
      (Array.isArray(mail.to) ? mail.to : [mail.to]).some((to) => to?.text.includes(CITIZEN_EMAIL)),
      'sent to the citizen',
    );
    const body = mailText(mail);
    assert.ok(body.includes(reference));
    const link = new RegExp(`https?://[^\\s"<>]+/suivi/${reference}\\?cle=[^\\s"<>]+`).exec(body);
    assert.ok(link, `a tracking link in the email:\n${body}`);
    const linkUrl = new URL(link[0].replace(/&amp;/g, '&'));
    assert.equal(`${linkUrl.pathname}${linkUrl.search}`, trackingPath);
    await page.goto(`${origin}${linkUrl.pathname}${linkUrl.search}`);
    await page.getByRole('heading', { level: 1, name: `Demande ${reference}` }).waitFor();
    assert.equal((await page.locator('.status').first().innerText()).trim(), 'Reçue');
  });

  test('the agent logs in, finds the request and answers the citizen', async () => {
    assert.ok(reference, 'needs the submission');
    const agentPage = await watchedPage();
    const citizenPage = page;
    page = agentPage;
    try {
      await goto('/agent/connexion');
      await assertAccessible('agent login page');

      await page.fill('#email', agent.email);
      await page.fill('#password', 'pas-le-bon-mot-de-passe');
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.getByRole('button', { name: 'Se connecter' }).click(),
      ]);
      await page.locator('.error-summary').waitFor();
      await assertAccessible('agent login with an error');

      await page.fill('#password', agent.password);
      await Promise.all([
        page.waitForURL(/\/agent\/demandes/),
        page.getByRole('button', { name: 'Se connecter' }).click(),
      ]);
      await assertAccessible('agent request list');

      // The filters are folded away until one is applied.
      await page.locator('summary', { hasText: 'Filtres et tri' }).click();
      await page.selectOption('#statut', 'recue');
      await Promise.all([page.waitForURL(/statut=recue/), page.getByRole('button', { name: 'Filtrer' }).click()]);
      await assertAccessible('agent request list, filtered');
      await Promise.all([
        page.waitForURL((u) => u.pathname === `/agent/demandes/${reference}`),
        page.getByRole('link', { name: reference }).click(),
      ]);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await assertAccessible('agent request page');
      assert.match(await page.locator('main').innerText(), /Camille/);

      // A refusal needs a message: the form comes back with its summary and the choice kept.
      await page.selectOption('#statut', 'refusee');
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/statut')),
        page.getByRole('button', { name: 'Changer le statut' }).click(),
      ]);
      await page.locator('.error-summary').waitFor();
      await assertAccessible('agent request page with an error');
      assert.equal(await page.inputValue('#statut'), 'refusee');
      assert.equal(await page.locator('#message').getAttribute('aria-invalid'), 'true');

      await page.selectOption('#statut', 'en_cours');
      await page.fill('#message', 'Merci. Une équipe passe reboucher le trou cette semaine.');
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/statut')),
        page.getByRole('button', { name: 'Changer le statut' }).click(),
      ]);
      await page.waitForLoadState('load');
      await page.getByRole('heading', { level: 1 }).waitFor();
      await assertAccessible('agent request page after the change');
      assert.match(await page.locator('.notice').innerText(), /statut de la demande est changé/);
      assert.match(await page.locator('main').innerText(), /Statut changé : En cours/);
    } finally {
      await agentPage.close();
      page = citizenPage;
    }
  });

  test("the citizen sees the new status and the agent's message, and gets an email", async () => {
    assert.ok(trackingPath, 'needs the submission');
    await goto(trackingPath);
    await assertAccessible('tracking page after the change');
    assert.equal((await page.locator('.status').first().innerText()).trim(), 'En cours de traitement');
    assert.match(await page.locator('ol.timeline').innerText(), /Une équipe passe reboucher le trou cette semaine\./);
    const mail = await smtp.waitFor(
      (m) => (m.subject ?? '').includes(reference) && /en cours/i.test(m.subject ?? ''),
      20_000,
    );
    assert.ok(mailText(mail).includes(reference));
  });

  test('the citizen answers from the tracking page: an empty message is refused, a real one is added', async () => {
    assert.ok(trackingPath, 'needs the submission');
    const send = page.getByRole('button', { name: 'Envoyer', exact: true });
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/messages')),
      send.click(),
    ]);
    const summary = page.locator('.error-summary');
    await summary.waitFor();
    await assertAccessible('tracking page with an error');
    const links = await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    for (const href of links) assert.equal(await page.locator(href).count(), 1, `${href} points to a field`);
    await summary.locator('a').first().click();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'message');
    assert.equal(await page.locator('#message').getAttribute('aria-invalid'), 'true');

    await page.fill('#message', 'Merci beaucoup.\nLe trou est plus grand depuis la pluie.');
    await Promise.all([page.waitForURL(/envoye=1/), send.click()]);
    await assertAccessible('tracking page after a message');
    assert.match(await page.locator('.notice').innerText(), /Votre message est bien envoyé/);
    const timeline = await page.locator('ol.timeline').innerText();
    assert.match(timeline, /Votre message/);
    assert.match(timeline, /Le trou est plus grand depuis la pluie\./);
  });

  test('keyboard: the first Tab reaches the skip link, Enter moves to the main content', async () => {
    await goto('/');
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => ({
      text: document.activeElement?.textContent?.trim() ?? '',
      href: document.activeElement?.getAttribute('href') ?? '',
    }));
    assert.equal(skip.text, 'Aller au contenu');
    const outline = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement!);
      return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
    });
    assert.ok(
      outline.style !== 'none' && outline.width >= 2,
      `the skip link shows its focus: ${JSON.stringify(outline)}`,
    );
    await assertAccessible('home page, skip link focused');
    await page.keyboard.press('Enter');
    const active = await page.evaluate(() => document.activeElement?.id ?? '');
    assert.equal(active, skip.href.replace('#', ''));
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'MAIN');
  });

  test('the tracking lookup form without a code says what is missing', async () => {
    await goto('/suivi');
    await page.fill('#reference', reference);
    await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/suivi' && r.status() === 400),
      page.getByRole('button', { name: 'Voir ma demande' }).click(),
    ]);
    await page.locator('.error-summary').waitFor();
    await assertAccessible('tracking lookup with an error');
    assert.equal(await page.inputValue('#reference'), reference);
  });

  test('a tracking link with a wrong code shows the "not found" page', async () => {
    assert.ok(reference, 'needs the submission');
    const res = await page.goto(`${origin}/suivi/${reference}?cle=MAUVAISCODE`);
    assert.equal(res?.status(), 404);
    await page.getByRole('heading', { level: 1 }).waitFor();
    assert.ok(!(await page.locator('main').innerText()).includes('Camille'), 'nothing of the request leaks');
    await assertAccessible('404 tracking page');
  });

  test('the other pages have no accessibility violations', async () => {
    const pages = [
      '/demarches',
      '/contact',
      '/mentions-legales',
      '/donnees-personnelles',
      '/accessibilite',
      '/plan-du-site',
      '/demarches/bruit-voisinage',
      '/evenements/je-demenage',
      '/demarches/acte-naissance-mariage/demande',
    ];
    const failures: string[] = [];
    for (const pathname of pages) {
      await goto(pathname);
      const violations = await axeViolations(page);
      if (violations.length) failures.push(formatViolations(pathname, violations));
    }
    await goto('/api/docs');
    await page.waitForLoadState('networkidle').catch(() => {});
    const apiViolations = await axeViolations(page);
    if (apiViolations.length) failures.push(formatViolations('/api/docs', apiViolations));
    assert.equal(failures.length, 0, failures.join('\n\n'));
    assert.deepEqual(session.browserErrors.splice(0), [], 'browser errors on these pages');
  });
});
