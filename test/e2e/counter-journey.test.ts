/**
 * The day at the counter in Chromium against a real server process with the demo's morning at
 * the mairie, every page checked with axe-core: a booked citizen is found by name and checked in
 * through the link of her confirmation's QR code, a walk-in gets a ticket, the agent at Guichet 1
 * calls the next person, the waiting-room screen shows the ticket (with JavaScript, updated in
 * place; without, reloading itself), the service is recorded, and a supervisor sees it in the
 * figures.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { axeViolations, formatViolations, launchBrowser, type TestBrowser } from '../support/browser.ts';
import { startE2eSession, type E2eSession } from '../support/e2e-session.ts';

describe('the counter journey in a browser', { timeout: 300_000 }, () => {
  let s: E2eSession;
  let noScript: TestBrowser | undefined;

  before(async () => {
    s = await startE2eSession();
  });
  after(async () => {
    await noScript?.close();
    await s?.close();
  });

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
  const notice = () => s.page.locator('[role="status"]').first().innerText();

  test('check-in → walk-in ticket → call next → the screen → served → the figures', { timeout: 60_000 }, async () => {
    const { page } = s;
    const agent = s.accounts.find((a) => a.role === 'agent' && a.services === 'etat-civil');
    const lead = s.accounts.find((a) => a.role === 'supervisor' && a.services.includes('etat-civil'));
    assert.ok(agent && lead, `demo accounts missing:\n${s.server.stdout()}`);

    // 1. The reception desk: the mairie's day, with the demo's morning.
    await logIn(agent.email, agent.password);
    await Promise.all([page.waitForURL(/\/agent\/guichet$/), page.getByRole('link', { name: 'Guichet' }).click()]);
    await s.assertAccessible('the sites with counters');
    await Promise.all([
      page.waitForURL(/\/agent\/guichet\/lieux\//),
      page.getByRole('link', { name: 'Mairie de Villebelle' }).click(),
    ]);
    const sitePath = new URL(page.url()).pathname;
    const siteId = sitePath.split('/').pop()!;
    assert.match(await page.locator('main').innerText(), /File d’attente : 3 personnes/);
    await s.assertAccessible('the mairie’s day');

    // 2. Camille Martin, who booked, is found by her name typed without care, then checked in
    // through the page her confirmation's QR code leads to.
    await page.getByLabel('Nom, référence ou code QR').fill('camille martin');
    await Promise.all([page.waitForURL(/\?q=/), page.getByRole('button', { name: 'Chercher' }).click()]);
    const found = page.getByRole('list', { name: 'Rendez-vous trouvés' });
    const reference = (await found.locator('.reference').first().innerText()).trim();
    assert.match(reference, /^RDV-[0-9A-Z]{6}$/);
    await s.assertAccessible('Camille Martin found by name');
    await s.goto(`/agent/guichet/arrivee/${reference}`);
    await s.assertAccessible('the page of the QR code');
    await Promise.all([
      page.waitForURL(/fait=arrivee/),
      page.getByRole('button', { name: 'Enregistrer l’arrivée' }).click(),
    ]);
    const checkedIn = /ticket (R\d{3})/.exec(await notice())?.[1];
    assert.ok(checkedIn, await notice());
    await s.assertAccessible('checked in');

    // 3. A walk-in for a passport gets a ticket of the passport line.
    await page.getByLabel('Démarche').selectOption({ label: 'Faire ou renouveler son passeport' });
    await page.getByLabel('Nom (facultatif)').fill('Léa Garnier');
    await Promise.all([page.waitForURL(/fait=ticket/), page.getByRole('button', { name: 'Donner un ticket' }).click()]);
    const walkIn = /Ticket ([A-Z]\d{3}) remis/.exec(await notice())?.[1];
    assert.ok(walkIn, await notice());
    assert.match(await page.locator('main').innerText(), /File d’attente : 5 personnes/);
    await s.assertAccessible('a walk-in’s ticket');

    // 4. The screen in the waiting room, on a browser with JavaScript and on one without.
    // Without JavaScript: the same document, which reloads itself (axe runs on it in the tab with
    // JavaScript below; here a reload every few seconds would pull the page from under it).
    noScript = await launchBrowser({ javaScriptEnabled: false });
    const plain = await noScript.context.newPage();
    await plain.goto(`${s.origin}/ecran/${siteId}`);
    assert.equal(await plain.locator('meta[http-equiv="refresh"]').count(), 1, 'reloads itself without JavaScript');
    const screen = await s.watchedPage();
    await screen.goto(`${s.origin}/ecran/${siteId}`);
    const violations = await axeViolations(screen);
    assert.equal(violations.length, 0, formatViolations('the screen', violations));

    // 5. Guichet 1 calls the next person: the passport walk-in of the demo who came first.
    await Promise.all([
      page.waitForURL(/\/comptoirs\//),
      page.getByRole('link', { name: 'Guichet 1' }).first().click(),
    ]);
    await s.assertAccessible('Guichet 1, nobody at it');
    await Promise.all([
      page.waitForURL(/fait=appele/),
      page.getByRole('button', { name: 'Appeler le suivant' }).click(),
    ]);
    const called = (await page.locator('.ticket-code').innerText()).trim();
    assert.match(called, /^[A-Z]\d{3}$/);
    assert.match(await notice(), new RegExp(`Ticket ${called} appelé`));
    await s.assertAccessible('a ticket called to Guichet 1');

    // The screen with JavaScript shows it without reloading; the one without, at its next reload.
    const last = screen.locator('#dernier-appel');
    const reloads: string[] = [];
    screen.on('load', () => reloads.push(screen.url()));
    await screen.waitForFunction(
      (code) => document.getElementById('dernier-appel')?.textContent?.includes(code),
      called,
      { timeout: 10_000 },
    );
    assert.match(await last.innerText(), /Guichet 1/);
    assert.equal(await last.getAttribute('aria-live'), 'polite');
    assert.deepEqual(reloads, [], 'updated in place: no reload');
    await plain.waitForFunction(
      (code) => document.getElementById('dernier-appel')?.textContent?.includes(code),
      called,
      { timeout: 15_000 },
    );

    // 6. The person is there; then the service ends.
    await Promise.all([
      page.waitForLoadState('load'),
      page.getByRole('button', { name: 'La personne est là' }).click(),
    ]);
    await Promise.all([
      page.waitForURL(/fait=termine/),
      page.getByRole('button', { name: 'Terminer l’accueil' }).click(),
    ]);
    assert.match(await notice(), /Accueil terminé/);
    await s.assertAccessible('served');

    // 7. A supervisor reads the figures of the day: the people called, their waiting time.
    await logIn(lead.email, lead.password);
    await s.goto('/agent/admin/guichet');
    const total = await page.getByRole('row', { name: /^Ensemble/ }).innerText();
    const calledToday = Number(/^Ensemble\s+(\d+)/.exec(total)?.[1]);
    assert.ok(calledToday >= 3, `the demo's two calls and ours: ${total}`);
    await s.assertAccessible('the figures');
  });
});
