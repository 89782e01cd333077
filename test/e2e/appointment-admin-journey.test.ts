/**
 * A new commune sets up appointments from nothing, in Chromium against the real server process
 * (issue 11), every page checked with axe-core. The commune is created by `npm run tenant:create`
 * as an operator does it; its first administrator follows the invitation, enrols a second factor,
 * publishes the identity-card démarche, then on « Rendez-vous » (/agent/admin/rendez-vous): a
 * site with its counters, opening hours (typed with the keyboard only), a closure typed by hand,
 * an iCalendar import (a malformed file first, then a valid one) and a motif for the démarche.
 * Each form is first sent with a mistake: the page comes back with the error summary, its links
 * to the fields, and what was typed. Then a citizen's booking for that démarche offers slots at
 * that site, at the hours and pace of the motif, and none on the closed days.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as OTPAuth from 'otpauth';
import type { Page } from 'playwright-core';
import { parseSlotId } from '../../src/modules/appointments/slot-id.ts';
import { formatDateFr } from '../../src/platform/format.ts';
import { publicHolidays } from '../../src/modules/requests/working-days.ts';
import { axeViolations, formatViolations } from '../support/browser.ts';
import { startE2eSession, type E2eSession } from '../support/e2e-session.ts';
import { runCli, tempDataDir } from '../support/server-process.ts';

/** Bédée (Ille-et-Vilaine, 35), a commune of about 4,700 people. */
const INSEE = '35023';
const BASE = '/t/bedee';
const ADMIN_EMAIL = 'dgs@bedee.example';
const PASSWORD = 'un-mot-de-passe-solide-42';
const SITE = 'Mairie de Bédée';
const DEMARCHE = "Faire ou renouveler sa carte d'identité";
const MOTIF = 'Dépôt d’une demande de carte d’identité';

const paris = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' });
const parisTime = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' });
function addDays(day: string, n: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/**
 * The next weekdays (Monday to Friday) from the day after tomorrow that are not public holidays
 * in Ille-et-Vilaine: the counter opens on them, so a closure is what takes their slots away.
 */
function openWeekdays(count: number): string[] {
  const days: string[] = [];
  for (let day = addDays(paris.format(new Date()), 2); days.length < count; day = addDays(day, 1)) {
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    if (weekday >= 1 && weekday <= 5 && !publicHolidays(Number(day.slice(0, 4)), '35').has(day)) days.push(day);
  }
  return days;
}

/** An iCalendar file with one all-day event, as a calendar application exports it. */
function calendarFile(day: string, summary: string): string {
  const compact = (d: string) => d.replaceAll('-', '');
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Mairie de Bédée//Agenda//FR',
    'BEGIN:VEVENT',
    'UID:formation-2026@bedee.example',
    'DTSTAMP:20261201T090000Z',
    `DTSTART;VALUE=DATE:${compact(day)}`,
    `DTEND;VALUE=DATE:${compact(addDays(day, 1))}`,
    `SUMMARY:${summary}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

describe('a new commune sets up appointments in a browser', { timeout: 360_000 }, () => {
  let s: E2eSession;
  let invitation = '';

  before(async () => {
    // The commune, as an operator creates it (the embedded database: before the server starts).
    const dataDir = tempDataDir();
    const created = await runCli(
      'src/cli/tenant-create.ts',
      ['--insee', INSEE, '--admin-email', ADMIN_EMAIL, '--admin-name', 'Claire Martin'],
      {
        GUICHET_DATA_DIR: dataDir,
      },
    );
    assert.equal(created.code, 0, created.stdout + created.stderr);
    invitation = /\/t\/bedee\/agent\/invitation\?jeton=[\w-]+/.exec(created.stdout)?.[0] ?? '';
    assert.ok(invitation, created.stdout);
    // No demo commune: only what the administrator sets up exists. The session removes dataDir.
    s = await startE2eSession({ env: { GUICHET_DEMO: 'false' }, dataDir, timeoutMs: 180_000 });
  });
  after(async () => s?.close());

  /** Sends the form whose button this is and waits for the page that answers. */
  async function submit(page: Page, button: string) {
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: button }).click()]);
    await page.waitForLoadState('load');
  }

  /** The error summary: its messages, each a link to its field, which exists on the page. */
  async function errorSummary(page: Page): Promise<Map<string, string>> {
    const links = page.locator('.error-summary a');
    const out = new Map<string, string>();
    for (const link of await links.all()) {
      const href = (await link.getAttribute('href')) ?? '';
      assert.match(href, /^#[\w-]+$/, 'a link to a field');
      assert.equal(await page.locator(href).count(), 1, `the field ${href} is on the page`);
      out.set(href.slice(1), await link.innerText());
    }
    assert.ok(out.size > 0, 'the error summary lists the errors');
    assert.match(await page.title(), /^Erreur – /);
    return out;
  }

  /** axe-core on another tab than the session's, and no browser error so far. */
  async function assertAccessibleTab(tab: Page, label: string) {
    assert.deepEqual(s.browserErrors.splice(0), [], `browser errors up to ${label}`);
    const violations = await axeViolations(tab);
    assert.equal(violations.length, 0, formatViolations(`${label} (${tab.url()})`, violations));
  }

  /** Presses Tab until the element matching `selector` has the focus (keyboard only). */
  async function tabTo(page: Page, selector: string) {
    for (let i = 0; i < 300; i++) {
      if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return;
      await page.keyboard.press('Tab');
    }
    assert.fail(`${selector} is never reached with Tab`);
  }

  test('site, counters, hours, closures (typed and imported), motif; the citizen sees the slots', async () => {
    const { page } = s;
    const [closed, open, imported] = openWeekdays(3) as [string, string, string];
    assert.ok(imported <= addDays(closed, 6), 'the three days are in the week shown from the first');

    // 1. The invitation: a password, then the second factor every administrator must have.
    await s.goto(invitation);
    await s.assertAccessible('the invitation');
    await page.fill('#password', PASSWORD);
    await page.fill('#confirmation', PASSWORD);
    await Promise.all([
      page.waitForURL(/\/agent\/double-authentification$/),
      page.getByRole('button', { name: 'Enregistrer mon mot de passe' }).click(),
    ]);
    await s.assertAccessible('second factor enrolment');
    const secret = (await page.locator('#totp-secret').innerText()).replace(/\s/g, '');
    await page
      .getByLabel(/Code à 6 chiffres/)
      .fill(new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate());
    await submit(page, 'Activer');
    await s.assertAccessible('recovery codes');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('link', { name: /J'ai noté mes codes/ }).click()]);

    // 2. The démarche, from the catalogue « à vérifier »: appointments are only for published ones.
    await s.goto(`${BASE}/agent/admin/demarches`);
    await s.assertAccessible('the démarches to review');
    const row = page.locator('tr', {
      has: page.getByRole('rowheader', { name: /^Faire ou renouveler sa carte d.identité$/ }),
    });
    await Promise.all([page.waitForURL(/publiee=1/), row.getByRole('button', { name: 'Publier' }).click()]);
    await s.assertAccessible('the démarche published');

    // 3. « Rendez-vous », from the administration menu: nothing yet.
    await Promise.all([
      page.waitForURL(/\/agent\/admin\/rendez-vous$/),
      page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Rendez-vous' }).click(),
    ]);
    const empty = await page.locator('main').innerText();
    assert.match(empty, /Aucun lieu pour l’instant/);
    // What needs a counter says so instead of showing an empty list to choose from.
    assert.match(empty, /Ajoutez d’abord un lieu : ses guichets recevront ensuite des horaires/);
    assert.match(empty, /Aucun motif : aucune démarche ne se prend sur rendez-vous/);
    assert.match(empty, /Pour ajouter un motif, il faut d’abord :\s+un lieu et ses guichets/);
    assert.equal(await page.locator('#guichet, #demarche').count(), 0);
    await s.assertAccessible('appointment settings, empty');

    // 4. A site, first without its address and with no counter.
    const siteForm = page.locator('form', { has: page.getByRole('button', { name: 'Ajouter ce lieu' }) });
    await siteForm.getByLabel('Nom', { exact: true }).fill(SITE);
    await siteForm.getByLabel('Type de lieu').selectOption({ label: 'Mairie' });
    await siteForm.getByLabel('Ville').fill('Bédée');
    await siteForm.getByLabel('Nombre de guichets').fill('0');
    await submit(page, 'Ajouter ce lieu');
    const siteErrors = await errorSummary(page);
    assert.deepEqual([...siteErrors.keys()], ['adresse', 'nombre_guichets']);
    assert.equal(await page.locator('#nom').inputValue(), SITE);
    assert.equal(await page.locator('#type').inputValue(), 'mairie');
    assert.equal(await page.locator('#ville').inputValue(), 'Bédée');
    assert.equal(await page.locator('#adresse').getAttribute('aria-invalid'), 'true');
    await s.assertAccessible('the site form with its errors');
    await page.fill('#adresse', '1 place de la Mairie');
    await page.fill('#code_postal', '35137');
    await page.fill('#nombre_guichets', '2');
    await submit(page, 'Ajouter ce lieu');
    assert.match(page.url(), /\?fait=lieu$/);
    const site = page.getByRole('region', { name: SITE });
    assert.match(await site.innerText(), /Mairie · 1 place de la Mairie, 35137 Bédée/);
    assert.deepEqual(await site.locator('tbody th').allInnerTexts(), ['Guichet 1', 'Guichet 2']);
    await s.assertAccessible('the site added');

    // 5. Opening hours of « Guichet 1 »: a time typed the wrong way and no day, then the same
    //    form corrected with the keyboard only.
    await page.locator('#guichet').selectOption({ label: `${SITE} – Guichet 1` });
    await page.fill('#ouverture', '8h30');
    await page.fill('#fermeture', '12:00');
    await submit(page, 'Ajouter ces horaires');
    const periodErrors = await errorSummary(page);
    assert.deepEqual([...periodErrors.keys()].sort(), ['jours', 'ouverture']);
    assert.equal(await page.locator('#ouverture').inputValue(), '8h30');
    assert.equal(await page.locator('#fermeture').inputValue(), '12:00');
    assert.match(await page.locator('#guichet option:checked').innerText(), /Guichet 1$/);
    await s.assertAccessible('the hours form with its errors');
    for (const day of [1, 2, 3, 4, 5]) {
      await tabTo(page, `#jour-${day}`);
      await page.keyboard.press('Space');
    }
    await tabTo(page, '#ouverture');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('08:30');
    await Promise.all([page.waitForURL(/\?fait=horaires$/), page.keyboard.press('Enter')]);
    const hours = await site.locator('tbody tr').first().innerText();
    for (const day of ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi'])
      assert.match(hours, new RegExp(`${day} de 08:30 à 12:00`));
    assert.doesNotMatch(hours, /samedi|dimanche/);
    await s.assertAccessible('the hours added');

    // 6. A closure typed by hand: its last day before its first, then for one day.
    await page.locator('#lieu').selectOption({ label: SITE });
    await page.fill('#du', closed);
    await page.fill('#au', addDays(closed, -1));
    await page.fill('#libelle', 'Inventaire des registres');
    await submit(page, 'Ajouter cette fermeture');
    assert.deepEqual([...(await errorSummary(page)).keys()], ['au']);
    assert.equal(await page.locator('#du').inputValue(), closed);
    assert.equal(await page.locator('#libelle').inputValue(), 'Inventaire des registres');
    assert.equal(await page.locator('#au').getAttribute('aria-invalid'), 'true');
    await s.assertAccessible('the closure form with its error');
    await page.fill('#au', '');
    await submit(page, 'Ajouter cette fermeture');
    assert.match(page.url(), /\?fait=fermeture$/);
    const closures = page.getByRole('table', { name: 'Fermetures à venir' });
    // One day, as typed (stored up to the next midnight, not shown so).
    const typedRow = closures.getByRole('row', { name: /Inventaire des registres/ });
    assert.match(await typedRow.innerText(), new RegExp(`${formatDateFr(closed)}\\s+${SITE}`));
    await s.assertAccessible('the closure added');

    // 7. An iCalendar import: a file that is not one, then the commune's agenda.
    await page.locator('#lieu_import').selectOption({ label: SITE });
    await page.setInputFiles('#fichier', {
      name: 'agenda.ics',
      mimeType: 'text/calendar',
      buffer: Buffer.from('BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Sans fin\r\n'),
    });
    await submit(page, 'Importer');
    const importErrors = await errorSummary(page);
    assert.deepEqual([...importErrors.keys()], ['fichier']);
    assert.match(importErrors.get('fichier')!, /n’est pas un calendrier iCalendar/);
    assert.match(await page.locator('#fichier-error').innerText(), /n’est pas un calendrier iCalendar/);
    assert.equal(await page.locator('#fichier').getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#lieu_import option:checked').innerText(), new RegExp(SITE));
    assert.match(await closures.innerText(), /Inventaire des registres/, 'the typed closure is still there');
    await s.assertAccessible('the import with its error');
    await page.setInputFiles('#fichier', {
      name: 'agenda.ics',
      mimeType: 'text/calendar',
      buffer: Buffer.from(calendarFile(imported, 'Formation des agents')),
    });
    await submit(page, 'Importer');
    assert.match(page.url(), /\?fait=import$/);
    const listed = await closures.innerText();
    assert.match(listed, /Inventaire des registres/);
    assert.match(listed, new RegExp(`Formation des agents \\(importée\\)\\s+${formatDateFr(imported)}\\s+${SITE}`));
    await s.assertAccessible('the closures imported');

    // 8. The motif: too short and no counter, then right.
    const documents = 'Le numéro de pré-demande ANTS\nUne photo d’identité de moins de 6 mois';
    // The only published démarche is the only one offered.
    assert.deepEqual(await page.locator('#demarche option').allInnerTexts(), [DEMARCHE]);
    await page.locator('#demarche').selectOption({ label: DEMARCHE });
    await page.fill('#intitule', MOTIF);
    await page.fill('#duree', '2');
    await page.fill('#battement', '10');
    await page.fill('#delai_min', '60');
    await page.fill('#horizon', '30');
    await page.fill('#annulation', '24');
    await page.fill('#documents', documents);
    await submit(page, 'Ajouter ce motif');
    assert.deepEqual([...(await errorSummary(page)).keys()], ['duree', 'guichets']);
    assert.equal(await page.locator('#intitule').inputValue(), MOTIF);
    assert.equal(await page.locator('#horizon').inputValue(), '30');
    assert.equal(await page.locator('#annulation').inputValue(), '24');
    assert.equal(await page.locator('#documents').inputValue(), documents);
    assert.match(await page.locator('#demarche option:checked').innerText(), /carte d.identité/);
    await s.assertAccessible('the motif form with its errors');
    await page.fill('#duree', '20');
    await page
      .getByRole('group', { name: 'Guichets qui reçoivent ce motif' })
      .getByLabel(`${SITE} – Guichet 1`)
      .check();
    await submit(page, 'Ajouter ce motif');
    assert.match(page.url(), /\?fait=motif$/);
    const motifs = await page.getByRole('table', { name: 'Motifs de rendez-vous' }).innerText();
    assert.match(motifs, new RegExp(MOTIF));
    assert.match(motifs, /20 min \+ 10 min de battement/);
    assert.match(motifs, /De 30 jours à 1 h avant ; annulable jusqu’à 24 h avant/);
    assert.match(motifs, new RegExp(`${SITE} – Guichet 1`));
    await s.assertAccessible('the motif added');

    // 9. The citizen: the démarche, the site, the week from the closed day.
    const citizen = await s.watchedPage();
    await citizen.goto(`${s.origin}${BASE}/rendez-vous`);
    await assertAccessibleTab(citizen, 'the démarches one books for');
    await Promise.all([
      citizen.waitForURL(/\/rendez-vous\/carte-identite$/),
      citizen.getByRole('link', { name: /carte d.identité/ }).click(),
    ]);
    assert.match(await citizen.locator('main').innerText(), new RegExp(SITE));
    await assertAccessibleTab(citizen, 'the place');
    await Promise.all([
      citizen.waitForURL(/\/creneaux/),
      citizen.getByRole('button', { name: 'Voir les jours et les heures' }).click(),
    ]);
    await assertAccessibleTab(citizen, 'the first week of slots');
    const week = new URL(citizen.url());
    week.searchParams.set('du', closed);
    await citizen.goto(week.toString());
    const slots = (
      await citizen.locator('a.slot-time').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href))
    ).map((href) => parseSlotId(new URL(href).searchParams.get('creneau') ?? '')!);
    assert.ok(slots.length > 0, 'slots are offered');
    const siteId = slots[0]!.siteId;
    assert.ok(
      slots.every((x) => x.siteId === siteId),
      'at the one site',
    );
    const byDay = new Map<string, string[]>();
    for (const x of slots) {
      const day = paris.format(x.start);
      byDay.set(day, [...(byDay.get(day) ?? []), parisTime.format(x.start)]);
    }
    assert.equal(byDay.has(closed), false, `no slot on the closure typed by hand (${closed})`);
    assert.equal(byDay.has(imported), false, `no slot on the imported closure (${imported})`);
    // From 08:30, every 30 minutes (20 minutes and 10 of buffer), the last one ending by 12:00.
    assert.deepEqual(byDay.get(open), ['08:30', '09:00', '09:30', '10:00', '10:30', '11:00', '11:30']);
    await assertAccessibleTab(citizen, 'the citizen’s slots');
    // The horizon: nothing beyond 30 days.
    week.searchParams.set('du', addDays(paris.format(new Date()), 31));
    await citizen.goto(week.toString());
    assert.equal(await citizen.locator('a.slot-time').count(), 0);
    assert.match(await citizen.locator('main').innerText(), /Aucun créneau libre sur cette période/);
    await assertAccessibleTab(citizen, 'a week beyond the horizon');
    await citizen.close();
  });
});
